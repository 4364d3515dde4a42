package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"casus"
)

// ExportTable is one table in a student's export (AVG art. 15): which of its
// rows are the student's, and how a row is named.
type ExportTable struct {
	Name    string
	Key     []string // the columns that name a row (for withholding)
	Where   string   // selects the student's rows; $1 is the student's id
	Columns []string // the columns exported; all when empty
	OrderBy string
	// Parent and ParentCol: a row of this table is withheld when the row of
	// Parent it belongs to (ParentCol holds that row's key) is withheld.
	Parent, ParentCol string
}

const (
	// meldcodeWithheld holds when the student's meldcode is withheld from
	// the export.
	meldcodeWithheld = `EXISTS (SELECT 1 FROM export_withholdings w WHERE w.student_id = $1 AND w.table_name = 'meldcodes')`
	// meldcodeWithheldInLog is meldcodeWithheld for the access log, whose
	// student_id is text (it also logs what is not a UUID).
	meldcodeWithheldInLog = `EXISTS (SELECT 1 FROM export_withholdings w WHERE CAST(w.student_id AS TEXT) = access_log.student_id AND w.table_name = 'meldcodes')`
	// logShown leaves out the access-log lines that would tell of a
	// withheld meldcode: in the log section and in the recipients.
	logShown    = `NOT (object_kind = 'meldcode' AND ` + meldcodeWithheldInLog + `)`
	ofCases     = `case_id IN (SELECT id FROM cases WHERE student_id = $1)`
	ofReferrals = `referral_id IN (SELECT id FROM referrals WHERE student_id = $1)`
)

