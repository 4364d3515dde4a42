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
// with parental authority. They are the default band of every sector
// (SectorConsentBands).
const (
	AgeOwnConsent   = 16
	AgeAskedAlongst = 12
)

// ConsentBand is, for one sector, from which age a child's own word is
// recorded beside the parents' consent (AskFrom) and from which age the
// student decides alone (OwnFrom). Below AskFrom the parents decide and a
// child's own word is recorded as assent (instemming), never as consent.
type ConsentBand struct {
	AskFrom int
	OwnFrom int
}

// SectorConsentBands are the age bands per sector. An installation may set
// other bands at start-up; a sector not listed uses the default 12 and 16.
var SectorConsentBands = map[Sector]ConsentBand{
	SectorPO:  {AskFrom: AgeAskedAlongst, OwnFrom: AgeOwnConsent},
	SectorVO:  {AskFrom: AgeAskedAlongst, OwnFrom: AgeOwnConsent},
	SectorMBO: {AskFrom: AgeAskedAlongst, OwnFrom: AgeOwnConsent},
}

// ConsentBandFor returns the sector's band (SectorConsentBands), or the
// default 12 and 16.
func ConsentBandFor(s Sector) ConsentBand {
	if b, ok := SectorConsentBands[s]; ok {
		return b
	}
	return ConsentBand{AskFrom: AgeAskedAlongst, OwnFrom: AgeOwnConsent}
}

// ConsentRule says whose consent a named ZAT discussion needs by default.
type ConsentRule struct {
	// Required lists the givers whose consent is needed.
	Required []ConsentGiver
	// AlsoAsk lists givers who should be asked and whose answer is
	// recorded, but who do not decide (the child of 12–15 beside the
	// parents).
	AlsoAsk []ConsentGiver
}

// Counts reports whether a decision of giver g is consent under the rule
// (required or asked alongside). A giver the rule does not name — a child
// below its sector's band — gives only assent: recorded, never consent.
func (r ConsentRule) Counts(g ConsentGiver) bool {
	return slices.Contains(r.Required, g) || slices.Contains(r.AlsoAsk, g)
}

// DefaultConsentRule returns the default for a student on day t by the
// band of the student's sector (ConsentBandFor): from OwnFrom the student
// decides; below it the guardians with parental authority decide, and from
// AskFrom the child is asked too. Both may always be recorded; the
// coordinator can record more than the default asks.
func DefaultConsentRule(s Student, t time.Time) ConsentRule {
	b := ConsentBandFor(s.Sector)
	switch age := s.AgeOn(t); {
	case age >= b.OwnFrom:
		return ConsentRule{Required: []ConsentGiver{GiverStudent}}
	case age >= b.AskFrom:
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
	ID         string
	CaseID     string
	StudentID  string
	Giver      ConsentGiver
	GuardianID string // the guardian who decided, when Giver is GiverGuardian
	GiverName  string // the guardian's or the student's name, as recorded
	Mode       ConsentMode
	Refused    bool // the giver said no: the case stays anonymous
	How        ConsentHow
	Scope      []Discipline // partner disciplines that may share and receive
	GivenAt    time.Time
	ExpiresAt  *time.Time // nil: until the case closes
	// EndedAt is when the case closed after the decision was recorded: a
	// consent without an end date ends then, and a reopened case asks
	// again. Read from the case's closures, never written.
	EndedAt         *time.Time
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
	case c.EndedByClosure(t):
		return false
	}
	return true
}

// EndedByClosure reports whether the decision, given without an end date,
// ended on day t because its case closed.
func (c Consent) EndedByClosure(t time.Time) bool {
	return c.ExpiresAt == nil && c.EndedAt != nil && !t.Before(*c.EndedAt)
}

// Blocks reports whether the decision, as a guardian's latest, blocks
// sharing on day t: a refusal not withdrawn, or a consent withdrawn. With
// two people holding parental authority one's "no" holds against the
// other's "yes" until it is withdrawn.
func (c Consent) Blocks(t time.Time) bool {
	withdrawn := c.Withdrawn != nil && !t.Before(*c.Withdrawn)
	if c.Refused {
		return !withdrawn && !c.EndedByClosure(t)
	}
	return withdrawn
}

