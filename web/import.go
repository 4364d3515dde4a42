package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"

	"casus"
	"casus/app"
	"casus/importer"
)

// importPage is the beheerder's import of the student system's export
// (/admin/import): the form, and after a dry run or an import its report.
type importPage struct {
	Presets []string
	MaxMB   int
	Report  *importReport
}

// importReport is an import's report in words.
type importReport struct {
	app.ImportReport
	Changed  []importChanged
	Problems []importProblem
	// Hash is the SHA-256 of the file of a dry run: confirming the import
	// takes the same file again, which must have it.
	Hash      string
	Confirm   bool // the dry run may be confirmed
	Delimiter string
	Limit     int
	// MoreNew, MoreChanged and MoreLeft count the rows of each list beyond
	// Limit, which the page leaves out (a school year's new groups can
	// change every student).
	MoreNew, MoreChanged, MoreLeft int
}

type importChanged struct {
	Number string
	Lines  []string
}

type importProblem struct{ Where, What string }

// importListLimit is how many rows of each list the page shows.
const importListLimit = 100

// handleAdminImport shows the form to upload an export.
func (s *Server) handleAdminImport(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "import.title", importPage{Presets: importer.Presets, MaxMB: importer.MaxFileSize >> 20})
	v.Form = &form{Values: url.Values{}}
	s.render(w, r, http.StatusOK, "import", v)
}

// handleAdminImportPost runs a dry run of the uploaded export, or, with
// the dry run's hash in "confirm" and the same file, the import itself
// (app.ImportStudents). The file is never kept between the two steps.
func (s *Server) handleAdminImportPost(w http.ResponseWriter, r *http.Request) {
	f, _, content, err := readUploadMax(w, r, importer.MaxFileSize)
	page := importPage{Presets: importer.Presets, MaxMB: importer.MaxFileSize >> 20}
	status := http.StatusBadRequest
	var verrs casus.ValidationErrors
	switch {
	case errors.As(err, &verrs):
		f.Errs, status = verrs, http.StatusRequestEntityTooLarge
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	in := app.ImportInput{BRIN: f.text("school", textRule{required: true, max: 12}), File: content,
		Preset: f.choice("preset", false, importer.Presets...), AcceptValid: f.choice("accept_valid", false, "on") == "on"}
	confirm := f.text("confirm", textRule{max: 64})
	in.DryRun = confirm == ""
	if confirm != "" && confirm != hash {
		f.fail("file", "import.confirm_mismatch", nil)
	}
	if len(content) == 0 && f.Errs == nil {
		f.fail("file", "import.file_required", nil)
	}
	if f.Errs == nil {
		rep, err := s.app.ImportStudents(r.Context(), s.actor(r), in)
		var ce *casus.Error
		if errors.As(err, &ce) && ce.Field == "school" {
			f.Errs = append(f.Errs, ce)
		} else if err != nil {
			s.renderError(w, r, err)
			return
		}
		if err == nil {
			page.Report = importReportOf(state(r).l.T, rep, hash, in)
			status = http.StatusOK
			if rep.Read.Fatal || rep.Problems() && !in.AcceptValid {
				status = http.StatusBadRequest
			}
		}
	}
	v := s.newView(r, "import.title", page)
	v.Form = f
	s.render(w, r, status, "import", v)
}

// importReportOf puts the report in words.
func importReportOf(t importer.Translate, rep app.ImportReport, hash string, in app.ImportInput) *importReport {
	ir := &importReport{ImportReport: rep, Hash: hash, Delimiter: string(rep.Read.Delimiter), Limit: importListLimit,
		Confirm: in.DryRun && !rep.Read.Fatal && (!rep.Problems() || in.AcceptValid), MoreNew: max(0, len(rep.Plan.New)-importListLimit),
		MoreChanged: max(0, len(rep.Plan.Changed)-importListLimit), MoreLeft: max(0, len(rep.Plan.Left)-importListLimit)}
	for _, c := range rep.Plan.Changed[:min(len(rep.Plan.Changed), importListLimit)] {
		ic := importChanged{Number: c.Stored.StudentNumber}
		for _, ch := range c.Changes {
			ic.Lines = append(ic.Lines, importer.ChangeText(t, ch))
		}
		ir.Changed = append(ir.Changed, ic)
	}
	for _, p := range rep.Read.Problems {
		ir.Problems = append(ir.Problems, importProblem{Where: importer.ProblemWhere(t, p), What: t(p.Key, p.Args)})
	}
	return ir
}