// ExportTables lists, in the order of the export, every table that holds
// something about a student. TestExportCoversEveryStudentTable fails when
// a table with a student_id column, or one hanging off such a table, is in
// neither this list nor ExportExclusions.
var ExportTables = []ExportTable{
	{Name: "students", Key: []string{"id"}, Where: `id = $1`},
	{Name: "guardians", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "name"},
	{Name: "cases", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "opened_at"},
	{Name: "case_invitations", Key: []string{"case_id", "user_id"}, Where: ofCases, OrderBy: "created_at"},
	{Name: "care_entries", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "created_at"},
	{Name: "care_entry_versions", Key: []string{"entry_id", "version"},
		Where: `entry_id IN (SELECT id FROM care_entries WHERE student_id = $1)`, OrderBy: "recorded_at, version",
		Parent: "care_entries", ParentCol: "entry_id"},
	{Name: "route_events", Key: []string{"student_id", "seq"}, Where: `student_id = $1`, OrderBy: "seq"},
	{Name: "referrals", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "created_at"},
	{Name: "referral_entries", Key: []string{"referral_id", "entry_id"}, Where: ofReferrals,
		Parent: "referrals", ParentCol: "referral_id"},
	{Name: "referral_events", Key: []string{"id"}, Where: ofReferrals, OrderBy: "at",
		Parent: "referrals", ParentCol: "referral_id"},
	{Name: "crises", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "occurred_at"},
	{Name: "consents", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "given_at"},
	{Name: "consent_scope", Key: []string{"consent_id", "discipline"},
		Where:  `consent_id IN (SELECT id FROM consents WHERE student_id = $1)`,
		Parent: "consents", ParentCol: "consent_id"},
	{Name: "consent_exceptions", Key: []string{"id"}, Where: ofCases, OrderBy: "at"},
	{Name: "consent_exception_scope", Key: []string{"exception_id", "discipline"},
		Where:  `exception_id IN (SELECT id FROM consent_exceptions WHERE case_id IN (SELECT id FROM cases WHERE student_id = $1))`,
		Parent: "consent_exceptions", ParentCol: "exception_id"},
	{Name: "case_informed", Key: []string{"id"}, Where: ofCases, OrderBy: "at"},
	{Name: "policy_signal_cases", Key: []string{"signal_id", "case_id"}, Where: ofCases},
	{Name: "case_events", Key: []string{"id"}, Where: ofCases, OrderBy: "at"},
	{Name: "agenda_items", Key: []string{"id"}, Where: ofCases, OrderBy: "added_at"},
	{Name: "agenda_invitations", Key: []string{"item_id", "user_id"},
		Where:  `item_id IN (SELECT ai.id FROM agenda_items ai JOIN cases c ON c.id = ai.case_id WHERE c.student_id = $1)`,
		Parent: "agenda_items", ParentCol: "item_id"},
	{Name: "agenda_guests", Key: []string{"id"},
		Where:   `item_id IN (SELECT ai.id FROM agenda_items ai JOIN cases c ON c.id = ai.case_id WHERE c.student_id = $1)`,
		OrderBy: "added_at", Parent: "agenda_items", ParentCol: "item_id"},
	{Name: "discussions", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "saved_at"},
	{Name: "discussion_versions", Key: []string{"discussion_id", "version"},
		Where: `discussion_id IN (SELECT id FROM discussions WHERE student_id = $1)`, OrderBy: "saved_at, version",
		Parent: "discussions", ParentCol: "discussion_id"},
	{Name: "discussion_attendees", Key: []string{"discussion_id", "user_id"},
		Where:  `discussion_id IN (SELECT id FROM discussions WHERE student_id = $1)`,
		Parent: "discussions", ParentCol: "discussion_id"},
	{Name: "actions", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "created_at"},
	{Name: "action_updates", Key: []string{"id"}, Where: `action_id IN (SELECT id FROM actions WHERE student_id = $1)`,
		OrderBy: "at", Parent: "actions", ParentCol: "action_id"},
	{Name: "advice", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "created_at"},
	{Name: "case_closures", Key: []string{"id"}, Where: ofCases, OrderBy: "at"},
	{Name: "goal_outcomes", Key: []string{"closure_id", "goal_id"}, Where: ofCases, OrderBy: "position",
		Parent: "case_closures", ParentCol: "closure_id"},
	{Name: "aftercare", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "created_at"},
	{Name: "aftercare_answers", Key: []string{"id"}, Where: `aftercare_id IN (SELECT id FROM aftercare WHERE student_id = $1)`,
		OrderBy: "recorded_at", Parent: "aftercare", ParentCol: "aftercare_id"},
	{Name: "rectification_requests", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "recorded_at"},
	// The requests for access themselves, as the requester sees them; what
	// the review released or kept back is the withheld notice, which names
	// no meldcode.
	{Name: "access_requests", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "recorded_at",
		Columns: []string{"id", "requester", "requester_name", "requester_relation", "received_on", "identity",
			"identity_note", "recorded_by", "recorded_at", "reviewed_by", "reviewed_at"}},
	{Name: "own_words", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "recorded_at"},
	{Name: "own_word_withdrawals", Key: []string{"own_word_id"},
		Where:   `own_word_id IN (SELECT id FROM own_words WHERE student_id = $1)`,
		OrderBy: "recorded_at", Parent: "own_words", ParentCol: "own_word_id"},
	{Name: "legal_holds", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "set_at"},
	// The meldcode trajectory. Telling parents about it may put the student
	// at risk: the export page warns, and withholding the meldcode also
	// withholds its steps, the people named and the access-log entries of
	// its pages (below).
	{Name: "meldcodes", Key: []string{"id"}, Where: `student_id = $1`, OrderBy: "started_at"},
	{Name: "meldcode_steps", Key: []string{"id"}, Where: `meldcode_id IN (SELECT id FROM meldcodes WHERE student_id = $1)`,
		OrderBy: "step", Parent: "meldcodes", ParentCol: "meldcode_id"},
	{Name: "meldcode_people", Key: []string{"student_id", "user_id"}, Where: `student_id = $1 AND NOT ` + meldcodeWithheld,
		OrderBy: "named_at"},
	// Messages about the student: those linking to the student's page, cases,
	// referrals or actions. Messages never name a student; the link does.
	{Name: "messages", Key: []string{"id"}, OrderBy: "created_at",
		Columns: []string{"id", "user_id", "msg_key", "link", "created_at"},
		Where: `NOT (messages.link LIKE '%/meldcode%' AND ` + meldcodeWithheld + `) AND (
			EXISTS (SELECT 1 FROM students s WHERE s.id = $1 AND messages.link LIKE '%' || CAST(s.id AS TEXT) || '%')
			OR EXISTS (SELECT 1 FROM cases c WHERE c.student_id = $1 AND messages.link LIKE '%' || CAST(c.id AS TEXT) || '%')
			OR EXISTS (SELECT 1 FROM referrals r WHERE r.student_id = $1 AND messages.link LIKE '%' || CAST(r.id AS TEXT) || '%')
			OR EXISTS (SELECT 1 FROM actions a WHERE a.student_id = $1 AND messages.link LIKE '%' || CAST(a.id AS TEXT) || '%'))`},
	// The access-log view of the file; the chain fields stay out, and so
	// does the client address: it is the staff member's (it can point at a
	// home), and the workstation class says enough of where from.
	{Name: "access_log", Key: []string{"seq"}, Where: `student_id = $1 AND ` + logShown, OrderBy: "seq",
		Columns: []string{"seq", "at", "user_name", "role", "org_name", "relation", "object_kind", "object_id", "action",
			"purpose", "processing", "basis", "basis_ref", "user_agent", "outcome"}},
}

