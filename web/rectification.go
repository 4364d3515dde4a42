package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"casus"
	"casus/storage"
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

// lockOpenRequest locks the request against a concurrent decision or
// extension and reads it again: it must still be open.
func lockOpenRequest(c *careCtx, id string) (casus.RectificationRequest, error) {
	if err := c.tx.LockRectificationRequest(c.ctx, id); err != nil {
		return casus.RectificationRequest{}, err
	}
	req, err := c.tx.RectificationRequest(c.ctx, c.st.ID, id)
	if err == nil && req.Status != casus.RectificationOpen {
		err = storage.ErrRectificationDecided
	}
	return req, err
}

// formRefusal is a field error a handler finds only inside its
// transaction, once the record is read: studentTx logs it as a refusal,
// writes nothing else, and render shows the form again with the message
// beside the field.
type formRefusal struct {
	errs   casus.ValidationErrors
	render func(casus.ValidationErrors)
}

func (e *formRefusal) Error() string { return e.errs.Error() }
func (e *formRefusal) Unwrap() error { return e.errs }

// rectificationNewPage is the form that records a request.
type rectificationNewPage struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Entry       *casus.CareEntry // the entry the request concerns, as read when the form opened
	Parties     []casus.Party
}

// rectificationFor looks up the request of the path among the student's. A
// malformed or unknown id, or one of another student, gives found false.
func rectificationFor(c *careCtx, r *http.Request) (casus.RectificationRequest, bool, error) {
	return pathRecord(c, r, "request", c.tx.RectificationRequest)
}

