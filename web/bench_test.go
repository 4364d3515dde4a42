package web_test

import (
	"net/http"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// benchStudentPage runs fn per engine with a client logged in as the
// zorgcoördinator and the path of Lotte's page, on the demo data.
func benchStudentPage(b *testing.B, fn func(b *testing.B, c *webtest.Client, path string)) {
	for _, engine := range storagetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			env := webtest.Start(b, engine, webtest.Options{})
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			b.ReportAllocs()
			fn(b, c, "/students/"+env.StudentID(demo.LotteNumber))
		})
	}
}

// BenchmarkStudentPage measures what a care coordinator waits for when
// opening a student: one HTTP request through the whole stack (session,
// access policy, the access-log write in the same transaction, the student,
// guardians and cases, the template) on a database with the demo data.
//
//	go test ./web -run '^$' -bench StudentPage -benchtime 2s
func BenchmarkStudentPage(b *testing.B) {
	benchStudentPage(b, func(b *testing.B, c *webtest.Client, path string) {
		for b.Loop() {
			if res := c.Get(path); res.Status != http.StatusOK {
				b.Fatalf("student page: %d", res.Status)
			}
		}
	})
}

// BenchmarkStudentPageParallel is the same page opened by many users at
// once: the access-log chain serialises the writes, so this is the figure
// that shows its cost under load.
func BenchmarkStudentPageParallel(b *testing.B) {
	benchStudentPage(b, func(b *testing.B, c *webtest.Client, path string) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if res := c.Get(path); res.Status != http.StatusOK {
					b.Errorf("student page: %d", res.Status)
					return
				}
			}
		})
	})
}
