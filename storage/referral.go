package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"casus"
)

// referralTextColumns are the form's text columns, named after the fields.
var referralTextColumns = func() string {
	names := make([]string, len(casus.ReferralFields))
	for i, f := range casus.ReferralFields {
		names[i] = "r." + string(f)
	}
	return strings.Join(names, ", ")
}()

const referralColumns = `r.id, r.student_id, r.team_id, r.state, r.version, r.referrer_id, r.inbrenger_id, r.urgency,
	COALESCE(CAST(r.case_id AS TEXT), ''), COALESCE(CAST(r.previous_id AS TEXT), ''), COALESCE(CAST(r.next_id AS TEXT), ''),
	r.created_at, r.updated_at, r.submitted_at, t.name, t.kind, st.first_name || ' ' || st.last_name, ru.name, iu.name,
	` + referralDiscussed

// referralDiscussed holds when the team discussed the referral r's case at a
// meeting since the referral was made (a record saved at an agenda item of
// the case, whatever put it there): the referral has had its turn.
const referralDiscussed = `EXISTS (SELECT 1 FROM discussions d JOIN agenda_items a ON a.id = d.item_id
	JOIN meetings m ON m.id = a.meeting_id
	WHERE d.case_id = r.case_id AND m.team_id = r.team_id AND m.starts_at >= r.created_at)`

const referralFrom = ` FROM referrals r JOIN care_teams t ON t.id = r.team_id JOIN students st ON st.id = r.student_id
	JOIN users ru ON ru.id = r.referrer_id JOIN users iu ON iu.id = r.inbrenger_id `

// referralFactColumns computes the user's ($1) relations to the referral r,
// besides the student relations of relationColumns.
var referralFactColumns = `r.referrer_id = $1 AS referrer_rel, r.inbrenger_id = $1 AS inbrenger_rel,
	` + chairOf("$1", "r") + ` AS chair_rel,
	` + fixedMemberOf("$1", "r") + ` AS member_rel`

func scanReferral(r scanner, extra ...any) (casus.Referral, error) {
	var ref casus.Referral
	texts := make([]string, len(casus.ReferralFields))
	dest := []any{&ref.ID, &ref.StudentID, &ref.TeamID, &ref.State, &ref.Version, &ref.ReferrerID, &ref.InbrengerID,
		&ref.Urgency, &ref.CaseID, &ref.PreviousID, &ref.NextID, &ref.CreatedAt, &ref.UpdatedAt, &ref.SubmittedAt,
		&ref.TeamName, &ref.TeamKind, &ref.StudentName, &ref.ReferrerName, &ref.InbrengerName, &ref.Discussed}
	for i := range texts {
		dest = append(dest, &texts[i])
	}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return ref, err
	}
	ref.Text = make(map[casus.ReferralField]string, len(texts))
	for i, f := range casus.ReferralFields {
		ref.Text[f] = texts[i]
	}
	ref.CreatedAt, ref.UpdatedAt = ref.CreatedAt.UTC(), ref.UpdatedAt.UTC()
	if ref.SubmittedAt != nil {
		t := ref.SubmittedAt.UTC()
		ref.SubmittedAt = &t
	}
	return ref, nil
}

// scanReferralFacts scans a row of referralColumns, the text columns,
// relationColumns and referralFactColumns.
func scanReferralFacts(r scanner) (casus.Referral, casus.ReferralFacts, error) {
	f := casus.ReferralFacts{Exists: true}
	rel := &f.Student
	ref, err := scanReferral(r, &rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner,
		&f.Referrer, &f.Inbrenger, &f.TeamChair, &f.TeamMember)
	if err != nil {
		return ref, casus.ReferralFacts{}, err
	}
	rel.Exists = true
	f.State, f.TeamKind = ref.State, ref.TeamKind
	return ref, f, nil
}