// rectificationTx runs fn in careTx for the request of the path when the
// user handles the student's requests. An unknown request answers "not
// found", as a denial does.
func (s *Server) rectificationTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string,
	fn func(c *careCtx, req casus.RectificationRequest) error) bool {
	return s.careTx(w, r, action, purpose, "rectification_request", func(c *careCtx) (casus.Access, error) {
		req, found, err := rectificationFor(c, r)
		if err != nil || !found {
			return casus.Access{}, err
		}
		a := casus.CanHandleRectification(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		return a, fn(c, req)
	})
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
	var page rectificationNewPage
	entryID := r.URL.Query().Get("entry")
	ok := s.careTx(w, r, casus.ActRead, "rectification request form", "rectification_request", func(c *careCtx) (casus.Access, error) {
		a := casus.CanHandleRectification(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		page = rectificationNewPage{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector}
		if entryID != "" {
			e, found, err := studentRecord(c, entryID, c.tx.CareEntry)
			if err != nil || !found {
				return casus.Access{}, err
			}
			page.Entry = &e
		}
		return a, nil
	})
	if !ok {
		return
	}
	f := &form{Values: url.Values{"received_on": {s.today().Format(time.DateOnly)}, "entry": {entryID},
		"sector": {string(page.Sector)}}}
	s.render(w, r, http.StatusOK, "rectification_new", s.rectificationNewView(r, page, f))
}

// handleRectificationCreate records a request. It concerns a care-file
// entry (carried from the entry's page) or, described in words, another
// record.
func (s *Server) handleRectificationCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	req := casus.RectificationRequest{
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
	id := r.PathValue("id")
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "rectification_new",
			s.rectificationNewView(r, rectificationNewPage{StudentID: id, Sector: sector}, f))
		return
	}
	ok := s.careTx(w, r, casus.ActCreate, "rectification request", "rectification_request", func(c *careCtx) (casus.Access, error) {
		a := casus.CanHandleRectification(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		if req.EntryID != "" {
			_, found, err := studentRecord(c, req.EntryID, c.tx.CareEntry)
			if err != nil {
				return a, err
			}
			if !found {
				return casus.Access{}, nil
			}
		}
		req.StudentID, req.RecordedBy = c.st.ID, c.u.ID
		if err := c.tx.AddRectificationRequest(c.ctx, &req); err != nil {
			return a, err
		}
		c.e.ObjectID = req.ID
		return a, nil
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/rectification/"+req.ID+"?saved=recorded", http.StatusSeeOther)
	}
}

// handleRectification shows a request: who asked what and when, the term,
// the decision and whether the requester was told.
func (s *Server) handleRectification(w http.ResponseWriter, r *http.Request) {
	var page rectificationPage
	ok := s.rectificationTx(w, r, casus.ActRead, "rectification request", func(c *careCtx, req casus.RectificationRequest) error {
		today := s.today()
		page = rectificationPage{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, RequestID: req.ID, Request: &req,
			Overdue: req.Overdue(today), DaysLeft: req.DaysLeft(today), CanExtend: req.CanExtend(today)}
		if req.EntryID != "" {
			e, err := c.tx.CareEntry(c.ctx, c.st.ID, req.EntryID)
			if err != nil {
				return err
			}
			page.Entry = &e
		}
		return nil
	})
	if !ok {
		return
	}
	today := s.today().Format(time.DateOnly)
	v := s.newView(r, "rect.title", page)
	v.Form = &form{Values: url.Values{"granted_on": {today}, "refused_on": {today}, "informed_on": {today}, "extended_on": {today}}}
	switch r.URL.Query().Get("saved") {
	case "recorded":
		v.Notice = "rect.recorded_notice"
	case "decided":
		v.Notice = "rect.decided"
	case "corrected":
		v.Notice = "rect.corrected"
	case "informed":
		v.Notice = "rect.informed_saved"
	case "extended":
		v.Notice = "rect.extended_notice"
	}
	s.render(w, r, http.StatusOK, "rectification", v)
}

// handleRectificationDecision grants or refuses a request. A refusal needs
// its reason; a grant of a request about another record says what was
// corrected there. A request about a care-file entry is granted by
// correcting the entry (the correction form names the request), so the
// correction and the decision are one change.
func (s *Server) handleRectificationDecision(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	decision := casus.RectificationStatus(f.choice("decision", true, string(casus.RectificationGranted), string(casus.RectificationRefused)))
	var text string
	var on time.Time
	switch decision {
	case casus.RectificationGranted:
		text = f.paragraphs("grant_note", textRule{required: true, max: casus.MaxDecisionText})
		on = s.careDateField(f, "granted_on")
	case casus.RectificationRefused:
		text = f.paragraphs("refuse_reason", textRule{required: true, max: casus.MaxDecisionText})
		on = s.careDateField(f, "refused_on")
	}
	id := r.PathValue("id")
	if f.Errs != nil {
		only := string(decision)
		if only == "" {
			only = string(casus.RectificationRefused)
		}
		s.renderRectificationAgain(w, r, only, f)
		return
	}
	var reqID string
	ok := s.rectificationTx(w, r, casus.ActChange, "rectification decision", func(c *careCtx, req casus.RectificationRequest) error {
		req, err := lockOpenRequest(c, req.ID)
		if err != nil {
			return err
		}
		switch {
		case decision == casus.RectificationGranted && req.EntryID != "":
			return &casus.Error{Code: casus.EINVALID, Key: "error.rectification_grant_by_correction"}
		case on.Before(req.ReceivedOn):
			return &casus.Error{Code: casus.EINVALID, Key: "error.rectification_before_received"}
		}
		req.Status, req.DecidedOn, req.DecidedBy, req.Decision = decision, on, c.u.ID, text
		reqID = req.ID
		return c.tx.DecideRectification(c.ctx, &req)
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/rectification/"+reqID+"?saved=decided", http.StatusSeeOther)
	}
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
	id := r.PathValue("id")
	if f.Errs != nil {
		s.renderRectificationAgain(w, r, "informed", f)
		return
	}
	var reqID string
	ok := s.rectificationTx(w, r, casus.ActChange, "rectification requester informed", func(c *careCtx, req casus.RectificationRequest) error {
		switch {
		case req.Status == casus.RectificationOpen:
			return &casus.Error{Code: casus.ECONFLICT, Key: "error.rectification_not_decided"}
		case req.Informed():
			return storage.ErrRectificationDecided
		case on.Before(req.DecidedOn):
			return &casus.Error{Code: casus.EINVALID, Key: "error.rectification_informed_before_decision"}
		}
		reqID = req.ID
		return c.tx.MarkRectificationInformed(c.ctx, req.ID, on, c.u.ID)
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/rectification/"+reqID+"?saved=informed", http.StatusSeeOther)
	}
}

// handleRectificationExtend extends the term of an open request by two
// further months (AVG art. 12(3)), once, within the first month: the
// coordinator records the reasons and the day the requester was told of
// the extension, which cannot be after the first month.
func (s *Server) handleRectificationExtend(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reason := f.paragraphs("extension_reason", textRule{required: true, max: casus.MaxExtensionText})
	on := s.careDateField(f, "extended_on")
	id := r.PathValue("id")
	if f.Errs != nil {
		s.renderRectificationAgain(w, r, "extend", f)
		return
	}
	again := func(key string) error {
		return &formRefusal{errs: casus.ValidationErrors{casus.FieldError("extended_on", key, nil)},
			render: func(errs casus.ValidationErrors) { f.Errs = errs; s.renderRectificationAgain(w, r, "extend", f) }}
	}
	var reqID string
	ok := s.rectificationTx(w, r, casus.ActChange, "rectification extension", func(c *careCtx, req casus.RectificationRequest) error {
		req, err := lockOpenRequest(c, req.ID)
		if err != nil {
			return err
		}
		switch {
		case req.Extended():
			return storage.ErrRectificationExtended
		case s.today().After(req.FirstDeadline()):
			return &casus.Error{Code: casus.ECONFLICT, Key: "error.rectification_extension_late"}
		case on.Before(req.ReceivedOn):
			return again("error.rectification_extension_before_received")
		case on.After(req.FirstDeadline()):
			return again("error.rectification_extension_told_late")
		}
		req.ExtendedOn, req.ExtensionReason, req.ExtendedBy = on, reason, c.u.ID
		reqID = req.ID
		return c.tx.ExtendRectification(c.ctx, &req)
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/rectification/"+reqID+"?saved=extended", http.StatusSeeOther)
	}
}

// rectificationRow is one line of the coordinator's list of requests
// awaiting an answer.
type rectificationRow struct {
	Request     casus.RectificationRequest
	StudentID   string
	StudentName string
	Overdue     bool
	DaysLeft    int
}

// newRectificationRow is the line of request q about the student, with its
// term as it stands today; name may be empty where the page names the
// student already.
func newRectificationRow(q casus.RectificationRequest, studentID, name string, today time.Time) rectificationRow {
	return rectificationRow{Request: q, StudentID: studentID, StudentName: name, Overdue: q.Overdue(today), DaysLeft: q.DaysLeft(today)}
}

// handleRectificationQueue lists the requests the coordinator still has to
// answer, overdue ones first, then by deadline. Each line shown is a search
// hit in the access log, as in the referral queue.
func (s *Server) handleRectificationQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	if !u.SeesStudentData() {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	today := s.today()
	var rows []rectificationRow
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		pending, err := tx.PendingRectifications(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, p := range pending {
			a := casus.CanHandleRectification(u, p.Relations)
			if !a.Allowed {
				continue
			}
			e := s.accessEntry(r, casus.ActSearch, "rectification queue")
			e.StudentID, e.ObjectKind, e.ObjectID = p.Student.ID, "rectification_request", p.Request.ID
			if err := logAccess(ctx, tx, e, a); err != nil {
				return err
			}
			rows = append(rows, newRectificationRow(p.Request, p.Student.ID, p.Student.Name(), today))
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	slices.SortStableFunc(rows, func(a, b rectificationRow) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return a.Request.Deadline().Compare(b.Request.Deadline())
	})
	s.render(w, r, http.StatusOK, "rectification_queue", s.newView(r, "rect.queue_title", rows))
}

// rectificationSection is the part of the student page about requests:
// shown to the coordinator only.
type rectificationSection struct {
	Show     bool
	Requests []rectificationRow
}

// loadRectificationSection reads the student's requests for the student
// page, whose own access-log entry covers them.
func (s *Server) loadRectificationSection(c *careCtx) (rectificationSection, error) {
	var rs rectificationSection
	if !casus.CanHandleRectification(c.u, c.rel).Allowed {
		return rs, nil
	}
	rs.Show = true
	reqs, err := c.tx.RectificationRequests(c.ctx, c.st.ID)
	if err != nil {
		return rs, err
	}
	today := s.today()
	for _, q := range reqs {
		rs.Requests = append(rs.Requests, newRectificationRow(q, c.st.ID, "", today))
	}
	return rs, nil
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
	var page ownWordPage
	ok := s.entryTx(w, r, casus.ActRead, "own word form", "care_entry", casus.CanRecordOwnWord, func(c *careCtx, e casus.CareEntry) error {
		page = ownWordPage{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, EntryID: e.ID, Entry: &e}
		return nil
	})
	if !ok {
		return
	}
	f := &form{Values: url.Values{"given_on": {s.today().Format(time.DateOnly)}, "sector": {string(page.Sector)}}}
	s.render(w, r, http.StatusOK, "own_word", s.ownWordView(r, page, f))
}

// handleOwnWordCreate stores a comment as given: who gave it, when, and
// their words. Staff cannot change it afterwards.
func (s *Server) handleOwnWordCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ow := casus.OwnWord{
		Giver:     casus.Party(f.choice("giver", true, stringsOf(casus.Parties)...)),
		GiverName: f.text("giver_name", textRule{required: true, max: casus.MaxPartyName}),
		GivenOn:   s.careDateField(f, "given_on"),
		Text:      f.paragraphs("text", textRule{required: true, max: casus.MaxRequestText}),
	}
	sector := casus.Sector(f.choice("sector", false, "po", "vo", "mbo"))
	id, entryID := r.PathValue("id"), r.PathValue("entry")
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "own_word",
			s.ownWordView(r, ownWordPage{StudentID: id, Sector: sector, EntryID: entryID}, f))
		return
	}
	ok := s.entryTx(w, r, casus.ActCreate, "own word", "own_word", casus.CanRecordOwnWord, func(c *careCtx, e casus.CareEntry) error {
		ow.StudentID, ow.EntryID, ow.RecordedBy = c.st.ID, e.ID, c.u.ID
		if err := c.tx.AddOwnWord(c.ctx, &ow); err != nil {
			return err
		}
		c.e.ObjectID = ow.ID
		return nil
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/care/"+entryID+"?saved=own_word", http.StatusSeeOther)
	}
}

// handleOwnWordWithdraw records, at the giver's request, that a comment is
// withdrawn. It stays in the entry's history, marked withdrawn.
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
	ok := s.careTx(w, r, casus.ActChange, "own word withdrawal", "own_word", func(c *careCtx) (casus.Access, error) {
		e, found, err := careEntryFor(c, r)
		c.e.ObjectID = truncate(wordID, 64)
		if err != nil || !found || !casus.ValidID(wordID) {
			return casus.Access{}, err
		}
		words, err := c.tx.OwnWords(c.ctx, c.st.ID, e.ID)
		if err != nil {
			return casus.Access{}, err
		}
		i := slices.IndexFunc(words, func(o casus.OwnWord) bool { return o.ID == wordID })
		if i < 0 {
			return casus.Access{}, nil
		}
		a := casus.CanWithdrawOwnWord(c.u, c.rel, e, words[i])
		switch {
		case !a.Allowed:
			return a, nil
		case words[i].Withdrawal != nil:
			return a, storage.ErrOwnWordWithdrawn
		case wd.RequestedOn.Before(words[i].GivenOn):
			return a, &casus.Error{Code: casus.EINVALID, Key: "error.own_word_withdrawn_before_given"}
		}
		wd.OwnWordID, wd.RecordedBy = wordID, c.u.ID
		return a, c.tx.WithdrawOwnWord(c.ctx, &wd)
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/care/"+entryID+"?saved=own_word_withdrawn", http.StatusSeeOther)
	}
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

// loadEntryExtras reads the comments and requests of an entry the reader
// may read, and marks the versions made on a request. The entry page's own
// access-log entry covers them.
func (s *Server) loadEntryExtras(c *careCtx, e casus.CareEntry, versions []historyVersion) (entryExtras, error) {
	var x entryExtras
	words, err := c.tx.OwnWords(c.ctx, c.st.ID, e.ID)
	if err != nil {
		return x, err
	}
	for _, w := range words {
		x.OwnWords = append(x.OwnWords, ownWordItem{OwnWord: w, CanWithdraw: w.Withdrawal == nil && casus.CanWithdrawOwnWord(c.u, c.rel, e, w).Allowed})
	}
	x.CanOwnWord = casus.CanRecordOwnWord(c.u, c.rel, e).Allowed
	reqs, err := c.tx.RectificationRequests(c.ctx, c.st.ID)
	if err != nil {
		return x, err
	}
	handles := casus.CanHandleRectification(c.u, c.rel).Allowed
	x.CanRequest = handles
	today := s.today()
	for _, q := range reqs {
		if q.EntryID != e.ID {
			continue
		}
		for i := range versions {
			if q.CorrectionVersion == versions[i].Version {
				versions[i].Request = &rectificationRef{Requester: q.Requester, ReceivedOn: q.ReceivedOn, ID: q.ID, Link: handles}
			}
		}
		if handles {
			x.Requests = append(x.Requests, newRectificationRow(q, c.st.ID, "", today))
		}
	}
	return x, nil
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

// ownWordsByEntry returns the standing comments per entry for the student
// page's care file.
func ownWordsByEntry(c *careCtx) (map[string][]casus.OwnWord, error) {
	words, err := c.tx.OwnWords(c.ctx, c.st.ID, "")
	if err != nil {
		return nil, err
	}
	m := map[string][]casus.OwnWord{}
	for _, w := range words {
		if w.Withdrawal == nil {
			m[w.EntryID] = append(m[w.EntryID], w)
		}
	}
	return m, nil
}

// correctionRequest reads the open request a correction answers, for the
// correction form and its handler; the request must be about the entry
// and the user must handle requests.
func correctionRequest(c *careCtx, e casus.CareEntry, id string) (*casus.RectificationRequest, error) {
	if !casus.ValidID(id) {
		return nil, casus.ErrNotFound
	}
	if !casus.CanHandleRectification(c.u, c.rel).Allowed {
		return nil, casus.ErrNotFound
	}
	if err := c.tx.LockRectificationRequest(c.ctx, id); err != nil {
		return nil, err
	}
	q, err := c.tx.RectificationRequest(c.ctx, c.st.ID, id)
	if err != nil {
		return nil, err
	}
	if q.EntryID != e.ID {
		return nil, casus.ErrNotFound
	}
	if q.Status != casus.RectificationOpen {
		return nil, storage.ErrRectificationDecided
	}
	return &q, nil
}

// grantByCorrection records the grant of the request the correction v
// answered. It runs after the correction was written; a refusal here (the
// request decided meanwhile) takes the correction back with it, since the
// frame undoes everything a refused request wrote.
func grantByCorrection(c *careCtx, q *casus.RectificationRequest, v casus.EntryVersion, today time.Time) error {
	q.Status, q.DecidedOn, q.DecidedBy, q.Decision, q.CorrectionVersion = casus.RectificationGranted, today, c.u.ID, v.Reason, v.Version
	if err := c.tx.DecideRectification(c.ctx, q); err != nil {
		return fmt.Errorf("web: grant by correction: %w", err)
	}
	return nil
}
