package casus

import (
	"slices"
	"strings"
	"time"
)

// RouteStep is one step of a sector's care route (zorgroute). Codes are
// unique within a route; their labels are i18n keys per sector
// ("route.step.<sector>.<code>"), so vo can use the mbo steps with its own
// words.
type RouteStep string

// Steps of the mbo route (seed 000, ch. 5), also used for vo with vo terms:
// basic guidance by the mentor → team meeting on guidance and care →
// taakdocent zorg (vo: zorgcoördinator / ondersteuningscoördinator at
// school) → intern zorgteam → ZAT → combined education-care-work trajectory
// (rebound, plus facility) → Jongerenloket (vo: RMC) when the student leaves
// without a qualification.
const (
	StepBasic         RouteStep = "basic"
	StepTeamMeeting   RouteStep = "team_meeting"
	StepCareContact   RouteStep = "care_contact"
	StepIntern        RouteStep = "intern"
	StepZAT           RouteStep = "zat"
	StepTrajectory    RouteStep = "trajectory"
	StepJongerenloket RouteStep = "jongerenloket"
)

// Steps of the po route (seed 001, steps 1–6).
const (
	StepPOTeacher    RouteStep = "teacher"    // 1 the teacher observes and guides, with the parents
	StepPOColleagues RouteStep = "colleagues" // 2 the teacher consults colleagues
	StepPOIB         RouteStep = "ib"         // 3 the teacher brings in the IB'er
	StepPOZorgteam   RouteStep = "zorgteam"   // 4 the IB'er brings in expertise at school / zorgteam
	// 5 the zorgteam brings the case to the above-school ZAT: StepZAT
	StepPOArrangement RouteStep = "arrangement" // 6 tailor-made arrangement
)

// CareRoute is a sector's care route with the reach of each relation: how far up
// a mentor and a care contact may scale on their own.
type CareRoute struct {
	Steps []RouteStep
	// MentorReach is the highest step the mentor may set: bringing in the
	// taakdocent zorg / IB'er is the mentor's own step.
	MentorReach RouteStep
	// CareContactReach is the highest step the taakdocent zorg / IB'er may
	// set: they bring a case to the intern zorgteam. Going further (ZAT,
	// arrangements) is the team's decision, taken by its chair.
	CareContactReach RouteStep
}

var (
	mboRoute = CareRoute{
		Steps:            []RouteStep{StepBasic, StepTeamMeeting, StepCareContact, StepIntern, StepZAT, StepTrajectory, StepJongerenloket},
		MentorReach:      StepCareContact,
		CareContactReach: StepIntern,
	}
	poRoute = CareRoute{
		Steps:            []RouteStep{StepPOTeacher, StepPOColleagues, StepPOIB, StepPOZorgteam, StepZAT, StepPOArrangement},
		MentorReach:      StepPOIB,
		CareContactReach: StepPOZorgteam,
	}
)

// RouteFor returns the care route of a sector. vo follows the mbo route.
func RouteFor(s Sector) CareRoute {
	if s == SectorPO {
		return poRoute
	}
	return mboRoute
}

// Index returns the position of a step on the route, -1 when it is not on it.
func (r CareRoute) Index(s RouteStep) int { return slices.Index(r.Steps, s) }

// First is where every student starts: basic guidance.
func (r CareRoute) First() RouteStep { return r.Steps[0] }

// RouteEvent is one recorded decision on a student's care route: scaling up,
// scaling down, or (the first event) setting the step. Events are appended,
// never changed; the newest is the current step.
type RouteEvent struct {
	StudentID  string
	Seq        int // 1, 2, … per student
	From       RouteStep
	To         RouteStep
	DecidedOn  time.Time // the day of the decision
	ByID       string
	ByName     string
	RecordedAt time.Time
	Reason     string
}

// RouteDirection tells scaling up from scaling down.
type RouteDirection string

// Directions.
const (
	DirUp   RouteDirection = "up"   // opschalen
	DirDown RouteDirection = "down" // afschalen
)

// DirectionOf returns whether moving from → to on the route scales up or down.
func (r CareRoute) DirectionOf(from, to RouteStep) RouteDirection {
	if r.Index(to) < r.Index(from) {
		return DirDown
	}
	return DirUp
}

