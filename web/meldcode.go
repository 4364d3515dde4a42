package web

import (
	"casus/storage"
	"context"
	"fmt"
	"net/http"
	"slices"

	"casus"
)

// meldcodeTextMax bounds a step's notes, in characters.
const meldcodeTextMax = 4000

type meldcodePage struct {
	StudentID    string
	StudentName  string
	Trajectories []casus.Meldcode // newest first
	Next         int              // the step to record next (1 starts a new trajectory)
	CanManage    bool             // the zorgcoördinator: names and removes people
	People       []casus.User
	Candidates   []casus.User // who may be named
	Steps        []int
	Questions    []int
	YesNo        []string
	Decisions    []string
}

// loadMeldcode decides with CanViewMeldcode and, when allowed, fills the
// page. Every request, read or write, is logged by careTx.
func (s *Server) loadMeldcode(c *careCtx, page *meldcodePage) (casus.Access, error) {
	named, err := c.tx.MeldcodeNamed(c.ctx, c.st.ID, c.u.ID)
	if err != nil {
		return casus.Access{}, err
	}
	a := casus.CanViewMeldcode(c.u, c.rel, named)
	if !a.Allowed {
		return a, nil
	}
	*page = meldcodePage{StudentID: c.st.ID, StudentName: c.st.Name(), Next: 1,
		CanManage: casus.CanManageMeldcode(c.u, c.rel).Allowed, Steps: []int{1, 2, 3, 4, 5}, Questions: []int{1, 2, 3, 4, 5},
		YesNo: []string{"yes", "no"}, Decisions: casus.MeldDecisions}
	if page.Trajectories, err = c.tx.Meldcodes(c.ctx, c.st.ID); err != nil {
		return a, err
	}
	if len(page.Trajectories) > 0 && page.Trajectories[0].Next() != 0 {
		page.Next = page.Trajectories[0].Next()
	}
	if page.People, err = c.tx.MeldcodePeople(c.ctx, c.st.ID); err != nil || !page.CanManage {
		return a, err
	}
	users, err := c.tx.Users(c.ctx)
	if err != nil {
		return a, err
	}
	for _, u := range users {
		if !casus.MayBeNamed(u) || u.ID == c.u.ID || (u.SchoolID != c.st.SchoolID && u.PartnerOrgID == "") ||
			slices.ContainsFunc(page.People, func(p casus.User) bool { return p.ID == u.ID }) {
			continue
		}
		// A partner can only be named who may see the student by name
		// (invited or a team member, with consent): anyone else would be
		// told of a meldcode they cannot open.
		if ok, err := partnerNamed(c.ctx, c.tx, u, c.st.ID); err != nil || !ok {
			if err != nil {
				return a, err
			}
			continue
		}
		page.Candidates = append(page.Candidates, u)
	}
	return a, nil
}

func (s *Server) renderMeldcode(w http.ResponseWriter, r *http.Request, page meldcodePage, f *form, status int) {
	v := s.newView(r, "meldcode.title", page)
	v.Form = f
	switch r.URL.Query().Get("saved") {
	case "step":
		v.Notice = "meldcode.step_saved"
	case "people":
		v.Notice = "meldcode.people_saved"
	}
	s.render(w, r, status, "meldcode", v)
}

// handleMeldcode shows the student's meldcode trajectories to the
// zorgcoördinator and the people named; to anyone else the page does not
// exist. The read is logged like any read of the student's data.
func (s *Server) handleMeldcode(w http.ResponseWriter, r *http.Request) {
	var page meldcodePage
	ok := s.careTx(w, r, casus.ActRead, "meldcode", "meldcode", func(c *careCtx) (casus.Access, error) {
		return s.loadMeldcode(c, &page)
	})
	if ok {
		s.renderMeldcode(w, r, page, &form{}, http.StatusOK)
	}
}