// CreateReferral stores a new referral with version 1 and records its
// creation as an event by actorID. State defaults to draft.
func (tx *Tx) CreateReferral(ctx context.Context, r *casus.Referral, actorID string) error {
	if r.State == "" {
		r.State = casus.RefDraft
	}
	if r.Urgency == "" {
		r.Urgency = casus.UrgencyNormal
	}
	if r.InbrengerID == "" {
		r.InbrengerID = r.ReferrerID
	}
	now := tx.Now()
	if !r.CreatedAt.IsZero() {
		now = r.CreatedAt.UTC().Truncate(time.Microsecond) // loading history (demo, import)
	}
	r.Version, r.CreatedAt, r.UpdatedAt = 1, now, now
	cols := []string{"id", "student_id", "team_id", "state", "version", "referrer_id", "inbrenger_id", "urgency",
		"previous_id", "created_at", "updated_at", "submitted_at"}
	args := []any{ensureID(&r.ID), r.StudentID, r.TeamID, string(r.State), r.Version, r.ReferrerID, r.InbrengerID,
		string(r.Urgency), nullable(r.PreviousID), now, now, r.SubmittedAt}
	for _, f := range casus.ReferralFields {
		cols = append(cols, string(f))
		args = append(args, r.Text[f])
	}
	marks := make([]string, len(cols))
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	if err := tx.insert(ctx, "referral", `INSERT INTO referrals (`+strings.Join(cols, ", ")+`) VALUES (`+
		strings.Join(marks, ", ")+`)`, args...); err != nil {
		return err
	}
	return tx.appendReferralEvent(ctx, &casus.ReferralEvent{ReferralID: r.ID, At: now, ActorID: actorID, To: r.State})
}

// ReferralFor returns a referral and the facts about the user and it.
// A missing referral gives ENOTFOUND; the caller logs a denial, exactly as
// for a referral the user may not read.
func (tx *Tx) ReferralFor(ctx context.Context, userID, id string) (casus.Referral, casus.ReferralFacts, error) {
	ref, f, err := scanReferralFacts(tx.queryRow(ctx, `SELECT `+referralColumns+`, `+referralTextColumns+`, `+
		relationColumns+`, `+referralFactColumns+referralFrom+`WHERE r.id = $2`, userID, id))
	if err != nil {
		return ref, casus.ReferralFacts{}, notFound(err, "referral")
	}
	return ref, f, nil
}

// ReferralCandidates returns the referrals the user may have a part in, for
// the queue: the ones they made or bring in, those of the students they are
// care contact for, the submitted ones of the teams they chair and the
// accepted ones of the teams they are a fixed member of — the facts through
// which casus.CanReadReferral grants a referral, written with the same
// predicates as the facts. An accepted referral the team has discussed
// since has had its turn and is left out. The caller filters them through the policy.
func (tx *Tx) ReferralCandidates(ctx context.Context, userID string) ([]casus.Referral, []casus.ReferralFacts, error) {
	rows, err := tx.query(ctx, `SELECT `+referralColumns+`, `+referralTextColumns+`, `+relationColumns+`, `+
		referralFactColumns+referralFrom+`WHERE (r.referrer_id = $1 OR r.inbrenger_id = $1
		OR `+careContactOf("$1", "st")+`
		OR (r.state <> 'draft' AND `+chairOf("$1", "r")+`)
		OR (r.state = 'accepted' AND `+fixedMemberOf("$1", "r")+`))
		AND NOT (r.state = 'accepted' AND `+referralDiscussed+`)
		ORDER BY r.submitted_at, r.created_at`, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: referral candidates: %w", err)
	}
	defer rows.Close()
	var refs []casus.Referral
	var facts []casus.ReferralFacts
	for rows.Next() {
		r, f, err := scanReferralFacts(rows)
		if err != nil {
			return nil, nil, err
		}
		refs = append(refs, r)
		facts = append(facts, f)
	}
	return refs, facts, rows.Err()
}

