package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"casus"
)

// settingAccessLogMonths holds the access log's retention in months.
const settingAccessLogMonths = "retention.access_log_months"

// RetentionRules returns the rule of every school for every kind, the
// default where none is stored, ordered by school name.
func (tx *Tx) RetentionRules(ctx context.Context) ([]casus.RetentionRule, error) {
	rows, err := tx.query(ctx, `SELECT CAST(id AS TEXT), name FROM schools ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("storage: schools: %w", err)
	}
	type school struct{ id, name string }
	var schools []school
	for rows.Next() {
		var s school
		if err := rows.Scan(&s.id, &s.name); err != nil {
			rows.Close()
			return nil, err
		}
		schools = append(schools, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var rules []casus.RetentionRule
	for _, s := range schools {
		for _, k := range casus.RetentionKinds {
			m, def, err := tx.retentionMonths(ctx, s.id, k)
			if err != nil {
				return nil, err
			}
			rules = append(rules, casus.RetentionRule{SchoolID: s.id, SchoolName: s.name, Kind: k, Months: m, Default: def})
		}
	}
	return rules, nil
}

// retentionMonths returns the school's rule for the kind, and whether it is
// the default.
func (tx *Tx) retentionMonths(ctx context.Context, schoolID string, kind casus.RetentionKind) (int, bool, error) {
	var m int
	err := tx.queryRow(ctx, `SELECT months FROM retention_rules WHERE school_id = $1 AND kind = $2`, schoolID, string(kind)).Scan(&m)
	if errors.Is(notFound(err, ""), casus.ErrNotFound) {
		return casus.DefaultRetentionMonths, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("storage: retention rule: %w", err)
	}
	return m, false, nil
}

// SetRetentionRule stores a school's rule for a kind.
func (tx *Tx) SetRetentionRule(ctx context.Context, schoolID string, kind casus.RetentionKind, months int, by string) error {
	_, err := tx.exec(ctx, `INSERT INTO retention_rules (school_id, kind, months, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (school_id, kind) DO UPDATE SET months = excluded.months, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, schoolID, string(kind), months, by, tx.Now())
	if err != nil {
		return fmt.Errorf("storage: retention rule: %w", err)
	}
	return nil
}

// AccessLogMonths returns the access log's retention in months.
func (tx *Tx) AccessLogMonths(ctx context.Context) (int, error) {
	v, err := tx.Setting(ctx, settingAccessLogMonths, strconv.Itoa(casus.DefaultAccessLogMonths))
	if err != nil {
		return 0, fmt.Errorf("storage: access log retention: %w", err)
	}
	m, err := strconv.Atoi(v)
	if err != nil || m < 1 {
		return casus.DefaultAccessLogMonths, nil
	}
	return m, nil
}

// SetAccessLogMonths stores the access log's retention in months.
func (tx *Tx) SetAccessLogMonths(ctx context.Context, months int) error {
	return tx.SetSetting(ctx, settingAccessLogMonths, strconv.Itoa(months))
}

// SetStudentLeft records the day the student left school, from which the
// file's retention runs; nil records that the student is enrolled again.
func (tx *Tx) SetStudentLeft(ctx context.Context, studentID string, left *time.Time) error {
	res, err := tx.exec(ctx, `UPDATE students SET left_at = $1 WHERE id = $2`, left, studentID)
	if err != nil {
		return fmt.Errorf("storage: student left: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return casus.ErrNotFound
	}
	return nil
}

// AddLegalHold stores a legal hold on the student's file.
func (tx *Tx) AddLegalHold(ctx context.Context, h *casus.LegalHold) error {
	h.SetAt = tx.Now()
	return tx.insert(ctx, "legal hold", `INSERT INTO legal_holds (id, student_id, reason, set_by, set_at) VALUES ($1, $2, $3, $4, $5)`,
		ensureID(&h.ID), h.StudentID, h.Reason, h.SetBy, h.SetAt)
}

// LiftLegalHold lifts the student's hold with the reason. A hold that is
// not the student's is not found; one already lifted is a conflict.
func (tx *Tx) LiftLegalHold(ctx context.Context, studentID, holdID, by, reason string) error {
	res, err := tx.exec(ctx, `UPDATE legal_holds SET lifted_at = $1, lifted_by = $2, lifted_reason = $3
		WHERE id = $4 AND student_id = $5 AND lifted_at IS NULL`, tx.Now(), by, reason, holdID, studentID)
	if err != nil {
		return notFound(err, "lift legal hold")
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var lifted int
	err = tx.queryRow(ctx, `SELECT COUNT(*) FROM legal_holds WHERE id = $1 AND student_id = $2`, holdID, studentID).Scan(&lifted)
	if err != nil {
		return notFound(err, "legal hold")
	}
	if lifted == 0 {
		return casus.ErrNotFound
	}
	return casus.Errorf(casus.ECONFLICT, "retention.hold_lifted_already")
}

// LegalHolds returns the student's holds, newest first.
func (tx *Tx) LegalHolds(ctx context.Context, studentID string) ([]casus.LegalHold, error) {
	rows, err := tx.query(ctx, `SELECT CAST(h.id AS TEXT), CAST(h.student_id AS TEXT), h.reason, CAST(h.set_by AS TEXT), u.name, h.set_at,
		h.lifted_at, COALESCE(CAST(h.lifted_by AS TEXT), ''), COALESCE(l.name, ''), h.lifted_reason
		FROM legal_holds h JOIN users u ON u.id = h.set_by LEFT JOIN users l ON l.id = h.lifted_by
		WHERE h.student_id = $1 ORDER BY h.set_at DESC, h.id`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: legal holds: %w", err)
	}
	defer rows.Close()
	var hs []casus.LegalHold
	for rows.Next() {
		var h casus.LegalHold
		if err := rows.Scan(&h.ID, &h.StudentID, &h.Reason, &h.SetBy, &h.SetByName, &h.SetAt, &h.LiftedAt, &h.LiftedBy,
			&h.LiftedByName, &h.LiftedReason); err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// RetentionStatus returns where the student's file stands against the
// school's rule.
func (tx *Tx) RetentionStatus(ctx context.Context, studentID string) (casus.RetentionStatus, error) {
	var r casus.RetentionStatus
	if err := tx.queryRow(ctx, `SELECT CAST(school_id AS TEXT), left_at FROM students WHERE id = $1`, studentID).Scan(&r.SchoolID, &r.LeftAt); err != nil {
		return r, notFound(err, "retention status")
	}
	var err error
	if r.Months, _, err = tx.retentionMonths(ctx, r.SchoolID, casus.RetentionStudentFile); err != nil {
		return r, err
	}
	later := func(t time.Time) {
		if r.ClosedAt == nil || t.After(*r.ClosedAt) {
			t := t.UTC()
			r.ClosedAt = &t
		}
	}
	rows, err := tx.query(ctx, `SELECT status, opened_at FROM cases WHERE student_id = $1`, studentID)
	if err != nil {
		return r, fmt.Errorf("storage: retention cases: %w", err)
	}
	for rows.Next() {
		var status string
		var opened time.Time
		if err := rows.Scan(&status, &opened); err != nil {
			rows.Close()
			return r, err
		}
		if status == string(casus.CaseClosed) {
			later(opened)
		} else {
			r.OpenCases++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	rows, err = tx.query(ctx, `SELECT cc.at FROM case_closures cc JOIN cases c ON c.id = cc.case_id
		WHERE c.student_id = $1 AND cc.kind = 'closed'`, studentID)
	if err != nil {
		return r, fmt.Errorf("storage: retention closures: %w", err)
	}
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return r, err
		}
		later(at)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.Holds, err = tx.LegalHolds(ctx, studentID)
	return r, err
}

// studentsWhoLeft returns the ids of students who left school at or before
// t: the only ones whose file can have expired.
func (tx *Tx) studentsWhoLeft(ctx context.Context, t time.Time) ([]string, error) {
	return tx.column(ctx, "students who left", `SELECT CAST(id AS TEXT) FROM students WHERE left_at IS NOT NULL AND left_at <= $1 ORDER BY id`, t)
}

// ExpiredStudents returns the ids of the students whose file has expired at
// now and is not held.
func (tx *Tx) ExpiredStudents(ctx context.Context, now time.Time) ([]string, error) {
	ids, err := tx.studentsWhoLeft(ctx, now)
	if err != nil {
		return nil, err
	}
	var expired []string
	for _, id := range ids {
		r, err := tx.RetentionStatus(ctx, id)
		if err != nil {
			return nil, err
		}
		if r.Expired(now) {
			expired = append(expired, id)
		}
	}
	return expired, nil
}

// DestroyOptions says why a student's file is destroyed.
type DestroyOptions struct {
	Cause   casus.DestructionCause
	Ground  casus.ErasureGround // for an erasure
	ActorID string              // who erased; empty for the retention job
}

// ErrHeld refuses to erase a file under an active legal hold.
var ErrHeld = casus.Errorf(casus.ECONFLICT, "retention.erase_held")

// DestroyStudent destroys everything Casus holds about the student — every
// table in StudentTables — and stores the record of the destruction, which
// it returns. A file under an active legal hold is not destroyed (ErrHeld).
// The caller's transaction makes it all or nothing. The access log is kept:
// it has its own retention (PruneAccessLog).
func (tx *Tx) DestroyStudent(ctx context.Context, studentID string, opt DestroyOptions) (casus.Destruction, error) {
	status, err := tx.RetentionStatus(ctx, studentID)
	if err != nil {
		return casus.Destruction{}, err
	}
	if status.Held() {
		return casus.Destruction{}, ErrHeld
	}
	d := casus.Destruction{Kind: string(casus.RetentionStudentFile), Cause: opt.Cause, Ground: opt.Ground,
		Rule: fmt.Sprintf("%s: %d months", casus.RetentionStudentFile, status.Months), SchoolID: status.SchoolID,
		ActorID: opt.ActorID, Counts: map[string]int{}}
	if opt.Cause == casus.CauseErasure {
		d.Rule = "erasure: " + string(opt.Ground)
	}
	if d.PeriodFrom, err = tx.FileStart(ctx, studentID); err != nil {
		return d, err
	}
	if b := status.Basis(); b != nil {
		d.PeriodTo = monthOf(*b)
	} else {
		d.PeriodTo = monthOf(tx.Now())
	}

	permit, err := tx.permit(ctx, "student")
	if err != nil {
		return d, err
	}
	// Messages and reminders point at the student's records by id.
	refs, err := tx.studentRefs(ctx, studentID)
	if err != nil {
		return d, err
	}
	for _, id := range refs {
		for _, q := range []struct{ table, sql string }{
			{"outbox", `DELETE FROM outbox WHERE message_id IN (SELECT id FROM messages WHERE link LIKE $1)`},
			{"messages", `DELETE FROM messages WHERE link LIKE $1`},
		} {
			if err := tx.destroyRows(ctx, d.Counts, q.table, q.sql, "%/"+id+"%"); err != nil {
				return d, err
			}
		}
		if err := tx.destroyRows(ctx, d.Counts, "reminders", `DELETE FROM reminders WHERE subject_id = $1`, id); err != nil {
			return d, err
		}
	}
	for _, st := range studentSteps {
		if err := tx.destroyRows(ctx, d.Counts, st.table, st.sql, studentID); err != nil {
			return d, err
		}
	}
	if err := tx.revoke(ctx, permit); err != nil {
		return d, err
	}
	if d.Counts["students"] != 1 {
		return d, casus.ErrNotFound
	}
	return d, tx.recordDestruction(ctx, &d)
}

func (tx *Tx) destroyRows(ctx context.Context, counts map[string]int, table, q string, arg any) error {
	res, err := tx.exec(ctx, q, arg)
	if err != nil {
		return fmt.Errorf("storage: destroy %s: %w", table, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		counts[table] += int(n)
	}
	return nil
}

// The student's records by kind, as subqueries on the student's id ($1).
const (
	subCases       = `SELECT id FROM cases WHERE student_id = $1`
	subItems       = `SELECT id FROM agenda_items WHERE case_id IN (` + subCases + `)`
	subDiscussions = `SELECT id FROM discussions WHERE student_id = $1 OR case_id IN (` + subCases + `)`
	subActions     = `SELECT id FROM actions WHERE student_id = $1 OR case_id IN (` + subCases + `)`
	subReferrals   = `SELECT id FROM referrals WHERE student_id = $1`
	subEntries     = `SELECT id FROM care_entries WHERE student_id = $1`
	subConsents    = `SELECT id FROM consents WHERE student_id = $1 OR case_id IN (` + subCases + `)`
	subAftercare   = `SELECT id FROM aftercare WHERE student_id = $1 OR case_id IN (` + subCases + `)`
)

// studentSteps deletes a student's rows, children before parents. Its
// tables and MessageTables are StudentTables.
var studentSteps = []struct{ table, sql string }{
	{"action_updates", `DELETE FROM action_updates WHERE action_id IN (` + subActions + `)`},
	{"actions", `DELETE FROM actions WHERE student_id = $1 OR case_id IN (` + subCases + `)`},
	{"goal_outcomes", `DELETE FROM goal_outcomes WHERE case_id IN (` + subCases + `)`},
	{"discussion_attendees", `DELETE FROM discussion_attendees WHERE discussion_id IN (` + subDiscussions + `)`},
	{"discussion_versions", `DELETE FROM discussion_versions WHERE discussion_id IN (` + subDiscussions + `)`},
	{"discussions", `DELETE FROM discussions WHERE student_id = $1 OR case_id IN (` + subCases + `)`},
	{"agenda_guests", `DELETE FROM agenda_guests WHERE item_id IN (` + subItems + `)`},
	{"agenda_invitations", `DELETE FROM agenda_invitations WHERE item_id IN (` + subItems + `)`},
	{"agenda_items", `DELETE FROM agenda_items WHERE case_id IN (` + subCases + `)`},
	{"advice", `DELETE FROM advice WHERE student_id = $1 OR case_id IN (` + subCases + `)`},
	{"aftercare_answers", `DELETE FROM aftercare_answers WHERE aftercare_id IN (` + subAftercare + `)`},
	{"aftercare", `DELETE FROM aftercare WHERE student_id = $1 OR case_id IN (` + subCases + `)`},
	{"consent_scope", `DELETE FROM consent_scope WHERE consent_id IN (` + subConsents + `)`},
	{"consents", `DELETE FROM consents WHERE student_id = $1 OR case_id IN (` + subCases + `)`},
	{"consent_exception_scope", `DELETE FROM consent_exception_scope WHERE exception_id IN (SELECT id FROM consent_exceptions WHERE case_id IN (` + subCases + `))`},
	{"consent_exceptions", `DELETE FROM consent_exceptions WHERE case_id IN (` + subCases + `)`},
	{"case_informed", `DELETE FROM case_informed WHERE case_id IN (` + subCases + `)`},
	{"case_events", `DELETE FROM case_events WHERE case_id IN (` + subCases + `) OR referral_id IN (` + subReferrals + `)`},
	{"case_closures", `DELETE FROM case_closures WHERE case_id IN (` + subCases + `)`},
	{"referral_entries", `DELETE FROM referral_entries WHERE referral_id IN (` + subReferrals + `) OR entry_id IN (` + subEntries + `)`},
	{"referral_events", `DELETE FROM referral_events WHERE referral_id IN (` + subReferrals + `)`},
	{"", `UPDATE referrals SET previous_id = NULL, next_id = NULL WHERE student_id = $1`},
	{"referrals", `DELETE FROM referrals WHERE student_id = $1`},
	{"crises", `DELETE FROM crises WHERE student_id = $1 OR case_id IN (` + subCases + `)`},
	{"policy_signal_cases", `DELETE FROM policy_signal_cases WHERE case_id IN (` + subCases + `)`},
	{"case_invitations", `DELETE FROM case_invitations WHERE case_id IN (` + subCases + `)`},
	{"cases", `DELETE FROM cases WHERE student_id = $1`},
	{"own_word_withdrawals", `DELETE FROM own_word_withdrawals WHERE own_word_id IN (SELECT id FROM own_words WHERE student_id = $1)`},
	{"own_words", `DELETE FROM own_words WHERE student_id = $1`},
	{"rectification_requests", `DELETE FROM rectification_requests WHERE student_id = $1`},
	{"access_requests", `DELETE FROM access_requests WHERE student_id = $1`},
	{"care_entry_versions", `DELETE FROM care_entry_versions WHERE entry_id IN (` + subEntries + `)`},
	{"care_entries", `DELETE FROM care_entries WHERE student_id = $1`},
	{"route_events", `DELETE FROM route_events WHERE student_id = $1`},
	{"guardians", `DELETE FROM guardians WHERE student_id = $1`},
	{"meldcode_steps", `DELETE FROM meldcode_steps WHERE meldcode_id IN (SELECT id FROM meldcodes WHERE student_id = $1)`},
	{"meldcodes", `DELETE FROM meldcodes WHERE student_id = $1`},
	{"meldcode_people", `DELETE FROM meldcode_people WHERE student_id = $1`},
	{"export_withholdings", `DELETE FROM export_withholdings WHERE student_id = $1`},
	{"legal_holds", `DELETE FROM legal_holds WHERE student_id = $1`},
	{"students", `DELETE FROM students WHERE id = $1`},
}

// MessageTables hold rows that point at a student's records by id (a link,
// a subject) rather than by a student_id column; DestroyStudent deletes
// them too.
var MessageTables = []string{"outbox", "messages", "reminders"}

// StudentTables lists the tables DestroyStudent deletes a student's rows
// from.
func StudentTables() []string {
	ts := append([]string(nil), MessageTables...)
	for _, st := range studentSteps {
		if st.table != "" {
			ts = append(ts, st.table)
		}
	}
	return ts
}

// KeptTables are the tables DestroyStudent leaves alone, with the reason:
// they hold no student data, or (the access log) keep it under their own
// retention. TestDestructionCoversSchema fails for a table in neither list.
var KeptTables = map[string]string{
	"settings": "configuration", "boards": "organisation", "schools": "organisation", "locations": "organisation",
	"groups": "organisation", "partner_orgs": "organisation", "users": "staff accounts", "user_roles": "staff accounts",
	"care_contacts": "staff assignments", "care_teams": "organisation", "care_team_schools": "organisation",
	"team_members": "staff assignments", "login_attempts": "keyed hashes of accounts, pruned daily",
	"trusted_devices": "staff devices", "sessions": "staff sessions",
	"password_resets": "staff accounts: hashed one-time reset links",
	"api_tokens":      "integrations: hashed API secrets, no student data",
	"access_log":      "own retention (PruneAccessLog); proves who saw a file after it is gone",
	"access_log_head": "chain tip", "access_log_anchor": "chain start after pruning",
	"security_events":      "accounts and settings, never students (LogSecurityEvent)",
	"security_events_head": "chain tip",
	"audit_chains":         "where the audit chains' keyed entries start (chain.go)",
	"meeting_series":       "team rhythm", "meetings": "team meetings; the items about a student go with the student",
	"meeting_attendance": "staff attendance at team meetings, no student",
	"policy_signals":     "gaps in the care offer, reported to the steering group; the links to cases go with the student",
	"retention_rules":    "configuration", "destructions": "records of destruction, no personal data",
	"destruction_permits": "transient, inside a destroying transaction",
	"complaints":          "about the team or a member, not about a student; no retention rule of their own yet",
	"handbook_documents":  "the team's and school's protocols",
	"goose_db_version":    "schema version",
	"river_job":           "job queue: args hold periods, never student ids", "river_leader": "job queue",
	"river_migration": "job queue", "river_queue": "job queue", "river_client": "job queue",
	"river_client_queue": "job queue", "river_notification": "job queue (SQLite)",
}

// studentRefs returns the ids of the student and of the records of theirs
// that messages link to or reminders are about.
func (tx *Tx) studentRefs(ctx context.Context, studentID string) ([]string, error) {
	refs := []string{studentID}
	for _, q := range []string{subCases, subReferrals, subActions, subDiscussions, subConsents, subAftercare, subItems,
		`SELECT id FROM crises WHERE student_id = $1`, subEntries} {
		rows, err := tx.query(ctx, `SELECT CAST(id AS TEXT) FROM (`+q+`) AS refs`, studentID)
		if err != nil {
			return nil, fmt.Errorf("storage: student references: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			refs = append(refs, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return refs, nil
}

// FileStart is the month the student's file began: the first case,
// referral or care entry; nil when there is none.
func (tx *Tx) FileStart(ctx context.Context, studentID string) (*time.Time, error) {
	var first *time.Time
	for _, q := range []string{
		`SELECT opened_at FROM cases WHERE student_id = $1 ORDER BY opened_at LIMIT 1`,
		`SELECT created_at FROM referrals WHERE student_id = $1 ORDER BY created_at LIMIT 1`,
		`SELECT created_at FROM care_entries WHERE student_id = $1 ORDER BY created_at LIMIT 1`,
	} {
		var t time.Time
		err := tx.queryRow(ctx, q, studentID).Scan(&t)
		if errors.Is(notFound(err, ""), casus.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("storage: file start: %w", err)
		}
		if first == nil || t.Before(*first) {
			first = &t
		}
	}
	if first == nil {
		return nil, nil
	}
	return monthOf(*first), nil
}

// monthOf is the first day of t's month: destruction records keep periods
// in months, which say less about a person than days.
func monthOf(t time.Time) *time.Time {
	t = t.UTC()
	m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return &m
}

// permit lets this transaction delete rows the append-only triggers
// protect; revoke ends it before the transaction commits.
func (tx *Tx) permit(ctx context.Context, kind string) (string, error) {
	token := randomToken()
	if _, err := tx.exec(ctx, `INSERT INTO destruction_permits (token, kind) VALUES ($1, $2)`, token, kind); err != nil {
		return "", fmt.Errorf("storage: destruction permit: %w", err)
	}
	return token, nil
}

func (tx *Tx) revoke(ctx context.Context, token string) error {
	if _, err := tx.exec(ctx, `DELETE FROM destruction_permits WHERE token = $1`, token); err != nil {
		return fmt.Errorf("storage: destruction permit: %w", err)
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (tx *Tx) recordDestruction(ctx context.Context, d *casus.Destruction) error {
	counts, err := json.Marshal(d.Counts)
	if err != nil {
		return err
	}
	d.Token, d.DestroyedAt = randomToken(), tx.Now()
	return tx.insert(ctx, "destruction", `INSERT INTO destructions (id, token, kind, cause, ground, rule, school_id, period_from,
		period_to, counts, actor_id, destroyed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		ensureID(&d.ID), d.Token, d.Kind, string(d.Cause), string(d.Ground), d.Rule, nullable(d.SchoolID), d.PeriodFrom,
		d.PeriodTo, string(counts), nullable(d.ActorID), d.DestroyedAt)
}

// Destructions returns the newest destruction records.
func (tx *Tx) Destructions(ctx context.Context, limit int) ([]casus.Destruction, error) {
	rows, err := tx.query(ctx, `SELECT CAST(id AS TEXT), token, kind, cause, ground, rule, COALESCE(CAST(school_id AS TEXT), ''),
		period_from, period_to, counts, COALESCE(CAST(actor_id AS TEXT), ''), destroyed_at
		FROM destructions ORDER BY destroyed_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: destructions: %w", err)
	}
	defer rows.Close()
	var ds []casus.Destruction
	for rows.Next() {
		var d casus.Destruction
		var counts string
		if err := rows.Scan(&d.ID, &d.Token, &d.Kind, &d.Cause, &d.Ground, &d.Rule, &d.SchoolID, &d.PeriodFrom, &d.PeriodTo,
			&counts, &d.ActorID, &d.DestroyedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(counts), &d.Counts); err != nil {
			return nil, fmt.Errorf("storage: destruction counts: %w", err)
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// PruneAccessLog removes the access log's entries from its start up to the
// last one before cutoff, keeping the chain verifiable: the anchor takes the
// sequence number and hash of the last entry removed, signed with the audit
// key. Only a run of entries
// from the start goes, so an entry older than cutoff after a newer one, or
// after one about a student under a legal hold, waits. It records the
// pruning as a destruction and returns it, with no counts when nothing
// went.
func (tx *Tx) PruneAccessLog(ctx context.Context, cutoff time.Time) (casus.Destruction, error) {
	d := casus.Destruction{Kind: "access_log", Cause: casus.CauseRetention, Counts: map[string]int{}}
	var anchor int64
	lock := "" // SQLite's immediate transaction already holds the write lock
	if tx.db.Engine == Postgres {
		lock = " FOR UPDATE" // a second instance pruning at once waits, then starts from the new anchor
	}
	if err := tx.queryRow(ctx, `SELECT seq FROM access_log_anchor WHERE id = 1`+lock).Scan(&anchor); err != nil {
		return d, fmt.Errorf("storage: access log anchor: %w", err)
	}
	// The first entry at or after cutoff bounds the run, and so does the
	// first about a student under an active legal hold: the hold keeps the
	// log of who saw the file too. Without either the whole log up to the
	// head is old.
	var last int64
	err := tx.queryRow(ctx, `SELECT seq FROM access_log WHERE at >= $1
		OR student_id IN (SELECT CAST(student_id AS TEXT) FROM legal_holds WHERE lifted_at IS NULL)
		ORDER BY seq LIMIT 1`, cutoff).Scan(&last)
	switch {
	case errors.Is(notFound(err, ""), casus.ErrNotFound):
		if err := tx.queryRow(ctx, `SELECT seq FROM access_log_head WHERE id = 1`).Scan(&last); err != nil {
			return d, fmt.Errorf("storage: access log head: %w", err)
		}
	case err != nil:
		return d, fmt.Errorf("storage: access log prune: %w", err)
	default:
		last--
	}
	if last <= anchor {
		return d, nil
	}
	var hash string
	var from, to time.Time
	if err := tx.queryRow(ctx, `SELECT hash, at FROM access_log WHERE seq = $1`, last).Scan(&hash, &to); err != nil {
		return d, fmt.Errorf("storage: access log prune: %w", err)
	}
	if err := tx.queryRow(ctx, `SELECT at FROM access_log WHERE seq = $1`, anchor+1).Scan(&from); err != nil {
		return d, fmt.Errorf("storage: access log prune: %w", err)
	}
	months, err := tx.AccessLogMonths(ctx)
	if err != nil {
		return d, err
	}
	permit, err := tx.permit(ctx, "access_log")
	if err != nil {
		return d, err
	}
	if err := tx.destroyRows(ctx, d.Counts, "access_log", `DELETE FROM access_log WHERE seq <= $1`, last); err != nil {
		return d, err
	}
	if err := tx.revoke(ctx, permit); err != nil {
		return d, err
	}
	// The anchor's signature is the prune record verification requires:
	// without the key nobody can move the start of the chain.
	if _, err := tx.exec(ctx, `UPDATE access_log_anchor SET seq = $1, hash = $2, mac = $3 WHERE id = 1`,
		last, hash, tx.db.anchorMAC(accessChain, last, hash)); err != nil {
		return d, fmt.Errorf("storage: access log anchor: %w", err)
	}
	d.Rule = fmt.Sprintf("access_log: %d months", months)
	d.PeriodFrom, d.PeriodTo = monthOf(from), monthOf(to)
	return d, tx.recordDestruction(ctx, &d)
}

// errDryRun rolls back a dry run's transaction; errGone one that found its
// student destroyed by another.
var (
	errDryRun = errors.New("storage: dry run")
	errGone   = errors.New("storage: destroyed meanwhile")
)

// DestroyExpired destroys, at now, the file of every student whose
// retention has expired and is not held, one transaction per student, and
// prunes the access log past its own retention. A student is checked again
// inside their transaction, so a second run, or one on another instance,
// destroys nothing more. With dryRun every transaction is rolled back: the
// result says what would go. It returns the destruction records.
func (db *DB) DestroyExpired(ctx context.Context, now time.Time, dryRun bool) ([]casus.Destruction, error) {
	var ids []string
	if err := db.View(ctx, func(tx *Tx) error {
		var err error
		ids, err = tx.ExpiredStudents(ctx, now)
		return err
	}); err != nil {
		return nil, err
	}
	var done []casus.Destruction
	run := func(fn func(tx *Tx) (casus.Destruction, bool, error)) error {
		var d casus.Destruction
		var any bool
		err := db.Update(ctx, func(tx *Tx) error {
			var err error
			if d, any, err = fn(tx); err != nil {
				return err
			}
			if dryRun {
				return errDryRun
			}
			return nil
		})
		if err != nil && !errors.Is(err, errDryRun) {
			return err
		}
		if any {
			done = append(done, d)
		}
		return nil
	}
	for _, id := range ids {
		err := run(func(tx *Tx) (casus.Destruction, bool, error) {
			// Another instance destroying at once waits here for this
			// one's commit, then finds the student gone.
			if err := tx.LockStudent(ctx, id); err != nil {
				return casus.Destruction{}, false, err
			}
			r, err := tx.RetentionStatus(ctx, id)
			if casus.ErrorCode(err) == casus.ENOTFOUND {
				return casus.Destruction{}, false, nil // destroyed meanwhile
			}
			if err != nil || !r.Expired(now) {
				return casus.Destruction{}, false, err
			}
			d, err := tx.DestroyStudent(ctx, id, DestroyOptions{Cause: casus.CauseRetention})
			if casus.ErrorCode(err) == casus.ENOTFOUND {
				// Another instance destroyed the student while this
				// transaction waited for its rows: roll back, nothing to do.
				return d, false, errGone
			}
			return d, err == nil, err
		})
		if err != nil && !errors.Is(err, errGone) {
			return done, err
		}
	}
	err := run(func(tx *Tx) (casus.Destruction, bool, error) {
		months, err := tx.AccessLogMonths(ctx)
		if err != nil {
			return casus.Destruction{}, false, err
		}
		d, err := tx.PruneAccessLog(ctx, now.AddDate(0, -months, 0))
		return d, err == nil && d.Total() > 0, err
	})
	return done, err
}