// ExportBooleans are the exported columns that hold yes or no, as
// "table.column". PostgreSQL returns them as booleans, SQLite as 0 or 1;
// the export gives "true" or "false" on both. TestExportCoversEveryStudentTable
// checks the list against PostgreSQL's schema.
var ExportBooleans = map[string]bool{
	"guardians.parental_authority": true, "consents.refused": true, "case_informed.informed": true,
	"agenda_items.late": true, "meldcode_steps.veilig_thuis": true,
}

// ExportExclusions names the tables about a student that the export leaves
// out on purpose, each with the reason.
var ExportExclusions = map[string]string{
	"export_withholdings": "shown as the notice that something was withheld (what kind, why, when), not as records",
}

// ExportField is one column of an exported record.
type ExportField struct {
	Name  string
	Value string
}

// ExportRecord is one exported row.
type ExportRecord struct {
	Key    string
	Fields []ExportField
}

// Field returns the value of the named column.
func (r ExportRecord) Field(name string) string {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// ExportSection is the student's rows of one table.
type ExportSection struct {
	Table   string
	Records []ExportRecord
}

// Withholding marks a record that is left out of the export, with the
// recorded reason.
type Withholding struct {
	ID        string
	StudentID string
	Table     string
	RecordKey string
	Reason    string
	ByID      string
	ByName    string
	CreatedAt time.Time
	Review    bool // a part the review of the access request kept back, not a withholding of one record
}

// Recipient is someone outside the school who saw the student's data,
// according to the access log.
type Recipient struct {
	UserName string
	OrgName  string
	Role     casus.Role
	Accesses int
	First    time.Time
	Last     time.Time
}

// StudentExport is everything Casus holds about a student.
type StudentExport struct {
	StudentID   string
	GeneratedAt time.Time
	Sections    []ExportSection
	Withheld    []Withholding
	Recipients  []Recipient
	Retention   casus.RetentionStatus
	People      map[string]string    // user, school, group and team id → name, for the ids in the records
	Request     *casus.AccessRequest // the request the export answers; nil for a preview
	Kept        map[string]bool      // the parts the scope withheld that the file holds: "meldcodes", "care_entries"
}

// exportValue renders a column value the same on both engines.
func exportValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		x = x.UTC()
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case []byte:
		return string(x)
	case [16]byte:
		return uuid.UUID(x).String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		// SQLite keeps timestamps as text in some drivers' paths.
		return x
	}
	return fmt.Sprint(v)
}

// ExportWithholdings returns the student's withheld records.
func (tx *Tx) ExportWithholdings(ctx context.Context, studentID string) ([]Withholding, error) {
	rows, err := tx.query(ctx, `SELECT CAST(w.id AS TEXT), CAST(w.student_id AS TEXT), w.table_name, w.record_key, w.reason,
		CAST(w.by_id AS TEXT), u.name, w.created_at FROM export_withholdings w JOIN users u ON u.id = w.by_id
		WHERE w.student_id = $1 ORDER BY w.created_at`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: withholdings: %w", err)
	}
	defer rows.Close()
	var ws []Withholding
	for rows.Next() {
		var w Withholding
		if err := rows.Scan(&w.ID, &w.StudentID, &w.Table, &w.RecordKey, &w.Reason, &w.ByID, &w.ByName, &w.CreatedAt); err != nil {
			return nil, err
		}
		w.CreatedAt = w.CreatedAt.UTC()
		ws = append(ws, w)
	}
	return ws, rows.Err()
}