// reach returns the highest step index u may set or leave, -1 for none.
func (r CareRoute) reach(u User, rel StudentRelations) (int, Relation) {
	switch {
	// The chair of a team serving the school: the zorgcoördinator, or in
	// po the IB'er who chairs the school's zorgteam (SPEC §2 step 5: the
	// zorgteam decides on the ZAT).
	case rel.Coordinator && !u.Disabled && rel.Exists && (u.HasRole(RoleCoordinator) || u.HasRole(RoleCareContact)):
		return len(r.Steps) - 1, RelCoordinator
	case careRel(u, rel, RelCareContact):
		return r.Index(r.CareContactReach), RelCareContact
	case careRel(u, rel, RelMentor):
		return r.Index(r.MentorReach), RelMentor
	}
	return -1, RelNone
}

// CanChangeRoute decides whether u may record a step change, and which
// steps they may choose; see RouteChoices.
func (r CareRoute) CanChangeRoute(u User, rel StudentRelations, from, to RouteStep) Access {
	max, relation := r.reach(u, rel)
	fi, ti := r.Index(from), r.Index(to)
	if max < 0 || fi < 0 || ti < 0 || fi == ti || fi > max || ti > max {
		return Access{Relation: RelNone}
	}
	return Access{Allowed: true, Relation: relation}
}

// RouteChoices returns the steps u may move the student to from the current
// step: the mentor within basic guidance up to bringing in the care
// contact, the taakdocent zorg / IB'er up to the intern zorgteam, the chair
// of a care team serving the school anywhere. Nobody may move a student
// from a step above their reach: scaling down from the ZAT is the ZAT's
// decision. Management and beheerder never may.
func (r CareRoute) RouteChoices(u User, rel StudentRelations, current RouteStep) []RouteStep {
	var out []RouteStep
	for _, s := range r.Steps {
		if r.CanChangeRoute(u, rel, current, s).Allowed {
			out = append(out, s)
		}
	}
	return out
}

// CurrentStep returns the step of the newest event, or the route's first
// step when nothing was recorded.
func (r CareRoute) CurrentStep(events []RouteEvent) RouteStep {
	if len(events) == 0 {
		return r.First()
	}
	return events[len(events)-1].To
}

// TeamStep is the step of the sector's care route where a team of kind
// works: the ZAT, or the school's own team (intern zorgteam; in primary
// education the zorgteam of step 4).
func TeamStep(s Sector, k TeamKind) RouteStep {
	switch {
	case k == TeamZAT:
		return StepZAT
	case s == SectorPO:
		return StepPOZorgteam
	}
	return StepIntern
}

// RouteDecision is a decision of a team that moves the care route by
// itself; its key is what the route's history shows as the reason.
type RouteDecision string

// Decisions that move the care route.
const (
	RouteAccepted  RouteDecision = "route.auto.accepted"  // a team accepted a referral
	RouteEscalated RouteDecision = "route.auto.escalated" // the intern team handed the case to the ZAT
	RouteClosed    RouteDecision = "route.auto.closed"    // a case closed
)

// Auto reports whether the event was made by a team's decision (its
// reason is the decision's key) rather than by hand.
func (e RouteEvent) Auto() bool { return strings.HasPrefix(e.Reason, "route.auto.") }

// StepAfterDecision is where the student's care route goes after a team's
// decision, from current: acceptance and escalation move it up to the
// team's step (never down); a closing moves it to the step of the highest
// team that still has an open case (openKinds), to the ZAT on a hand-over,
// to the Jongerenloket when an mbo or vo student left, and otherwise back
// to basic guidance. ok is false when the route stays where it is.
func StepAfterDecision(s Sector, current RouteStep, d RouteDecision, team TeamKind, reason CloseReason, openKinds []TeamKind) (RouteStep, bool) {
	r := RouteFor(s)
	var to RouteStep
	switch d {
	case RouteAccepted, RouteEscalated:
		to = TeamStep(s, team)
		if r.Index(to) <= r.Index(current) {
			return current, false
		}
	case RouteClosed:
		switch {
		case reason == CloseZAT:
			to = StepZAT
		case len(openKinds) > 0:
			to = TeamStep(s, openKinds[0])
			for _, k := range openKinds[1:] {
				if t := TeamStep(s, k); r.Index(t) > r.Index(to) {
					to = t
				}
			}
		case reason == CloseLeft && s != SectorPO:
			to = StepJongerenloket
		default:
			to = r.First()
		}
	}
	return to, to != "" && to != current
}
