package casus

import (
	"slices"
	"strings"
	"time"
)

// ConsentMode is how a student may be discussed in the ZAT (SPEC §4).
type ConsentMode string

// Consent modes.
const (
	// ConsentGiven (toestemming): the student or guardians agreed in advance
	// that the named case is discussed and that the partners in scope share
	// and receive information.
	ConsentGiven ConsentMode = "toestemming"
	// ConsentAssent (instemming): they do not object to a named discussion,
	// without a signed agreement; the partners in scope see the name.
	ConsentAssent ConsentMode = "instemming"
	// ConsentAnonymous: the case is discussed without identifying data.
	ConsentAnonymous ConsentMode = "anoniem"
)

// Valid reports whether m is a known mode.
func (m ConsentMode) Valid() bool {
	return m == ConsentGiven || m == ConsentAssent || m == ConsentAnonymous
}

// Named reports whether the mode allows partners to see who the student is.
func (m ConsentMode) Named() bool { return m == ConsentGiven || m == ConsentAssent }

// ConsentGiver is who gave (or refused) consent.
type ConsentGiver string

// Consent givers.
const (
	GiverStudent  ConsentGiver = "student"
	GiverGuardian ConsentGiver = "guardian"
)

// Ages at which Dutch practice moves the decision: from 16 a student decides
// on their own data; from 12 to 16 the student is asked beside the parents
// with parental authority.
const (
	AgeOwnConsent   = 16
	AgeAskedAlongst = 12
)

// ConsentRule says whose consent a named ZAT discussion needs by default.
type ConsentRule struct {
	// Required lists the givers whose consent is needed.
	Required []ConsentGiver
	// AlsoAsk lists givers who should be asked and whose answer is
	// recorded, but who do not decide (the child of 12–15 beside the
	// parents).
	AlsoAsk []ConsentGiver
}

// DefaultConsentRule returns the default for a student on day t: below 16
// the guardians with parental authority decide (a child from 12 is asked
// too); from 16 the student decides. Both may always be recorded; the
// coordinator can record more than the default asks.
func DefaultConsentRule(s Student, t time.Time) ConsentRule {
	switch age := s.AgeOn(t); {
	case age >= AgeOwnConsent:
		return ConsentRule{Required: []ConsentGiver{GiverStudent}}
	case age >= AgeAskedAlongst:
		return ConsentRule{Required: []ConsentGiver{GiverGuardian}, AlsoAsk: []ConsentGiver{GiverStudent}}
	default:
		return ConsentRule{Required: []ConsentGiver{GiverGuardian}}
	}
}

// ConsentHow is how a decision was obtained.
type ConsentHow string

// Ways of obtaining consent.
const (
	HowSignedForm   ConsentHow = "signed_form"  // the signed consent form
	HowConversation ConsentHow = "conversation" // said in a conversation, recorded by the user
)

// Valid reports whether h is a known way.
func (h ConsentHow) Valid() bool { return h == HowSignedForm || h == HowConversation }

// Consent is one recorded decision about discussing a student's case in the
// ZAT: who decided, when and how, the mode, which partner disciplines it
// covers, until when, and whether it was withdrawn. A later decision of the
// same giver overrides an earlier one.
type Consent struct {
	ID              string
	CaseID          string
	StudentID       string
	Giver           ConsentGiver
	GuardianID      string // the guardian who decided, when Giver is GiverGuardian
	GiverName       string // the guardian's or the student's name, as recorded
	Mode            ConsentMode
	Refused         bool // the giver said no: the case stays anonymous
	How             ConsentHow
	Scope           []Discipline // partner disciplines that may share and receive
	GivenAt         time.Time
	ExpiresAt       *time.Time // nil: until the case closes
	Withdrawn       *time.Time
	WithdrawnReason string
	RecordedBy      string
	RecordedAt      time.Time
}

// InForce reports whether the consent counts on day t: given, not refused,
// not expired and not withdrawn. Withdrawal takes effect at once.
func (c Consent) InForce(t time.Time) bool {
	switch {
	case c.Refused, t.Before(c.GivenAt):
		return false
	case c.Withdrawn != nil && !t.Before(*c.Withdrawn):
		return false
	case c.ExpiresAt != nil && !t.Before(*c.ExpiresAt):
		return false
	}
	return true
}

// ConsentException is a documented decision to discuss a case by name
// without consent: acute safety or the meldcode. It needs a reason and who
// decided.
type ConsentException struct {
	ID          string
	CaseID      string
	Reason      string
	DecidedBy   string
	At          time.Time
	RecordedBy  string
	Ended       *time.Time // when the reason for it had gone
	EndedReason string
}

// InForce reports whether the exception applies on day t.
func (e ConsentException) InForce(t time.Time) bool {
	return !t.Before(e.At) && (e.Ended == nil || t.Before(*e.Ended))
}

