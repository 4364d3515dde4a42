package casus_test

import (
	"testing"

	"casus"
)

func TestReceivesMinutesItem(t *testing.T) {
	chair := casus.User{ID: "chair"}
	taker := casus.User{ID: "taker"}
	member := casus.User{ID: "member"}
	guest := casus.User{ID: "guest"}
	stranger := casus.User{ID: "stranger"}
	disabled := casus.User{ID: "chair", Disabled: true}
	members := []casus.TeamMember{{User: chair, Chair: true}, {User: taker, MinuteTaker: true}, {User: member}, {User: guest, Kind: casus.MemberOnCall}}
	tests := []struct {
		name      string
		u         casus.User
		attendees []string
		invited   []string
		want      bool
	}{
		{"OK/ChairEveryItem", chair, nil, nil, true},
		{"OK/MinuteTakerEveryItem", taker, nil, nil, true},
		{"OK/MemberWhoWasThere", member, []string{"member"}, nil, true},
		{"OK/OnCallInvited", guest, nil, []string{"guest"}, true},
		{"OK/OnCallInvitedAndThere", guest, []string{"guest"}, []string{"guest"}, true},
		{"No/MemberNotThere", member, []string{"taker"}, []string{"guest"}, false},
		{"No/OnCallNotInvited", guest, []string{"member"}, nil, false},
		{"No/NotInTeam", stranger, nil, nil, false},
		{"No/DisabledChairNotThere", disabled, nil, nil, false},
		{"OK/DisabledChairWhoWasThere", disabled, []string{"chair"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.ReceivesMinutesItem(tc.u, members, tc.attendees, tc.invited); got != tc.want {
				t.Errorf("ReceivesMinutesItem = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDiscussionTextFields(t *testing.T) {
	var r casus.DiscussionRecord
	for _, name := range casus.DiscussionTextFields {
		p := r.TextField(name)
		if p == nil {
			t.Fatalf("TextField(%q) = nil", name)
		}
		*p = name
	}
	if r.Guests != "guests" || r.Evaluation != "evaluation" || r.VIRReason != "vir_reason" {
		t.Errorf("TextField wrote elsewhere: %+v", r)
	}
	if r.TextField("severity") != nil {
		t.Error("TextField(severity) is not a free-text field")
	}
}
