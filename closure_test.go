package casus_test

import (
	"testing"

	"casus"
)

func TestCheckActionEnds(t *testing.T) {
	open := []casus.Action{{ID: "a"}, {ID: "b"}}
	all := func(c casus.ActionEnd) map[string]casus.ActionEnd { return map[string]casus.ActionEnd{"a": c, "b": c} }
	for _, tc := range []struct {
		name    string
		reason  casus.CloseReason
		zatOpen bool
		chosen  map[string]casus.ActionEnd
		errs    map[string]string // field → key
	}{
		{"OK/HandOver/BothTransferred", casus.CloseZAT, true, all(casus.ActionTransfer), nil},
		{"OK/Solved/BothDone", casus.CloseSolved, false, all(casus.ActionEndDone), nil},
		{"OK/Solved/DoneAndStopped", casus.CloseSolved, false, map[string]casus.ActionEnd{"a": casus.ActionEndDone, "b": casus.ActionEndStop}, nil},
		{"Refused/NoChoice/NeverSilently", casus.CloseZAT, true, map[string]casus.ActionEnd{"a": casus.ActionTransfer},
			map[string]string{"action_b": "closure.action_choose"}},
		{"Refused/UnknownChoice", casus.CloseSolved, false, all("vanish"),
			map[string]string{"action_a": "closure.action_choose", "action_b": "closure.action_choose"}},
		{"Refused/TransferWithoutHandOver", casus.CloseSolved, true, all(casus.ActionTransfer),
			map[string]string{"action_a": "closure.action_transfer_zat_only", "action_b": "closure.action_transfer_zat_only"}},
		{"Refused/TransferWithoutZATCase", casus.CloseZAT, false, all(casus.ActionTransfer),
			map[string]string{"action_a": "closure.action_no_zat_case", "action_b": "closure.action_no_zat_case"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := casus.CheckActionEnds(tc.reason, tc.zatOpen, open, tc.chosen)
			if len(errs) != len(tc.errs) {
				t.Fatalf("errors = %v, want %v", errs, tc.errs)
			}
			for _, e := range errs {
				if tc.errs[e.Field] != e.Key {
					t.Errorf("%s: %s, want %s", e.Field, e.Key, tc.errs[e.Field])
				}
			}
		})
	}
	if casus.NeedsGoalOutcomes(casus.CloseZAT) || !casus.NeedsGoalOutcomes(casus.CloseSolved) {
		t.Errorf("a hand-over to the ZAT must ask no goal outcomes; any other closing must")
	}
}
