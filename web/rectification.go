package web

import (
	"net/http"
	"net/url"
	"time"

	"casus"
	"casus/app"
)

// Rectification (verzoek tot rectificatie) and the student's own word
// (eigen inbreng). Students and parents have no accounts: the
// zorgcoördinator records their requests and decides them; the
// coordinator, the student's IB'er / taakdocent zorg and the student's
// mentor record their comments on entries. Every page and change goes
// through studentTx, so each is in the access log, granted or denied.

// rectificationPage shows one request and what the coordinator can do
// next: decide it, then record that the requester was told.
type rectificationPage struct {
	StudentID   string
	StudentName string // empty when a form is shown again after an error: nothing was read
	Sector      casus.Sector
	RequestID   string
	Request     *casus.RectificationRequest
	Entry       *casus.CareEntry // the entry it concerns, when it is one
	Overdue     bool
	DaysLeft    int
	CanExtend   bool   // the term may still be extended
	Only        string // after a validation error, the one form shown again: "granted", "refused", "informed" or "extend"
}

// rectificationNewPage is the form that records a request.
type rectificationNewPage struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Entry       *casus.CareEntry // the entry the request concerns, as read when the form opened
	Parties     []casus.Party
}

// renderRectificationAgain shows the request's form only again, after a
// validation error; nothing was read.
func (s *Server) renderRectificationAgain(w http.ResponseWriter, r *http.Request, only string, f *form) {
	v := s.newView(r, "rect.title", rectificationPage{StudentID: r.PathValue("id"), RequestID: r.PathValue("request"), Only: only})
	v.Form = f
	s.render(w, r, http.StatusBadRequest, "rectification", v)
}

func (s *Server) rectificationNewView(r *http.Request, page rectificationNewPage, f *form) *view {
	page.Parties = casus.Parties
	v := s.newView(r, "rect.new_title", page)
	v.Form = f
	return v
}

// handleRectificationNew shows the form to record a request; ?entry= names
// the care-file entry it concerns (the link on the entry's page).
func (s *Server) handleRectificationNew(w http.ResponseWriter, r *http.Request) {
	entryID := r.URL.Query().Get("entry")
	rf, err := s.app.RectificationFormFor(r.Context(), s.actor(r), r.PathValue("id"), entryID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := rectificationNewPage{StudentID: rf.StudentID, StudentName: rf.StudentName, Sector: rf.Sector, Entry: rf.Entry}
	f := &form{Values: url.Values{"received_on": {s.today().Format(time.DateOnly)}, "entry": {entryID},
		"sector": {string(page.Sector)}}}
	s.render(w, r, http.StatusOK, "rectification_new", s.rectificationNewView(r, page, f))
}

// handleRectificationCreate records a request (app.RecordRectificationRequest).
// It concerns a care-file entry (carried from the entry's page) or,
// described in words, another record.
func (s *Server) handleRectificationCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	req := casus.RectificationRequest{
		StudentID:     r.PathValue("id"),
		Requester:     casus.Party(f.choice("requester", true, stringsOf(casus.Parties)...)),
		RequesterName: f.text("requester_name", textRule{required: true, max: casus.MaxPartyName}),
		ReceivedOn:    s.careDateField(f, "received_on"),
		EntryID:       f.text("entry", textRule{max: 64}),
		Request:       f.paragraphs("request", textRule{required: true, max: casus.MaxRequestText}),
	}
	if req.EntryID != "" && !casus.ValidID(req.EntryID) {
		f.fail("entry", "error.invalid_text", nil)
	}
	req.Concerns = f.text("concerns", textRule{required: req.EntryID == "", max: casus.MaxConcernsText})
	sector := casus.Sector(f.choice("sector", false, "po", "vo", "mbo"))
	id := req.StudentID
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "rectification_new",
			s.rectificationNewView(r, rectificationNewPage{StudentID: id, Sector: sector}, f))
		return
	}
	req, err = s.app.RecordRectificationRequest(r.Context(), s.actor(r), req)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+id+"/rectification/"+req.ID+"?saved=recorded", http.StatusSeeOther)
}

// rectificationNotices are the notices of the request's page after a
// change, by the redirect's ?saved=.
var rectificationNotices = map[string]string{
	"recorded": "rect.recorded_notice", "decided": "rect.decided", "corrected": "rect.corrected",
	"informed": "rect.informed_saved", "extended": "rect.extended_notice",
}

