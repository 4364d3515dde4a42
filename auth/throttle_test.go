package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestThrottleDelay(t *testing.T) {
	th := &Throttle{BaseDelay: 250 * time.Millisecond, MaxDelay: 4 * time.Second}
	for _, c := range []struct {
		n, limit int
		want     time.Duration
	}{
		{0, 10, 0}, {4, 10, 0}, {5, 10, 250 * time.Millisecond}, {6, 10, 500 * time.Millisecond},
		{8, 10, 2 * time.Second}, {9, 10, 4 * time.Second}, {99, 100, 4 * time.Second}, {1 << 20, 1 << 21, 250 * time.Millisecond},
		{1, 1, 250 * time.Millisecond}, {0, 1, 0},
	} {
		if got := th.delay(c.n, c.limit); got != c.want {
			t.Errorf("delay(%d of %d) = %v, want %v", c.n, c.limit, got, c.want)
		}
	}
	if got := (&Throttle{}).delay(9, 10); got != 0 {
		t.Errorf("without BaseDelay: %v, want none", got)
	}
}

// TestThrottleWaitEndsWithTheClient: the real sleep ends when the request's
// context does, so a client that gives up frees the server.
func TestThrottleWaitEndsWithTheClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := (&Throttle{}).Wait(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want the context's error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Wait took %v after the context ended", d)
	}
	if err := (&Throttle{}).Wait(context.Background(), 10*time.Millisecond); err != nil {
		t.Errorf("Wait of a short delay: %v", err)
	}
}
