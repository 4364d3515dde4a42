package web

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"casus"
	"casus/app"
)

// apiRouteTable is every route of the API with its scope.
func (s *Server) apiRouteTable() []APIRoute {
	studentFilters := []apiParam{
		{Name: "cursor", Description: "next_cursor of the previous page"},
		{Name: "limit", Description: "page size, 1–100 (50)", Type: "integer"},
		{Name: "team", Description: "id of a care team: students with a case there"},
		{Name: "step", Description: "care-route step code"},
		{Name: "case", Description: "students with an open case, or none", Enum: []string{"open", "none"}},
		{Name: "overdue", Description: "only students whose care route step is overdue", Type: "boolean"},
	}
	return []APIRoute{
		{Pattern: "GET " + APIPrefix + "/openapi.json", Summary: "This OpenAPI 3.1 document", Out: map[string]any{}, handle: s.apiSpec},
		{Pattern: "GET " + APIPrefix + "/students", Scope: casus.ScopeStudentsRead, Summary: "The students the token's account may open",
			Query: studentFilters, Out: APIStudentPage{}, handle: s.apiStudents},
		{Pattern: "GET " + APIPrefix + "/students/{id}", Scope: casus.ScopeStudentsRead, Object: "student",
			Summary: "One student, with the guardians when the account's relation shows them", Out: APIStudent{}, handle: s.apiStudent},
		{Pattern: "GET " + APIPrefix + "/students/{id}/cases", Scope: casus.ScopeCasesRead, Object: "student",
			Summary: "The student's cases with the care teams, when the account's relation shows them", Out: APICaseList{}, handle: s.apiStudentCases},
		{Pattern: "GET " + APIPrefix + "/teams", Scope: casus.ScopeTeamsRead, Summary: "The care teams", Out: APITeamList{}, handle: s.apiTeams},
		{Pattern: "GET " + APIPrefix + "/teams/{id}", Scope: casus.ScopeTeamsRead, Object: "team",
			Summary: "A care team with its members", Out: APITeam{}, handle: s.apiTeam},
		{Pattern: "GET " + APIPrefix + "/teams/{id}/meetings", Scope: casus.ScopeMeetingsRead, Object: "team",
			Summary: "A care team's coming meetings", Out: APIMeetingList{}, handle: s.apiMeetings},
		{Pattern: "GET " + APIPrefix + "/actions", Scope: casus.ScopeActionsRead, Summary: "The account's actions still to be done, soonest due first",
			Query: []apiParam{{Name: "cursor", Description: "next_cursor of the previous page"},
				{Name: "limit", Description: "page size, 1–100 (50)", Type: "integer"}},
			Out: APIActionList{}, handle: s.apiActions},
		{Pattern: "GET " + APIPrefix + "/actions/{id}", Scope: casus.ScopeActionsRead, Object: "action",
			Summary: "One action of the account (or of a team it chairs); the ETag is its version", Out: APIAction{}, handle: s.apiAction},
		{Pattern: "PATCH " + APIPrefix + "/actions/{id}", Scope: casus.ScopeActionsWrite, Object: "action",
			Summary: "Report progress on an action; If-Match with the ETag of the version read is required",
			In:      APIActionProgress{}, Out: APIAction{}, handle: s.apiActionUpdate},
		{Pattern: "GET " + APIPrefix + "/changes", Scope: casus.ScopeChangesRead,
			Summary: "What changed after the cursor, of the students the account may open; poll with since=next_cursor",
			Query: []apiParam{{Name: "since", Description: "next_cursor of the previous call; 0 or absent: from the start of the kept log"},
				{Name: "limit", Description: "at most this many changes, 1–500 (100)", Type: "integer"}},
			Out: APIChangeList{}, handle: s.apiChanges},
	}
}

// APIStudent is a student as the API shows them. For a partner without
// consent (anonymous) only the school, sector, level and age band.
type APIStudent struct {
	ID            string        `json:"id"`
	Anonymous     bool          `json:"anonymous"`
	FirstName     string        `json:"first_name,omitempty"`
	LastName      string        `json:"last_name,omitempty"`
	DateOfBirth   string        `json:"date_of_birth,omitempty"` // yyyy-mm-dd
	AgeBand       string        `json:"age_band,omitempty"`
	StudentNumber string        `json:"student_number,omitempty"`
	School        string        `json:"school"`
	Sector        string        `json:"sector"`
	Level         string        `json:"level,omitempty"`
	Group         string        `json:"group,omitempty"`
	Mentor        string        `json:"mentor,omitempty"`
	LeftOn        string        `json:"left_on,omitempty"` // yyyy-mm-dd
	Relation      string        `json:"relation,omitempty"`
	Guardians     []APIGuardian `json:"guardians,omitempty"`
}

