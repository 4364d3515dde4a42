package casus

import (
	"slices"
	"testing"
)

func TestRouteChoices(t *testing.T) {
	mbo, po := RouteFor(SectorMBO), RouteFor(SectorPO)
	mentor := StudentRelations{Exists: true, Mentor: true}
	care := StudentRelations{Exists: true, CareContact: true}
	chair := StudentRelations{Exists: true, Coordinator: true}
	everything := StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true, Invited: true}
	tests := []struct {
		name    string
		route   CareRoute
		u       User
		rel     StudentRelations
		current RouteStep
		want    []RouteStep
	}{
		{"mentor up to the taakdocent", mbo, careUser(RoleMentor), mentor, StepBasic, []RouteStep{StepTeamMeeting, StepCareContact}},
		{"mentor cannot touch the intern team step", mbo, careUser(RoleMentor), mentor, StepIntern, nil},
		{"taakdocent up to the intern zorgteam", mbo, careUser(RoleCareContact), care, StepCareContact,
			[]RouteStep{StepBasic, StepTeamMeeting, StepIntern}},
		{"taakdocent cannot scale down from the ZAT", mbo, careUser(RoleCareContact), care, StepZAT, nil},
		{"coordinator anywhere", mbo, careUser(RoleCoordinator), chair, StepIntern,
			[]RouteStep{StepBasic, StepTeamMeeting, StepCareContact, StepZAT, StepTrajectory, StepJongerenloket}},
		{"po teacher up to the IB'er", po, careUser(RoleMentor), mentor, StepPOTeacher, []RouteStep{StepPOColleagues, StepPOIB}},
		{"po IB'er up to the zorgteam", po, careUser(RoleCareContact), care, StepPOIB, []RouteStep{StepPOTeacher, StepPOColleagues, StepPOZorgteam}},
		{"po IB'er chairing the zorgteam brings the case to the ZAT", po, careUser(RoleCareContact), StudentRelations{Exists: true, CareContact: true, Coordinator: true},
			StepPOZorgteam, []RouteStep{StepPOTeacher, StepPOColleagues, StepPOIB, StepZAT, StepPOArrangement}},
		{"partner in the team never", mbo, careUser(RolePartner), StudentRelations{Exists: true, TeamMember: true}, StepBasic, nil},
		{"management never", mbo, careUser(RoleManagement), everything, StepBasic, nil},
		{"beheerder never", mbo, careUser(RoleAdmin), everything, StepBasic, nil},
		{"chair fact without a care role never", mbo, careUser(RoleMentor, RoleAdmin), chair, StepBasic, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.route.RouteChoices(tc.u, tc.rel, tc.current); !slices.Equal(got, tc.want) {
				t.Errorf("choices %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRouteBasics(t *testing.T) {
	mbo, po, vo := RouteFor(SectorMBO), RouteFor(SectorPO), RouteFor(SectorVO)
	if len(po.Steps) != 6 || len(mbo.Steps) != 7 || !slices.Equal(vo.Steps, mbo.Steps) {
		t.Errorf("routes: po %v, mbo %v, vo %v", po.Steps, mbo.Steps, vo.Steps)
	}
	if mbo.CurrentStep(nil) != StepBasic || po.CurrentStep(nil) != StepPOTeacher {
		t.Errorf("a student without decisions starts at basic guidance")
	}
	evs := []RouteEvent{{To: StepCareContact}, {To: StepIntern}}
	if mbo.CurrentStep(evs) != StepIntern {
		t.Errorf("current step is not the newest decision's")
	}
	if mbo.DirectionOf(StepIntern, StepZAT) != DirUp || mbo.DirectionOf(StepZAT, StepBasic) != DirDown {
		t.Errorf("directions wrong")
	}
	if mbo.CanChangeRoute(careUser(RoleCoordinator), StudentRelations{Exists: true, Coordinator: true}, StepZAT, StepZAT).Allowed {
		t.Errorf("a change to the same step is allowed")
	}
	if mbo.CanChangeRoute(careUser(RoleCoordinator), StudentRelations{Exists: true, Coordinator: true}, StepZAT, StepPOArrangement).Allowed {
		t.Errorf("a po step is allowed on the mbo route")
	}
}

func TestStepAfterDecision(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sector  Sector
		current RouteStep
		d       RouteDecision
		team    TeamKind
		reason  CloseReason
		open    []TeamKind
		want    RouteStep // "" when the route stays
	}{
		{"Moves/MBO/InternAccepts", SectorMBO, StepCareContact, RouteAccepted, TeamIntern, "", nil, StepIntern},
		{"Moves/PO/ZorgteamAccepts", SectorPO, StepPOIB, RouteAccepted, TeamIntern, "", nil, StepPOZorgteam},
		{"Moves/MBO/Escalated", SectorMBO, StepIntern, RouteEscalated, TeamZAT, "", nil, StepZAT},
		{"Moves/Closed/Solved/BackToBasic", SectorMBO, StepIntern, RouteClosed, TeamIntern, CloseSolved, nil, StepBasic},
		{"Moves/Closed/PO/Solved/BackToTeacher", SectorPO, StepPOZorgteam, RouteClosed, TeamIntern, CloseSolved, nil, StepPOTeacher},
		{"Moves/Closed/HandOver/ToZAT", SectorMBO, StepIntern, RouteClosed, TeamIntern, CloseZAT, nil, StepZAT},
		{"Moves/Closed/Left/Jongerenloket", SectorMBO, StepZAT, RouteClosed, TeamZAT, CloseLeft, nil, StepJongerenloket},
		{"Moves/Closed/ZATSolved/InternStillOpen", SectorMBO, StepZAT, RouteClosed, TeamZAT, CloseSolved, []TeamKind{TeamIntern}, StepIntern},
		{"Stays/AcceptedBelowCurrent", SectorMBO, StepZAT, RouteAccepted, TeamIntern, "", nil, ""},
		{"Stays/AlreadyThere", SectorMBO, StepIntern, RouteAccepted, TeamIntern, "", nil, ""},
		{"Stays/Closed/InternClosedZATOpen", SectorMBO, StepZAT, RouteClosed, TeamIntern, CloseSolved, []TeamKind{TeamZAT}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := StepAfterDecision(tc.sector, tc.current, tc.d, tc.team, tc.reason, tc.open)
			if tc.want == "" {
				if ok {
					t.Errorf("moves to %s, want it to stay at %s", got, tc.current)
				}
				return
			}
			if !ok || got != tc.want {
				t.Errorf("StepAfterDecision = %s, %v; want %s", got, ok, tc.want)
			}
		})
	}
}