// CaseInformed records, for an intern zorgteam case, whether the student
// and parents were told it is discussed, or why not.
type CaseInformed struct {
	ID         string
	CaseID     string
	Informed   bool
	Who        string // who was told: the student, parents, both
	ReasonNot  string // why they were not told
	At         time.Time
	RecordedBy string
}

// NamedFor reports whether a partner of discipline d may see who the student
// is on day t: an exception is in place, or for every required giver the
// latest decision up to t is consent in force with a named mode whose scope
// holds d. Anything else — no consent, a refusal (also after an earlier
// yes), a withdrawal, an expiry, a scope without d — means the partner sees
// the case anonymously.
func NamedFor(d Discipline, rule ConsentRule, consents []Consent, exc *ConsentException, t time.Time) bool {
	if exc != nil && exc.InForce(t) {
		return true
	}
	_, ok := namedByConsent(d, rule, consents, t)
	return ok
}

// namedByConsent reports whether the consent alone names the student to a
// partner of discipline d on day t, and returns the decisions it rests on.
func namedByConsent(d Discipline, rule ConsentRule, consents []Consent, t time.Time) ([]string, bool) {
	var ids []string
	for _, giver := range rule.Required {
		c, ok := LatestConsent(consents, giver, t)
		if !ok || !c.InForce(t) || !c.Mode.Named() || !slices.Contains(c.Scope, d) {
			return nil, false
		}
		ids = append(ids, c.ID)
	}
	return ids, len(rule.Required) > 0
}

// LatestConsent returns the giver's most recent decision recorded up to t.
func LatestConsent(consents []Consent, giver ConsentGiver, t time.Time) (Consent, bool) {
	var latest Consent
	found := false
	for _, c := range consents {
		if c.Giver != giver || c.GivenAt.After(t) {
			continue
		}
		if !found || !c.GivenAt.Before(latest.GivenAt) {
			latest, found = c, true
		}
	}
	return latest, found
}

// CaseConsent is what the policy needs of one case through which a partner
// is related to a student: the kind of team and the consent recorded.
type CaseConsent struct {
	Kind      TeamKind
	Member    bool // the partner is a fixed member of the case's team (not only invited)
	Consents  []Consent
	Exception *ConsentException
}

// SeesIdentity decides whether u, whom the policy let in with relation rel,
// sees who the student is. School staff do. An external partner does as a
// fixed member of the intern zorgteam handling the student (internal care
// needs no consent; the partner is part of the school's own team; a partner
// only invited there needs consent like at the ZAT), or through a case where the
// required givers' consent is in force for the partner's discipline, or a
// documented exception applies. Otherwise the partner sees the case
// anonymously: no name, date of birth, student number or group.
func SeesIdentity(u User, rel Relation, st Student, cases []CaseConsent, t time.Time) bool {
	return IdentityGrounds(u, rel, st, cases, t).Basis != BasisAnonymous
}

// IdentityGrounds says on what ground u, whom the policy let in with
// relation rel, sees who the student is (SeesIdentity): the school's own team
// (school staff, or a fixed member of the intern zorgteam), consent (with
// the decisions), a documented exception (with its id), or none — then the
// partner sees the case anonymously. Team goes before consent, and consent
// before an exception: the log names the most ordinary ground that holds.
func IdentityGrounds(u User, rel Relation, st Student, cases []CaseConsent, t time.Time) Grounds {
	if !u.HasRole(RolePartner) || (rel != RelTeamMember && rel != RelInvited && rel != RelActionOwner) {
		return Grounds{Basis: BasisTeam}
	}
	rule := DefaultConsentRule(st, t)
	var consent, exception *Grounds
	for _, c := range cases {
		if c.Kind == TeamIntern && c.Member {
			return Grounds{Basis: BasisTeam}
		}
		if ids, ok := namedByConsent(u.Discipline, rule, c.Consents, t); ok && consent == nil {
			consent = &Grounds{Basis: BasisConsent, Ref: strings.Join(ids, ",")}
		}
		if c.Exception != nil && c.Exception.InForce(t) && exception == nil {
			exception = &Grounds{Basis: BasisException, Ref: c.Exception.ID}
		}
	}
	switch {
	case consent != nil:
		return *consent
	case exception != nil:
		return *exception
	}
	return Grounds{Basis: BasisAnonymous}
}

// CanManageConsent decides whether u may record consent, its withdrawal, an
// exception or that the student and parents were informed: the
// zorgcoördinator of a team serving the student's school, or the student's
// care contact, who talk with the student and parents about the referral.
func CanManageConsent(u User, rel StudentRelations) Access { return coordinatorOrCareContact(u, rel) }

// TakesConsent refuses consent on a case whose team does not ask for it:
// only a ZAT case, where external partners discuss the student, records
// consent, its exceptions and the consent form (an intern zorgteam records
// instead whether the student and parents were told). It returns nil for a
// ZAT case, else EINVALID "consent.zat_only".
func TakesConsent(c Case) error {
	if c.TeamKind != TeamZAT {
		return &Error{Code: EINVALID, Key: "consent.zat_only"}
	}
	return nil
}