// UpdateReferral saves the form of an editable referral. r.Version is the
// version the user edited: when the stored one differs (someone saved in
// between) or the referral is no longer editable, it returns ECONFLICT and
// writes nothing. On success r.Version is the new version.
func (tx *Tx) UpdateReferral(ctx context.Context, r *casus.Referral) error {
	now := tx.Now()
	sets := []string{"inbrenger_id = $3", "urgency = $4", "version = version + 1", "updated_at = $5"}
	args := []any{r.ID, r.Version, r.InbrengerID, string(r.Urgency), now}
	for _, f := range casus.ReferralFields {
		args = append(args, r.Text[f])
		sets = append(sets, fmt.Sprintf("%s = $%d", f, len(args)))
	}
	res, err := tx.exec(ctx, `UPDATE referrals SET `+strings.Join(sets, ", ")+`
		WHERE id = $1 AND version = $2 AND state IN ('draft', 'returned')`, args...)
	if err != nil {
		return fmt.Errorf("storage: update referral: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "referral.error.stale"}
	}
	r.Version++
	r.UpdatedAt = now
	return nil
}

// MoveReferral moves a referral from r.State to the state to, as actorID,
// with a note, and appends the event. Like UpdateReferral it checks
// r.Version and r.State and returns ECONFLICT when either changed. Moving
// to submitted or preselected from draft or returned stamps the submission.
func (tx *Tx) MoveReferral(ctx context.Context, r *casus.Referral, to casus.ReferralState, actorID, note string) error {
	return tx.MoveReferralAt(ctx, r, to, actorID, note, tx.Now())
}

// MoveReferralAt is MoveReferral at a given moment, for loading history
// (demo, import); handlers use MoveReferral.
func (tx *Tx) MoveReferralAt(ctx context.Context, r *casus.Referral, to casus.ReferralState, actorID, note string, at time.Time) error {
	now := at.UTC().Truncate(time.Microsecond)
	submitted := r.SubmittedAt
	if r.State.Editable() && (to == casus.RefSubmitted || to == casus.RefPreselected) {
		submitted = &now
	}
	res, err := tx.exec(ctx, `UPDATE referrals SET state = $3, version = version + 1, updated_at = $4, submitted_at = $5
		WHERE id = $1 AND version = $2 AND state = $6`, r.ID, r.Version, string(to), now, submitted, string(r.State))
	if err != nil {
		return fmt.Errorf("storage: move referral: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "referral.error.stale"}
	}
	from := r.State
	r.State, r.Version, r.UpdatedAt, r.SubmittedAt = to, r.Version+1, now, submitted
	return tx.appendReferralEvent(ctx, &casus.ReferralEvent{ReferralID: r.ID, At: now, ActorID: actorID, From: from, To: to, Note: note})
}

// LinkReferral records the case an accepted referral opened or reused, or
// the referral a redirected one continues as. Empty values are left alone.
func (tx *Tx) LinkReferral(ctx context.Context, id, caseID, nextID string) error {
	_, err := tx.exec(ctx, `UPDATE referrals SET case_id = COALESCE($2, case_id), next_id = COALESCE($3, next_id) WHERE id = $1`,
		id, nullable(caseID), nullable(nextID))
	if err != nil {
		return fmt.Errorf("storage: link referral: %w", err)
	}
	return nil
}

func (tx *Tx) appendReferralEvent(ctx context.Context, e *casus.ReferralEvent) error {
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	return tx.insert(ctx, "referral event", `INSERT INTO referral_events (id, referral_id, at, actor_id, from_state, to_state, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ensureID(&e.ID), e.ReferralID, e.At, e.ActorID, string(e.From), string(e.To), e.Note)
}

// ReferralEvents lists a referral's events, oldest first.
func (tx *Tx) ReferralEvents(ctx context.Context, referralID string) ([]casus.ReferralEvent, error) {
	rows, err := tx.query(ctx, `SELECT e.id, e.referral_id, e.at, e.actor_id, u.name, e.from_state, e.to_state, e.note
		FROM referral_events e JOIN users u ON u.id = e.actor_id WHERE e.referral_id = $1 ORDER BY e.at, e.id`, referralID)
	if err != nil {
		return nil, fmt.Errorf("storage: referral events: %w", err)
	}
	defer rows.Close()
	var es []casus.ReferralEvent
	for rows.Next() {
		var e casus.ReferralEvent
		if err := rows.Scan(&e.ID, &e.ReferralID, &e.At, &e.ActorID, &e.ActorName, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		es = append(es, e)
	}
	return es, rows.Err()
}

// EnsureOpenCase returns the student's open case at the team, opening one
// when there is none: an accepted referral makes the team the one handling
// the student.
func (tx *Tx) EnsureOpenCase(ctx context.Context, studentID, teamID string) (casus.Case, error) {
	var c casus.Case
	err := tx.queryRow(ctx, `SELECT c.id, c.student_id, c.team_id, c.status, c.opened_at FROM cases c
		WHERE c.student_id = $1 AND c.team_id = $2 AND c.status = 'open' ORDER BY c.opened_at LIMIT 1`, studentID, teamID).
		Scan(&c.ID, &c.StudentID, &c.TeamID, &c.Status, &c.OpenedAt)
	switch {
	case err == nil:
		c.OpenedAt = c.OpenedAt.UTC()
		return c, nil
	case !errors.Is(err, sql.ErrNoRows):
		return c, fmt.Errorf("storage: open case: %w", err)
	}
	c = casus.Case{StudentID: studentID, TeamID: teamID}
	return c, tx.OpenCase(ctx, &c)
}

// TeamsServing lists the care teams that serve a school, by kind and name:
// the teams a student of the school can be referred to.
func (tx *Tx) TeamsServing(ctx context.Context, schoolID string) ([]casus.CareTeam, error) {
	return tx.teams(ctx, `SELECT t.id, t.name, t.kind, t.rhythm, t.send_days FROM care_teams t
		JOIN care_team_schools ts ON ts.team_id = t.id WHERE ts.school_id = $1 ORDER BY t.kind, t.name`, schoolID)
}

// Inbrengers lists who can bring a student's case in at a team meeting: the
// student's mentor, the care contacts of their group and the zorgcoördinators
// related to the student (casus.CanReadReferral lets an inbrenger read the
// referral while they hold one of these relations), by name.
func (tx *Tx) Inbrengers(ctx context.Context, studentID string) ([]casus.User, error) {
	rows, err := tx.query(ctx, `SELECT CAST(u.id AS TEXT), u.name FROM users u JOIN students st ON st.id = $1
		WHERE NOT u.disabled AND (`+mentorOf("u.id", "st")+` OR `+careContactOf("u.id", "st")+` OR `+coordinatorOf("u.id", "st")+`)
		ORDER BY u.name`, studentID)
	return tx.userList("inbrengers", rows, err)
}

// settingReferralRequired is the settings key of a team kind's required fields.
func settingReferralRequired(kind casus.TeamKind) string { return "referral.required." + string(kind) }

// ReferralRequired returns the fields a referral to a team of the kind needs
// before it can be submitted: the beheerder's setting, or the default.
func (tx *Tx) ReferralRequired(ctx context.Context, kind casus.TeamKind) ([]casus.ReferralField, error) {
	v, err := tx.Setting(ctx, settingReferralRequired(kind), "")
	if err != nil {
		return nil, fmt.Errorf("storage: referral required: %w", err)
	}
	if v == "" {
		return casus.DefaultRequired(kind), nil
	}
	return casus.ParseRequired(v), nil
}

// settingProblemCategories holds the installation's problem categories, one
// per line.
const settingProblemCategories = "referral.problem_categories"

// ProblemCategories returns the installation's problem categories: the
// beheerder's list, or casus.DefaultProblemCategories.
func (tx *Tx) ProblemCategories(ctx context.Context) ([]string, error) {
	v, err := tx.Setting(ctx, settingProblemCategories, "")
	if err != nil {
		return nil, fmt.Errorf("storage: problem categories: %w", err)
	}
	if cs := casus.ParseProblemCategories(v); len(cs) > 0 {
		return cs, nil
	}
	return slices.Clone(casus.DefaultProblemCategories), nil
}

// SetProblemCategories stores the installation's problem categories.
func (tx *Tx) SetProblemCategories(ctx context.Context, categories []string) error {
	return tx.SetSetting(ctx, settingProblemCategories, strings.Join(categories, "\n"))
}

// SetReferralRequired stores the required fields of a team kind.
func (tx *Tx) SetReferralRequired(ctx context.Context, kind casus.TeamKind, fs []casus.ReferralField) error {
	if err := tx.SetSetting(ctx, settingReferralRequired(kind), casus.FormatRequired(fs)); err != nil {
		return fmt.Errorf("storage: set referral required: %w", err)
	}
	return nil
}

// ReferralEntryIDs lists the ids of the care-file entries attached to a referral.
func (tx *Tx) ReferralEntryIDs(ctx context.Context, referralID string) ([]string, error) {
	return tx.column(ctx, "referral entries", `SELECT entry_id FROM referral_entries WHERE referral_id = $1 ORDER BY entry_id`, referralID)
}

// SetReferralEntries makes entryIDs the care-file entries attached to a
// referral. The caller checks that they are the student's and that the
// user may attach them.
func (tx *Tx) SetReferralEntries(ctx context.Context, referralID string, entryIDs []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM referral_entries WHERE referral_id = $1`, referralID); err != nil {
		return fmt.Errorf("storage: referral entries: %w", err)
	}
	for _, id := range entryIDs {
		if err := tx.insert(ctx, "referral entry", `INSERT INTO referral_entries (referral_id, entry_id) VALUES ($1, $2)`,
			referralID, id); err != nil {
			return err
		}
	}
	return nil
}

// userList reads rows of user id and name.
func (tx *Tx) userList(what string, rows *sql.Rows, err error) ([]casus.User, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	defer rows.Close()
	var us []casus.User
	for rows.Next() {
		var u casus.User
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}