// APIGuardian is a parent or guardian.
type APIGuardian struct {
	Name              string `json:"name"`
	Relation          string `json:"relation"`
	ParentalAuthority bool   `json:"parental_authority"`
	Email             string `json:"email,omitempty"`
	Phone             string `json:"phone,omitempty"`
}

// APIStudentPage is a page of students; next_cursor is absent on the last.
type APIStudentPage struct {
	Items      []APIStudent `json:"items"`
	Total      int          `json:"total"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// APICase is a student's case with a care team.
type APICase struct {
	ID       string    `json:"id"`
	TeamID   string    `json:"team_id"`
	Team     string    `json:"team"`
	TeamKind string    `json:"team_kind"`
	Status   string    `json:"status"`
	OpenedAt time.Time `json:"opened_at"`
}

// APICaseList is a student's cases.
type APICaseList struct {
	Items []APICase `json:"items"`
}

// APITeam is a care team; members only on the team's own resource.
type APITeam struct {
	ID      string          `json:"id"`
	Name    string          `json:"name"`
	Kind    string          `json:"kind"`
	Rhythm  string          `json:"rhythm,omitempty"`
	Members []APITeamMember `json:"members,omitempty"`
}

// APITeamMember is a member of a care team.
type APITeamMember struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Chair       bool   `json:"chair"`
	MinuteTaker bool   `json:"minute_taker"`
}

// APITeamList is the care teams.
type APITeamList struct {
	Items []APITeam `json:"items"`
}

// APIMeeting is a team's meeting.
type APIMeeting struct {
	ID              string    `json:"id"`
	StartsAt        time.Time `json:"starts_at"`
	DurationMinutes int       `json:"duration_minutes"`
	Location        string    `json:"location,omitempty"`
	Status          string    `json:"status"`
}

// APIMeetingList is a team's coming meetings.
type APIMeetingList struct {
	Items []APIMeeting `json:"items"`
}

// APIAction is an action (an agreement with an owner and a due day).
type APIAction struct {
	ID          string `json:"id"`
	CaseID      string `json:"case_id"`
	StudentID   string `json:"student_id"`
	StudentName string `json:"student_name,omitempty"` // absent for a partner without consent
	Team        string `json:"team,omitempty"`
	Owner       string `json:"owner,omitempty"`
	Description string `json:"description"`
	DueOn       string `json:"due_on"` // yyyy-mm-dd
	Status      string `json:"status"`
	Version     int    `json:"version"`
}

// APIActionList is a page of the account's actions; next_cursor is absent
// on the last.
type APIActionList struct {
	Items      []APIAction `json:"items"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

// APIActionProgress is a report on an action: its new status and a note.
type APIActionProgress struct {
	Status string `json:"status"` // open, in_progress, done or cancelled
	Note   string `json:"note,omitempty"`
}

// APIChange is one change to a student's data: what kind of record (as the
// access log names it), created or changed, when. Read the record itself
// for its content.
type APIChange struct {
	Cursor    string    `json:"cursor"`
	At        time.Time `json:"at"`
	StudentID string    `json:"student_id"`
	Kind      string    `json:"kind"`
	ObjectID  string    `json:"object_id,omitempty"`
	Change    string    `json:"change"` // create or change
}

// APIChangeList is a page of the change feed; next_cursor is always set:
// ask from there next time.
type APIChangeList struct {
	Items      []APIChange `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

// apiChanges is the change feed.
func (s *Server) apiChanges(w http.ResponseWriter, r *http.Request, c *apiCall) {
	q := r.URL.Query()
	var errs casus.ValidationErrors
	var since int64
	limit := 100
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, casus.FieldError("since", "api.error.cursor", nil))
		}
		since = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			errs = append(errs, casus.FieldError("limit", "api.error.limit_changes", nil))
		}
		limit = n
	}
	if len(errs) > 0 {
		s.apiProblem(w, r, errs)
		return
	}
	feed, err := s.app.Changes(r.Context(), c.actor, since, limit)
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	out := APIChangeList{Items: []APIChange{}, NextCursor: strconv.FormatInt(feed.Next, 10)}
	for _, ch := range feed.Changes {
		out.Items = append(out.Items, APIChange{Cursor: strconv.FormatInt(ch.Seq, 10), At: ch.At, StudentID: ch.StudentID,
			Kind: ch.ObjectKind, ObjectID: ch.ObjectID, Change: string(ch.Action)})
	}
	s.apiJSON(w, r, out, "")
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func apiStudentOf(st casus.Student, anonymous bool, ageBand string) APIStudent {
	if anonymous {
		return APIStudent{ID: st.ID, Anonymous: true, AgeBand: ageBand, School: st.SchoolName, Sector: string(st.Sector), Level: st.Level}
	}
	out := APIStudent{ID: st.ID, FirstName: st.FirstName, LastName: st.LastName, DateOfBirth: day(st.DateOfBirth),
		StudentNumber: st.StudentNumber, School: st.SchoolName, Sector: string(st.Sector), Level: st.Level, Group: st.GroupName,
		Mentor: st.MentorName}
	if st.LeftAt != nil {
		out.LeftOn = day(*st.LeftAt)
	}
	return out
}

// apiStudents lists a page of the students the account may open.
func (s *Server) apiStudents(w http.ResponseWriter, r *http.Request, c *apiCall) {
	q := r.URL.Query()
	var errs casus.ValidationErrors
	in := app.StudentQuery{After: q.Get("cursor"), TeamID: q.Get("team"), Step: casus.RouteStep(q.Get("step")),
		CaseState: q.Get("case"), Limit: app.StudentPageSize}
	if in.After != "" && !casus.ValidID(in.After) {
		errs = append(errs, casus.FieldError("cursor", "api.error.cursor", nil))
	}
	if in.TeamID != "" && !casus.ValidID(in.TeamID) {
		errs = append(errs, casus.FieldError("team", "error.choice", nil))
	}
	if in.Step != "" && !slices.ContainsFunc(app.StudentSteps(), func(o app.StepOption) bool { return o.Step == in.Step }) {
		errs = append(errs, casus.FieldError("step", "error.choice", nil))
	}
	if in.CaseState != "" && in.CaseState != "open" && in.CaseState != "none" {
		errs = append(errs, casus.FieldError("case", "error.choice", nil))
	}
	if v := q.Get("overdue"); v != "" {
		ov, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, casus.FieldError("overdue", "error.choice", nil))
		}
		in.Overdue = ov
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			errs = append(errs, casus.FieldError("limit", "api.error.limit", nil))
		}
		in.Limit = n
	}
	if len(errs) > 0 {
		s.apiProblem(w, r, errs)
		return
	}
	list, err := s.app.StudentList(r.Context(), c.actor, in)
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	page := APIStudentPage{Items: []APIStudent{}, Total: list.Total, NextCursor: list.Next}
	for _, row := range list.Rows {
		page.Items = append(page.Items, apiStudentOf(row.Student, row.Anonymous, ""))
	}
	setNextLink(w, r, page.NextCursor)
	s.apiJSON(w, r, page, "")
}

// apiStudent shows one student as the account's relation allows.
func (s *Server) apiStudent(w http.ResponseWriter, r *http.Request, c *apiCall) {
	page, err := s.app.ViewStudent(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	out := apiStudentOf(page.Student, page.Anonymous, page.AgeBand)
	out.Relation = string(page.Relation)
	if page.View.Guardians && !page.Anonymous {
		for _, g := range page.Guardians {
			out.Guardians = append(out.Guardians, APIGuardian{Name: g.Name, Relation: g.Relation,
				ParentalAuthority: g.ParentalAuthority, Email: g.Email, Phone: g.Phone})
		}
	}
	s.apiJSON(w, r, out, "")
}

// apiStudentCases lists the student's cases when the relation shows them.
func (s *Server) apiStudentCases(w http.ResponseWriter, r *http.Request, c *apiCall) {
	page, err := s.app.ViewStudent(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	out := APICaseList{Items: []APICase{}}
	if page.View.Cases {
		for _, cs := range page.Cases {
			out.Items = append(out.Items, APICase{ID: cs.ID, TeamID: cs.TeamID, Team: cs.TeamName, TeamKind: string(cs.TeamKind),
				Status: string(cs.Status), OpenedAt: cs.OpenedAt.UTC()})
		}
	}
	s.apiJSON(w, r, out, "")
}

func (s *Server) apiTeams(w http.ResponseWriter, r *http.Request, c *apiCall) {
	teams, err := s.app.Teams(r.Context(), c.actor)
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	out := APITeamList{Items: []APITeam{}}
	for _, t := range teams {
		out.Items = append(out.Items, APITeam{ID: t.ID, Name: t.Name, Kind: string(t.Kind), Rhythm: t.Rhythm})
	}
	s.apiJSON(w, r, out, "")
}

func (s *Server) apiTeam(w http.ResponseWriter, r *http.Request, c *apiCall) {
	page, err := s.app.Team(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	t := page.Team
	out := APITeam{ID: t.ID, Name: t.Name, Kind: string(t.Kind), Rhythm: t.Rhythm, Members: []APITeamMember{}}
	for _, m := range page.Members {
		out.Members = append(out.Members, APITeamMember{Name: m.User.Name, Kind: string(m.Kind), Chair: m.Chair, MinuteTaker: m.MinuteTaker})
	}
	s.apiJSON(w, r, out, "")
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request, c *apiCall) {
	page, err := s.app.Team(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	out := APIMeetingList{Items: []APIMeeting{}}
	for _, m := range page.Meetings.Upcoming {
		out.Items = append(out.Items, APIMeeting{ID: m.ID, StartsAt: m.StartsAt.UTC(), DurationMinutes: int(m.Duration.Minutes()),
			Location: m.Location, Status: string(m.Status)})
	}
	s.apiJSON(w, r, out, "")
}

func apiActionOf(a casus.Action) APIAction {
	return APIAction{ID: a.ID, CaseID: a.CaseID, StudentID: a.StudentID, StudentName: a.StudentName, Team: a.TeamName,
		Owner: a.OwnerName, Description: a.Description, DueOn: day(a.DueOn), Status: string(a.Status), Version: a.Version}
}

// actionETag is the ETag of an action's version: what If-Match compares.
func actionETag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

func (s *Server) apiActions(w http.ResponseWriter, r *http.Request, c *apiCall) {
	limit, ok := s.apiLimitParam(w, r, 50, 100)
	if !ok {
		return
	}
	rows, next, err := s.app.TaskPage(r.Context(), c.actor, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	out := APIActionList{Items: []APIAction{}, NextCursor: next}
	for _, row := range rows {
		out.Items = append(out.Items, apiActionOf(row.Action))
	}
	setNextLink(w, r, next)
	s.apiJSON(w, r, out, "")
}

// apiLimitParam reads the query's page size, def when absent, 1–max; a bad
// one is answered with a problem and ok false.
func (s *Server) apiLimitParam(w http.ResponseWriter, r *http.Request, def, max int) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		s.apiProblem(w, r, casus.ValidationErrors{casus.FieldError("limit", "api.error.limit", nil)})
		return 0, false
	}
	return n, true
}

// setNextLink points the Link header at the next page, cursor next.
func setNextLink(w http.ResponseWriter, r *http.Request, next string) {
	if next == "" {
		return
	}
	u := *r.URL
	v := u.Query()
	v.Set("cursor", next)
	u.RawQuery = v.Encode()
	w.Header().Set("Link", "<"+u.RequestURI()+`>; rel="next"`)
}

func (s *Server) apiAction(w http.ResponseWriter, r *http.Request, c *apiCall) {
	act, err := s.app.ViewAction(r.Context(), c.actor, r.PathValue("id"))
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	s.apiJSON(w, r, apiActionOf(act), actionETag(act.Version))
}

// apiActionUpdate reports progress on an action against the version the
// caller read: If-Match is required, and a stale one is refused (412).
func (s *Server) apiActionUpdate(w http.ResponseWriter, r *http.Request, c *apiCall) {
	match := r.Header.Get("If-Match")
	version, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(match, `"v`), `"`))
	if match == "" || err != nil {
		s.apiProblem(w, r, &casus.Error{Code: casus.EINVALID, Key: "api.error.if_match"})
		return
	}
	var in APIActionProgress
	errs := decodeJSON(r, &in)
	if !slices.Contains(casus.ActionStatuses, casus.ActionStatus(in.Status)) {
		errs = append(errs, casus.FieldError("status", "error.choice", nil))
	}
	if !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > 2000 {
		errs = append(errs, casus.FieldError("note", "error.too_long", map[string]any{"Max": 2000}))
	}
	// The use case decides first: a token whose account may not report on
	// the action gets 404 whatever it sent; the refusal is logged.
	err = s.app.UpdateAction(r.Context(), c.actor, app.ActionProgress{ActionID: r.PathValue("id"), Status: casus.ActionStatus(in.Status),
		Note: in.Note, Version: version}, errs)
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	s.apiAction(w, r, c)
}

// decodeJSON reads a JSON request body of at most 64 KiB into v; unknown
// fields are refused, so a typo does not pass silently.
func decodeJSON(r *http.Request, v any) casus.ValidationErrors {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/merge-patch+json") {
		return casus.ValidationErrors{casus.FieldError("body", "api.error.content_type", nil)}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return casus.ValidationErrors{casus.FieldError("body", "api.error.json", nil)}
	}
	return nil
}