// handleRectification shows a request: who asked what and when, the term,
// the decision and whether the requester was told.
func (s *Server) handleRectification(w http.ResponseWriter, r *http.Request) {
	rv, err := s.app.Rectification(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := rectificationPage{StudentID: rv.StudentID, StudentName: rv.StudentName, Sector: rv.Sector, RequestID: rv.Request.ID,
		Request: &rv.Request, Entry: rv.Entry, Overdue: rv.Overdue, DaysLeft: rv.DaysLeft, CanExtend: rv.CanExtend}
	today := s.today().Format(time.DateOnly)
	v := s.newView(r, "rect.title", page)
	v.Form = &form{Values: url.Values{"granted_on": {today}, "refused_on": {today}, "informed_on": {today}, "extended_on": {today}}}
	v.Notice = rectificationNotices[r.URL.Query().Get("saved")]
	s.render(w, r, http.StatusOK, "rectification", v)
}

// rectificationChanged answers a change to a request: the request's page
// with the notice saved, or the error.
func (s *Server) rectificationChanged(w http.ResponseWriter, r *http.Request, err error, saved string) {
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"/rectification/"+r.PathValue("request")+"?saved="+saved, http.StatusSeeOther)
}

// handleRectificationDecision grants or refuses a request
// (app.DecideRectification). A refusal needs its reason; a grant of a
// request about another record says what was corrected there. A request
// about a care-file entry is granted by correcting the entry (the
// correction form names the request), so the correction and the decision
// are one change.
func (s *Server) handleRectificationDecision(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var in app.RectificationDecision
	in.Decision = casus.RectificationStatus(f.choice("decision", true, string(casus.RectificationGranted), string(casus.RectificationRefused)))
	switch in.Decision {
	case casus.RectificationGranted:
		in.Text = f.paragraphs("grant_note", textRule{required: true, max: casus.MaxDecisionText})
		in.On = s.careDateField(f, "granted_on")
	case casus.RectificationRefused:
		in.Text = f.paragraphs("refuse_reason", textRule{required: true, max: casus.MaxDecisionText})
		in.On = s.careDateField(f, "refused_on")
	}
	if f.Errs != nil {
		only := string(in.Decision)
		if only == "" {
			only = string(casus.RectificationRefused)
		}
		s.renderRectificationAgain(w, r, only, f)
		return
	}
	err = s.app.DecideRectification(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"), in)
	s.rectificationChanged(w, r, err, "decided")
}

// handleRectificationInformed records the day the requester was told the
// decision, which closes the request.
func (s *Server) handleRectificationInformed(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	on := s.careDateField(f, "informed_on")
	if f.Errs != nil {
		s.renderRectificationAgain(w, r, "informed", f)
		return
	}
	err = s.app.RecordRectificationInformed(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"), on)
	s.rectificationChanged(w, r, err, "informed")
}

// handleRectificationExtend extends the term of an open request by two
// further months (AVG art. 12(3)), once, within the first month
// (app.ExtendRectification); a day the use case refuses shows the form
// again with its message.
func (s *Server) handleRectificationExtend(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reason := f.paragraphs("extension_reason", textRule{required: true, max: casus.MaxExtensionText})
	on := s.careDateField(f, "extended_on")
	if f.Errs != nil {
		s.renderRectificationAgain(w, r, "extend", f)
		return
	}
	err = s.app.ExtendRectification(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"), reason, on)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.renderRectificationAgain(w, r, "extend", f)
		return
	}
	s.rectificationChanged(w, r, err, "extended")
}

// rectificationRow is one line of a list of requests, with its term.
type rectificationRow = app.RectificationRow

// handleRectificationQueue lists the requests the coordinator still has to
// answer, overdue ones first, then by deadline (app.RectificationQueue).
func (s *Server) handleRectificationQueue(w http.ResponseWriter, r *http.Request) {
	rows, err := s.app.RectificationQueue(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "rectification_queue", s.newView(r, "rect.queue_title", rows))
}

// rectificationSection is the part of the student page about requests:
// shown to the coordinator only.
type rectificationSection struct {
	Show     bool
	Requests []rectificationRow
}

// ownWordPage is the form for a comment in the student's or parents' own
// words, or, after an error, for withdrawing one.
type ownWordPage struct {
	StudentID   string
	StudentName string // empty when shown again after an error
	Sector      casus.Sector
	EntryID     string
	Entry       *casus.CareEntry
	Parties     []casus.Party
	Withdraw    string // the comment being withdrawn, when the form is the withdrawal
}

func (s *Server) ownWordView(r *http.Request, page ownWordPage, f *form) *view {
	page.Parties = casus.Parties
	title := "own.new_title"
	if page.Withdraw != "" {
		title = "own.withdraw_title"
	}
	v := s.newView(r, title, page)
	v.Form = f
	return v
}

// handleOwnWordForm shows the form for a comment on an entry, with the
// entry beside it, so the recorder reads back to the student or parent
// what the comment is about.
func (s *Server) handleOwnWordForm(w http.ResponseWriter, r *http.Request) {
	of, err := s.app.OwnWordFormFor(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("entry"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := ownWordPage{StudentID: of.StudentID, StudentName: of.StudentName, Sector: of.Sector, EntryID: of.Entry.ID, Entry: &of.Entry}
	f := &form{Values: url.Values{"given_on": {s.today().Format(time.DateOnly)}, "sector": {string(page.Sector)}}}
	s.render(w, r, http.StatusOK, "own_word", s.ownWordView(r, page, f))
}

// handleOwnWordCreate stores a comment as given (app.RecordOwnWord): who
// gave it, when, and their words. Staff cannot change it afterwards.
func (s *Server) handleOwnWordCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id, entryID := r.PathValue("id"), r.PathValue("entry")
	ow := casus.OwnWord{StudentID: id, EntryID: entryID,
		Giver:     casus.Party(f.choice("giver", true, stringsOf(casus.Parties)...)),
		GiverName: f.text("giver_name", textRule{required: true, max: casus.MaxPartyName}),
		GivenOn:   s.careDateField(f, "given_on"),
		Text:      f.paragraphs("text", textRule{required: true, max: casus.MaxRequestText}),
	}
	sector := casus.Sector(f.choice("sector", false, "po", "vo", "mbo"))
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "own_word",
			s.ownWordView(r, ownWordPage{StudentID: id, Sector: sector, EntryID: entryID}, f))
		return
	}
	if _, err := s.app.RecordOwnWord(r.Context(), s.actor(r), ow); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+id+"/care/"+entryID+"?saved=own_word", http.StatusSeeOther)
}

