package casus

import "time"

// EntryKind is what a care-file (zorgdossier) entry records.
type EntryKind string

// Kinds of care-file entries (SPEC §3, process 1: guidance before referral).
const (
	EntrySignal      EntryKind = "signal"       // signaal: something the mentor or a colleague noticed
	EntryGuidance    EntryKind = "guidance"     // begeleidingsnotitie: what was done in guidance
	EntryTeamMeeting EntryKind = "team_meeting" // uitkomst teamoverleg begeleiding en zorg
	EntryContact     EntryKind = "contact"      // contact met leerling/deelnemer of ouders
	EntryHelp        EntryKind = "help"         // geboden hulp: extra help already given, by whom
)

// EntryKinds lists the kinds in display order.
var EntryKinds = []EntryKind{EntrySignal, EntryGuidance, EntryTeamMeeting, EntryContact, EntryHelp}

// Valid reports whether k is a known kind.
func (k EntryKind) Valid() bool {
	for _, x := range EntryKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Visibility says who may read a care-file entry. The set is small on
// purpose, so that a writer can choose it in a second and a reader can
// explain it to parents:
//
//   - VisGuidance (begeleiders): everyone who works with the student on
//     their care — the mentor, the taakdocent zorg / IB'er, the
//     zorgcoördinator, the members of a care team handling an open case of
//     the student and the partners invited for it, and owners of actions in
//     the student's plan. The default: what a mentor logs is for the people
//     around the student.
//   - VisCareTeam (zorgteam): as VisGuidance, but not the mentor nor action
//     owners: the analysis and advice of the care team before they are
//     passed on as advice to the teachers.
//   - VisConfidential (vertrouwelijk): only the taakdocent zorg / IB'er and
//     the zorgcoördinator — for example the first steps of the meldcode, or
//     what a student told in confidence before consent for partners exists.
type Visibility string

// Visibilities.
const (
	VisGuidance     Visibility = "guidance"
	VisCareTeam     Visibility = "care_team"
	VisConfidential Visibility = "confidential"
)

// Visibilities lists the visibilities from widest to narrowest.
var Visibilities = []Visibility{VisGuidance, VisCareTeam, VisConfidential}

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool {
	return v == VisGuidance || v == VisCareTeam || v == VisConfidential
}

// CareEntry is one entry of a student's care file with its newest version.
// Entries are never edited in place: a correction adds a version, and every
// version stays readable in the entry's history.
type CareEntry struct {
	ID         string
	StudentID  string
	AuthorID   string // who wrote the first version
	AuthorName string
	CreatedAt  time.Time
	Current    EntryVersion
	Versions   int // how many versions the entry has
}

// EntryVersion is one version of a care-file entry. Version 1 is the entry
// as first written; each correction adds the next number with a reason.
type EntryVersion struct {
	EntryID    string
	Version    int
	Kind       EntryKind
	Visibility Visibility
	OccurredOn time.Time // the day of the event itself, not of writing
	Text       string
	ByID       string // who wrote this version
	ByName     string
	RecordedAt time.Time // when this version was stored
	Reason     string    // why it was corrected; empty for version 1
}

// Care-file limits.
const (
	MaxEntryText   = 4000 // characters of an entry's text
	MaxEntryReason = 500  // characters of a correction's or route change's reason
)

// careRoles lists the relations through which a user may see care data,
// with the roles that make the relation count — the same pairs as
// CanViewStudent. A relation held without a fitting role (a beheerder who
// happens to be someone's mentor in the data) grants nothing.
var careRoles = map[Relation][]Role{
	RelCoordinator: {RoleCoordinator},
	RelCareContact: {RoleCareContact},
	RelMentor:      {RoleMentor},
	RelTeamMember:  {RoleCoordinator, RoleCareContact, RoleSpecialist, RolePartner, RoleMinutes},
	RelInvited:     {RoleCoordinator, RoleCareContact, RoleSpecialist, RolePartner, RoleMinutes},
	RelActionOwner: {RoleCareContact, RoleSpecialist, RolePartner, RoleMentor},
}

// careRel reports whether u holds relation r to the student, with a role that
// makes it count. Management and beheerder never do: they are in no list.
func careRel(u User, rel StudentRelations, r Relation) bool {
	if u.Disabled || !rel.Exists {
		return false
	}
	var fact bool
	switch r {
	case RelCoordinator:
		fact = rel.Coordinator
	case RelCareContact:
		fact = rel.CareContact
	case RelMentor:
		fact = rel.Mentor
	case RelTeamMember:
		fact = rel.TeamMember
	case RelInvited:
		fact = rel.Invited
	case RelActionOwner:
		fact = rel.ActionOwner
	}
	if !fact {
		return false
	}
	for _, role := range careRoles[r] {
		if u.HasRole(role) {
			return true
		}
	}
	return false
}

// CanReadEntry reports whether u may read entries of the visibility in the
// care file of a student they have the relations rel to.
func CanReadEntry(u User, rel StudentRelations, v Visibility) bool {
	switch v {
	// A partner only invited for the case reads what the agenda item it is
	// invited for shares (SPEC §4: on-call partners see only their items),
	// not the care file.
	case VisGuidance:
		return careRel(u, rel, RelCoordinator) || careRel(u, rel, RelCareContact) || careRel(u, rel, RelMentor) ||
			careRel(u, rel, RelTeamMember) || careRel(u, rel, RelActionOwner)
	case VisCareTeam:
		return careRel(u, rel, RelCoordinator) || careRel(u, rel, RelCareContact) ||
			careRel(u, rel, RelTeamMember)
	case VisConfidential:
		return careRel(u, rel, RelCoordinator) || careRel(u, rel, RelCareContact)
	}
	return false
}

// ReadableVisibilities returns the visibilities u may read, widest first.
func ReadableVisibilities(u User, rel StudentRelations) []Visibility {
	var vs []Visibility
	for _, v := range Visibilities {
		if CanReadEntry(u, rel, v) {
			vs = append(vs, v)
		}
	}
	return vs
}

// CanWriteCareFile decides whether u may add entries to the student's care
// file: the mentor, the taakdocent zorg / IB'er, the zorgcoördinator and the
// fixed members of a care team handling an open case (specialists and
// partners add their analysis and the help they gave). Partners invited for
// one agenda item and action owners read, but write through the meeting and
// their actions. The relation in the answer is the one the access log
// records.
func CanWriteCareFile(u User, rel StudentRelations) Access {
	for _, r := range []Relation{RelCoordinator, RelCareContact, RelMentor, RelTeamMember} {
		if careRel(u, rel, r) {
			return Access{Allowed: true, Relation: r}
		}
	}
	return Access{Relation: RelNone}
}

// WritableVisibilities returns the visibilities u may give an entry: the
// ones they may write and read themselves, so nobody writes what they could
// not read back. Empty when u may not write.
func WritableVisibilities(u User, rel StudentRelations) []Visibility {
	if !CanWriteCareFile(u, rel).Allowed {
		return nil
	}
	return ReadableVisibilities(u, rel)
}

// CanReadEntryOf decides whether u may open the entry (its newest version
// and its history).
func CanReadEntryOf(u User, rel StudentRelations, e CareEntry) Access {
	if !CanReadEntry(u, rel, e.Current.Visibility) {
		return Access{Relation: RelNone}
	}
	return CanViewStudent(u, rel)
}

// CanCorrectEntry decides whether u may correct the entry with a new
// version: its author, while they may still write in the file, or the
// zorgcoördinator, who answers for the file's content (seed 000: the
// school's care file is also the ZAT's, kept by the coordinator). Either
// must be able to read the entry.
func CanCorrectEntry(u User, rel StudentRelations, e CareEntry) Access {
	if !CanReadEntry(u, rel, e.Current.Visibility) {
		return Access{Relation: RelNone}
	}
	if careRel(u, rel, RelCoordinator) {
		return Access{Allowed: true, Relation: RelCoordinator}
	}
	if w := CanWriteCareFile(u, rel); w.Allowed && e.AuthorID == u.ID {
		return w
	}
	return Access{Relation: RelNone}
}

// VersionVisible reports whether u may read one version of an entry in its
// history. A correction can widen an entry's visibility (a note first kept
// confidential is later shared with the mentor); the earlier, narrower
// version then stays hidden from the readers it excluded, who see that the
// version exists but not its content.
func VersionVisible(u User, rel StudentRelations, v EntryVersion) bool {
	return CanReadEntry(u, rel, v.Visibility)
}
