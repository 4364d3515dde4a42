package web

import (
	"fmt"
	"net/http"

	"casus"
	"casus/app"
)

// meldcodeTextMax bounds a step's notes, in characters.
const meldcodeTextMax = 4000

func (s *Server) renderMeldcode(w http.ResponseWriter, r *http.Request, page app.MeldcodePage, f *form, status int) {
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
// zorgcoördinator and the people named (app.Meldcode); to anyone else the
// page does not exist.
func (s *Server) handleMeldcode(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Meldcode(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderMeldcode(w, r, page, &form{}, http.StatusOK)
}

// meldcodePost parses a meldcode form and lets change call the use case
// with it: with field errors the page comes back with them (400), after a
// change it shows the notice saved.
func (s *Server) meldcodePost(w http.ResponseWriter, r *http.Request, saved string, change func(f *form) (app.MeldcodePage, error)) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page, err := change(f)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.renderMeldcode(w, r, page, f, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+page.StudentID+"/meldcode?saved="+saved, http.StatusSeeOther)
}

// handleMeldcodeStep records the next step (app.RecordMeldcodeStep).
func (s *Server) handleMeldcodeStep(w http.ResponseWriter, r *http.Request) {
	s.meldcodePost(w, r, "step", func(f *form) (app.MeldcodePage, error) {
		in := app.MeldcodeStepInput{
			DoneOn: s.careDateField(f, "done_on"),
			Notes:  f.paragraphs("notes", textRule{required: true, max: meldcodeTextMax}),
			Step:   f.choice("step", true, "1", "2", "3", "4", "5"),
		}
		in.Errs = f.Errs
		in.Fields = func(next int, st *casus.MeldcodeStep) casus.ValidationErrors {
			return meldcodeStepFields(&form{Values: f.Values, today: f.today}, next, st)
		}
		return s.app.RecordMeldcodeStep(r.Context(), s.actor(r), r.PathValue("id"), in)
	})
}

// meldcodeStepFields reads what step next asks into st: whether Veilig
// Thuis was consulted, the answers of the afwegingskader, the decision.
func meldcodeStepFields(f *form, next int, st *casus.MeldcodeStep) casus.ValidationErrors {
	switch next {
	case 2:
		st.VeiligThuis = f.Has("veilig_thuis", "yes")
	case 4:
		for q := 1; q <= casus.MeldQuestions; q++ {
			st.Answers = append(st.Answers, f.choice(fmt.Sprintf("q%d", q), true, "yes", "no"))
		}
	case 5:
		st.Decision = f.choice("decision", true, casus.MeldDecisions...)
	}
	return f.Errs
}

// handleMeldcodeName names a person who may see the student's meldcode;
// the zorgcoördinator only (app.NameForMeldcode).
func (s *Server) handleMeldcodeName(w http.ResponseWriter, r *http.Request) {
	s.meldcodePost(w, r, "people", func(f *form) (app.MeldcodePage, error) {
		who := f.chosen("person")
		return s.app.NameForMeldcode(r.Context(), s.actor(r), r.PathValue("id"), who, f.Errs)
	})
}

// handleMeldcodeUnname removes a named person; from then on the meldcode
// does not exist for them (app.UnnameForMeldcode).
func (s *Server) handleMeldcodeUnname(w http.ResponseWriter, r *http.Request) {
	s.meldcodePost(w, r, "people", func(*form) (app.MeldcodePage, error) {
		return s.app.UnnameForMeldcode(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("user"))
	})
}