// AddWithholding records that a record of the student is withheld from the
// export. The record must be one of the student's (ENOTFOUND otherwise); a
// record withheld already is a conflict.
func (tx *Tx) AddWithholding(ctx context.Context, w *Withholding) error {
	t, ok := exportTable(w.Table)
	if !ok || w.Table == "students" || w.Table == "access_log" {
		return casus.ErrNotFound
	}
	recs, err := tx.exportRows(ctx, t, w.StudentID, casus.FullScope)
	if err != nil {
		return err
	}
	found := false
	for _, r := range recs {
		found = found || r.Key == w.RecordKey
	}
	if !found {
		return casus.ErrNotFound
	}
	if err := tx.LockStudent(ctx, w.StudentID); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM export_withholdings WHERE student_id = $1 AND table_name = $2 AND record_key = $3`,
		w.StudentID, w.Table, w.RecordKey).Scan(&n); err != nil {
		return fmt.Errorf("storage: withholding: %w", err)
	}
	if n > 0 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "export.withheld_already"}
	}
	w.ID, w.CreatedAt = casus.NewID(), tx.Now()
	return tx.insert(ctx, "withholding", `INSERT INTO export_withholdings (id, student_id, table_name, record_key, reason, by_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.ID, w.StudentID, w.Table, w.RecordKey, w.Reason, w.ByID, w.CreatedAt)
}

// scoped is a query of the export for an export that releases the meldcode
// or not: a meldcode not released is withheld as if withheld by a
// withholding, with its people, messages and log lines.
func scoped(q string, scope casus.ExportScope) string {
	if scope.Meldcode {
		return q
	}
	q = strings.ReplaceAll(q, meldcodeWithheld, "(1 = 1)")
	return strings.ReplaceAll(q, meldcodeWithheldInLog, "(1 = 1)")
}

func exportTable(name string) (ExportTable, bool) {
	for _, t := range ExportTables {
		if t.Name == name {
			return t, true
		}
	}
	return ExportTable{}, false
}

// exportRows reads the student's rows of one table, with the meldcode
// when the scope releases it.
func (tx *Tx) exportRows(ctx context.Context, t ExportTable, studentID string, scope casus.ExportScope) ([]ExportRecord, error) {
	cols := "*"
	if len(t.Columns) > 0 {
		cols = strings.Join(t.Columns, ", ")
	}
	q := `SELECT ` + cols + ` FROM ` + t.Name + ` WHERE ` + t.Where
	if t.OrderBy != "" {
		q += ` ORDER BY ` + t.OrderBy
	}
	rows, err := tx.query(ctx, scoped(q, scope), studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: export %s: %w", t.Name, err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var recs []ExportRecord
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("storage: export %s: %w", t.Name, err)
		}
		r := ExportRecord{}
		for i, n := range names {
			if x, ok := vals[i].(int64); ok && ExportBooleans[t.Name+"."+n] {
				vals[i] = x != 0
			}
			r.Fields = append(r.Fields, ExportField{Name: n, Value: exportValue(vals[i])})
		}
		var key []string
		for _, k := range t.Key {
			key = append(key, r.Field(k))
		}
		r.Key = strings.Join(key, "/")
		recs = append(recs, r)
	}
	return recs, rows.Err()
}