// handleOwnWordWithdraw records, at the giver's request, that a comment is
// withdrawn (app.WithdrawOwnWord). It stays in the entry's history, marked
// withdrawn.
func (s *Server) handleOwnWordWithdraw(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	wd := casus.OwnWordWithdrawal{
		RequestedOn: s.careDateField(f, "requested_on"),
		Note:        f.paragraphs("note", textRule{max: casus.MaxWithdrawalNote}),
	}
	id, entryID, wordID := r.PathValue("id"), r.PathValue("entry"), r.PathValue("word")
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "own_word",
			s.ownWordView(r, ownWordPage{StudentID: id, EntryID: entryID, Withdraw: wordID}, f))
		return
	}
	if err := s.app.WithdrawOwnWord(r.Context(), s.actor(r), id, entryID, wordID, wd); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+id+"/care/"+entryID+"?saved=own_word_withdrawn", http.StatusSeeOther)
}

// ownWordView is a comment as the entry page shows it, with whether the
// reader may record its withdrawal.
type ownWordItem struct {
	casus.OwnWord
	CanWithdraw bool
}

// entryExtras is what the entry page shows beside the entry: the comments
// in the student's or parents' own words, and, for the coordinator, the
// requests for rectification about it.
type entryExtras struct {
	OwnWords   []ownWordItem
	CanOwnWord bool
	Requests   []rectificationRow // nil unless the reader handles requests
	CanRequest bool
}

// rectificationRef marks a version made on a request: every reader of the
// version sees who asked (student, parent, guardian — not the name) and
// when; the coordinator gets the link.
type rectificationRef struct {
	ID         string
	Requester  casus.Party
	ReceivedOn time.Time
	Link       bool
}