// meldcodeChange is the frame of a change to the student's meldcode: it
// reads the form, loads the page in careTx (with manage, only for who may
// manage the meldcode; to anyone else it does not exist) and lets change
// check the form and, when it has no errors, write. A form with errors is
// logged as a read, "meldcode (invalid <what>)", and shown again with 400;
// after a change the page shows the notice saved.
func (s *Server) meldcodeChange(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose, what, saved string,
	manage bool, change func(c *careCtx, page meldcodePage, f *form) error) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var page meldcodePage
	invalid := false
	ok := s.careTx(w, r, action, purpose, "meldcode", func(c *careCtx) (casus.Access, error) {
		// Two people changing the meldcode at once (the same step, say):
		// the second waits here, then finds the first one's change.
		if err := c.tx.LockStudent(c.ctx, c.st.ID); err != nil {
			return casus.Access{}, err
		}
		a, err := s.loadMeldcode(c, &page)
		if err != nil || !a.Allowed {
			return a, err
		}
		if manage && !page.CanManage {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		if err := change(c, page, f); err != nil || f.Errs == nil {
			return a, err
		}
		invalid = true
		c.e.Action, c.e.Purpose = casus.ActRead, "meldcode (invalid "+what+")"
		return a, nil
	})
	switch {
	case !ok:
	case invalid:
		s.renderMeldcode(w, r, page, f, http.StatusBadRequest)
	default:
		http.Redirect(w, r, "/students/"+page.StudentID+"/meldcode?saved="+saved, http.StatusSeeOther)
	}
}

// handleMeldcodeStep records the next step: dated, by the user, with what
// the step asks (Veilig Thuis consulted; the answers of the afwegingskader;
// the decision).
func (s *Server) handleMeldcodeStep(w http.ResponseWriter, r *http.Request) {
	s.meldcodeChange(w, r, casus.ActCreate, "meldcode step", "step", "step", false, func(c *careCtx, page meldcodePage, f *form) error {
		st := casus.MeldcodeStep{ByID: c.u.ID, Step: page.Next,
			DoneOn: s.careDateField(f, "done_on"),
			Notes:  f.paragraphs("notes", textRule{required: true, max: meldcodeTextMax}),
		}
		if got := f.choice("step", true, "1", "2", "3", "4", "5"); got != "" && got != fmt.Sprint(page.Next) {
			f.fail("step", "meldcode.stale_step", nil)
		}
		if page.Next > 1 {
			st.MeldcodeID = page.Trajectories[0].ID
			if prev := page.Trajectories[0].Step(page.Next - 1); prev != nil && !st.DoneOn.IsZero() && st.DoneOn.Before(prev.DoneOn) {
				f.fail("done_on", "meldcode.before_previous", nil)
			}
		}
		switch page.Next {
		case 2:
			st.VeiligThuis = f.Has("veilig_thuis", "yes")
		case 4:
			for q := 1; q <= casus.MeldQuestions; q++ {
				st.Answers = append(st.Answers, f.choice(fmt.Sprintf("q%d", q), true, "yes", "no"))
			}
		case 5:
			st.Decision = f.choice("decision", true, casus.MeldDecisions...)
		}
		if f.Errs != nil {
			return nil
		}
		err := c.tx.RecordMeldcodeStep(c.ctx, c.st.ID, &st)
		c.e.ObjectID = st.ID
		return err
	})
}

// handleMeldcodeName names a person who may see the student's meldcode;
// the zorgcoördinator only.
func (s *Server) handleMeldcodeName(w http.ResponseWriter, r *http.Request) {
	s.meldcodeChange(w, r, casus.ActChange, "meldcode people", "person", "people", true, func(c *careCtx, page meldcodePage, f *form) error {
		who := f.choice("person", true, idsOf(page.Candidates, func(u casus.User) string { return u.ID })...)
		if f.Errs != nil {
			return nil
		}
		c.e.ObjectID = who
		if err := c.tx.NameForMeldcode(c.ctx, c.st.ID, who, c.u.ID); err != nil {
			return err
		}
		// The named person hears of it; the message names no student.
		return c.tx.AddMessage(c.ctx, &casus.Message{UserID: who, Key: "message.meldcode_named",
			Link: "/students/" + c.st.ID + "/meldcode"})
	})
}

// handleMeldcodeUnname removes a named person; from then on the meldcode
// does not exist for them.
func (s *Server) handleMeldcodeUnname(w http.ResponseWriter, r *http.Request) {
	s.meldcodeChange(w, r, casus.ActChange, "meldcode people", "", "people", true, func(c *careCtx, _ meldcodePage, _ *form) error {
		who := r.PathValue("user")
		c.e.ObjectID = truncate(who, 64)
		if !casus.ValidID(who) {
			return casus.ErrNotFound
		}
		_, err := c.tx.UnnameForMeldcode(c.ctx, c.st.ID, who)
		return err
	})
}

// canMeldcode reports whether the student page offers the link to the
// meldcode.
func canMeldcode(ctx context.Context, tx *storage.Tx, u casus.User, rel casus.StudentRelations, studentID string) (bool, error) {
	named, err := tx.MeldcodeNamed(ctx, studentID, u.ID)
	return casus.CanViewMeldcode(u, rel, named).Allowed, err
}