// StudentExport collects what the student's export holds within the
// scope, leaving out the withheld records (and the rows belonging to them).
// A meldcode or confidential entries the scope does not release are
// withheld as a withholding would; when req is the reviewed request the
// export answers, the notice of each part it keeps back gives the
// reviewer's reason.
func (tx *Tx) StudentExport(ctx context.Context, studentID string, scope casus.ExportScope, req *casus.AccessRequest) (*StudentExport, error) {
	x := &StudentExport{StudentID: studentID, GeneratedAt: tx.Now(), People: map[string]string{}, Request: req}
	var err error
	if x.Withheld, err = tx.ExportWithholdings(ctx, studentID); err != nil {
		return nil, err
	}
	withheld := map[string]map[string]bool{}
	withhold := func(table, key string) {
		if withheld[table] == nil {
			withheld[table] = map[string]bool{}
		}
		withheld[table][key] = true
	}
	for _, w := range x.Withheld {
		withhold(w.Table, w.RecordKey)
	}
	// Parts withheld by the scope, by default until the coordinator
	// releases them.
	kept := map[string]bool{}
	if !scope.Confidential {
		ids, err := tx.confidentialEntries(ctx, studentID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			withhold("care_entries", id)
			kept["care_entries"] = true
		}
	}
	// A record is withheld with what belongs to it: its parent's children,
	// whatever hangs off a withheld case (case_id) or care-file entry
	// (entry_id), the children of those in turn (ExportTables lists parents
	// first), and the log lines and messages that point at any of them.
	hidden := map[string]bool{}
	for _, t := range ExportTables {
		recs, err := tx.exportRows(ctx, t, studentID, scope)
		if err != nil {
			return nil, err
		}
		sec := ExportSection{Table: t.Name}
		for _, r := range recs {
			if t.Name == "meldcodes" && !scope.Meldcode {
				withhold(t.Name, r.Key)
				kept["meldcodes"] = true
			}
			if withheld[t.Name][r.Key] || (t.Parent != "" && withheld[t.Parent][r.Field(t.ParentCol)]) ||
				withheld["cases"][r.Field("case_id")] || withheld["care_entries"][r.Field("entry_id")] ||
				hidden[r.Field("object_id")] || pointsAt(r.Field("link"), hidden) {
				withhold(t.Name, r.Key)
				hidden[r.Key] = true
				continue
			}
			sec.Records = append(sec.Records, r)
		}
		x.Sections = append(x.Sections, sec)
	}
	if req != nil && req.Reviewed() {
		// The notices of the parts the review kept back, meldcode first.
		var notices []Withholding
		for _, k := range []struct{ table, reason string }{{"meldcodes", req.MeldcodeReason}, {"care_entries", req.ConfidentialReason}} {
			if kept[k.table] {
				notices = append(notices, Withholding{StudentID: studentID, Table: k.table, Reason: k.reason,
					ByID: req.ReviewedBy, ByName: req.ReviewedName, CreatedAt: req.ReviewedAt, Review: true})
			}
		}
		x.Withheld = append(notices, x.Withheld...)
	}
	x.Kept = kept
	if x.Recipients, err = tx.recipients(ctx, studentID, scope); err != nil {
		return nil, err
	}
	if x.Retention, err = tx.RetentionStatus(ctx, studentID); err != nil {
		return nil, err
	}
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		x.People[u.ID] = u.Name
	}
	// Schools, groups and teams by name too, for the reader of the PDF.
	rows, err := tx.query(ctx, `SELECT CAST(id AS TEXT), name FROM schools UNION ALL SELECT CAST(id AS TEXT), name FROM groups
		UNION ALL SELECT CAST(id AS TEXT), name FROM care_teams`)
	if err != nil {
		return nil, fmt.Errorf("storage: export names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		x.People[id] = name
	}
	return x, rows.Err()
}

// pointsAt reports whether a message's link names a withheld record.
func pointsAt(link string, hidden map[string]bool) bool {
	for _, part := range strings.Split(link, "/") {
		if hidden[part] {
			return true
		}
	}
	return false
}

// recipients lists the partners who saw the student's data, from the log.
func (tx *Tx) recipients(ctx context.Context, studentID string, scope casus.ExportScope) ([]Recipient, error) {
	rows, err := tx.query(ctx, scoped(`SELECT user_name, org_name, role, COUNT(*), MIN(at), MAX(at) FROM access_log
		WHERE student_id = $1 AND outcome = 'granted' AND role = $2 AND `+logShown+`
		GROUP BY user_id, user_name, org_name, role ORDER BY org_name, user_name`, scope), studentID, string(casus.RolePartner))
	if err != nil {
		return nil, fmt.Errorf("storage: recipients: %w", err)
	}
	defer rows.Close()
	var rs []Recipient
	for rows.Next() {
		var r Recipient
		var first, last any
		if err := rows.Scan(&r.UserName, &r.OrgName, &r.Role, &r.Accesses, &first, &last); err != nil {
			return nil, err
		}
		r.First, r.Last = anyTime(first), anyTime(last)
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// anyTime reads an aggregated timestamp, which SQLite returns as text.
func anyTime(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC()
			}
		}
	case []byte:
		return anyTime(string(x))
	}
	return time.Time{}
}