// giverKey tells the people who decide apart: the student, or one guardian
// (by id, or by the name recorded when no guardian was chosen).
func (c Consent) giverKey() string {
	if c.Giver != GiverGuardian {
		return string(c.Giver)
	}
	if c.GuardianID != "" {
		return "g:" + c.GuardianID
	}
	return "n:" + strings.ToLower(strings.TrimSpace(c.GiverName))
}

// ConsentException is a documented decision to discuss a case by name
// without consent: acute safety or the meldcode. It needs a reason and who
// decided, and names the partner disciplines it opens the case to (Scope);
// beyond them only the team's own intern members see the student. The
// police are never in it unless named.
type ConsentException struct {
	ID          string
	CaseID      string
	Reason      string
	DecidedBy   string
	Scope       []Discipline
	At          time.Time
	RecordedBy  string
	Ended       *time.Time // when the reason for it had gone
	EndedReason string
}

// InForce reports whether the exception applies on day t.
func (e ConsentException) InForce(t time.Time) bool {
	return !t.Before(e.At) && (e.Ended == nil || t.Before(*e.Ended))
}

// OpensTo reports whether the exception names a partner of discipline d on
// day t: in force, with d in its scope.
func (e ConsentException) OpensTo(d Discipline, t time.Time) bool {
	return e.InForce(t) && slices.Contains(e.Scope, d)
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
// is on day t: an exception in force names d, or for every required giver
// the consent up to t names d (namedByConsent). Anything else — no consent,
// a refusal (also after an earlier yes, also by one of two parents), a
// withdrawal, an expiry, a closure, a scope without d — means the partner
// sees the case anonymously.
func NamedFor(d Discipline, rule ConsentRule, consents []Consent, exc *ConsentException, t time.Time) bool {
	if exc != nil && exc.OpensTo(d, t) {
		return true
	}
	_, ok := namedByConsent(d, rule, consents, t)
	return ok
}

// namedByConsent reports whether the consent alone names the student to a
// partner of discipline d on day t, and returns the decisions it rests on.
// For the student, their latest decision must be consent in force with a
// named mode whose scope holds d. For the guardians, no guardian's latest
// decision may block (a refusal, or a consent withdrawn: Consent.Blocks),
// and at least one guardian's latest decision must be such a consent.
func namedByConsent(d Discipline, rule ConsentRule, consents []Consent, t time.Time) ([]string, bool) {
	var ids []string
	names := func(c Consent) bool { return c.InForce(t) && c.Mode.Named() && slices.Contains(c.Scope, d) }
	for _, giver := range rule.Required {
		if giver == GiverGuardian {
			yes := ""
			for _, c := range LatestPerGuardian(consents, t) {
				if c.Blocks(t) {
					return nil, false
				}
				if yes == "" && names(c) {
					yes = c.ID
				}
			}
			if yes == "" {
				return nil, false
			}
			ids = append(ids, yes)
			continue
		}
		c, ok := LatestConsent(consents, giver, t)
		if !ok || !names(c) {
			return nil, false
		}
		ids = append(ids, c.ID)
	}
	return ids, len(rule.Required) > 0
}

// LatestConsent returns the giver's most recent decision recorded up to t.
// For guardians it is the most recent of any of them; LatestPerGuardian
// tells them apart.
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

// LatestPerGuardian returns each guardian's most recent decision recorded
// up to t, in the order the guardians first decided.
func LatestPerGuardian(consents []Consent, t time.Time) []Consent {
	var out []Consent
	at := map[string]int{}
	for _, c := range consents {
		if c.Giver != GiverGuardian || c.GivenAt.After(t) {
			continue
		}
		k := c.giverKey()
		if i, ok := at[k]; ok {
			if !c.GivenAt.Before(out[i].GivenAt) {
				out[i] = c
			}
			continue
		}
		at[k] = len(out)
		out = append(out, c)
	}
	return out
}

// IsLatest reports whether c is its giver's most recent decision up to t
// (for a guardian: that guardian's own).
func IsLatest(consents []Consent, c Consent, t time.Time) bool {
	if c.Giver == GiverGuardian {
		for _, l := range LatestPerGuardian(consents, t) {
			if l.giverKey() == c.giverKey() {
				return l.ID == c.ID
			}
		}
		return false
	}
	l, ok := LatestConsent(consents, c.Giver, t)
	return ok && l.ID == c.ID
}

// ConsentVerdict is where a case's consent stands on day t, in words the
// student's page can say plainly.
type ConsentVerdict string

// Consent verdicts.
const (
	VerdictNeeded           ConsentVerdict = "needed"             // nothing in force: ask
	VerdictGiven            ConsentVerdict = "given"              // consent in force names partners
	VerdictAnonymous        ConsentVerdict = "anonymous"          // the required givers chose an anonymous discussion
	VerdictRefused          ConsentVerdict = "refused"            // the (required) giver refused or withdrew
	VerdictOneParentRefuses ConsentVerdict = "one_parent_refuses" // a guardian's no holds against the other's yes
)

// ConsentStanding is a case's consent in one verdict, with the guardian
// whose refusal blocks (for VerdictOneParentRefuses and a guardians'
// VerdictRefused) and whether an exception opens the case to some partners
// anyway.
type ConsentStanding struct {
	Verdict   ConsentVerdict
	Blocker   Consent // the blocking decision, when a guardian's
	Exception bool
}

// StandingOf sums up the case's consent on day t under the rule.
func StandingOf(rule ConsentRule, consents []Consent, exc *ConsentException, t time.Time) ConsentStanding {
	st := ConsentStanding{Verdict: VerdictGiven, Exception: exc != nil && exc.InForce(t) && len(exc.Scope) > 0}
	for _, giver := range rule.Required {
		var latest []Consent
		if giver == GiverGuardian {
			latest = LatestPerGuardian(consents, t)
		} else if c, ok := LatestConsent(consents, giver, t); ok {
			latest = []Consent{c}
		}
		var yes, anonymous bool
		for _, c := range latest {
			switch {
			case c.Blocks(t):
				st.Blocker = c
			case c.InForce(t) && c.Mode.Named():
				yes = true
			case c.InForce(t):
				anonymous = true
			}
		}
		switch {
		case st.Blocker.ID != "" && yes && giver == GiverGuardian:
			st.Verdict = VerdictOneParentRefuses
			return st
		case st.Blocker.ID != "":
			st.Verdict = VerdictRefused
			return st
		case anonymous && !yes:
			st.Verdict = VerdictAnonymous
		case !yes && st.Verdict != VerdictAnonymous:
			st.Verdict = VerdictNeeded
		}
	}
	if len(rule.Required) == 0 {
		st.Verdict = VerdictNeeded
	}
	return st
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
// only invited there needs consent like at the ZAT) — except at the primary
// school's zorgteam, where external experts need the parents' consent like
// at the ZAT (AsksConsent, seed 001 step 4) — or through a case where the
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
		if c.Kind == TeamIntern && c.Member && !AsksConsent(Case{TeamKind: c.Kind}, st.Sector) {
			return Grounds{Basis: BasisTeam}
		}
		if ids, ok := namedByConsent(u.Discipline, rule, c.Consents, t); ok && consent == nil {
			consent = &Grounds{Basis: BasisConsent, Ref: strings.Join(ids, ",")}
		}
		if c.Exception != nil && c.Exception.OpensTo(u.Discipline, t) && exception == nil {
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

// AsksConsent reports whether a case of a student of sector s asks
// consent: a ZAT case, where external partners discuss the student, and the
// primary school's zorgteam (HGW step 4: the IB'er arranges the parents'
// consent before external expertise joins at school, seed 001). Other
// intern zorgteams record instead whether the student and parents were
// told.
func AsksConsent(c Case, s Sector) bool {
	return c.TeamKind == TeamZAT || c.TeamKind == TeamIntern && s == SectorPO
}

// TakesConsent refuses consent on a case whose team does not ask for it
// (AsksConsent): it returns nil for such a case, else EINVALID
// "consent.zat_only".
func TakesConsent(c Case, s Sector) error {
	if !AsksConsent(c, s) {
		return &Error{Code: EINVALID, Key: "consent.zat_only"}
	}
	return nil
}
