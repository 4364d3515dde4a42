package web_test

import (
	"net/url"
	"testing"

	"casus/demo"
	"casus/web/webtest"
)

// The demo referrals the access matrix uses (demo/referral.go):
//
//   - {ref:lotte}: Lotte → mbo intern zorgteam, accepted; referrer mentor,
//     inbrenger taakdocent; ggd is a fixed member of the team.
//   - {ref:milan}: Milan → mbo ZAT, submitted by taakdocent.techniek, waits
//     for the chair (coordinator).
//   - {ref:draft}: the mentor's draft → intern zorgteam, for a student of
//     the taakdocent's programme.
//   - {ref:pre}: preselected by the taakdocent → intern zorgteam; the
//     mentor brings it in.
func referralMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	id := func(number string) string {
		var rid string
		if err := env.SQL().QueryRow(`SELECT CAST(r.id AS TEXT) FROM referrals r JOIN students s ON s.id = r.student_id
			WHERE s.student_number = $1 ORDER BY r.created_at LIMIT 1`, number).Scan(&rid); err != nil {
			t.Fatalf("demo referral of %s: %v", number, err)
		}
		return rid
	}
	return map[string]string{
		"{ref:lotte}": id(demo.LotteNumber), "{ref:milan}": id(demo.CrisisNumber),
		"{ref:draft}": id(demo.ReferralDraftNumber), "{ref:pre}": id(demo.ReferralPreselectedNumber),
		"{s:draft}": env.StudentID(demo.ReferralDraftNumber), "{s:pre}": env.StudentID(demo.ReferralPreselectedNumber),
	}
}

// rcell is one referral cell; a refusal (404, or 403 for a user who may read
// the referral but not do this) must be in the access log as a denial of
// the referral's student.
func rcell(user, rel, path string, form url.Values, want int, student string) cell {
	c := cell{user: user, relation: rel, path: path, form: form, want: want}
	if (want == notFound || want == forbid) && user != anon {
		c.denied = student
	}
	return c
}

// referralMatrix is the access matrix of the referral routes. POSTs carry
// forms that are refused as bad input for the users who may use them, so no
// cell changes what the next one sees.
func referralMatrix() map[string][]cell {
	users := []string{demo.UserAdmin, demo.UserCoordinator, demo.UserCareContact, demo.UserMentor,
		demo.UserGGD, demo.UserPolice, demo.UserManagement, demo.UserIB}
	// expand gives every logged-in user the status in want, or def.
	expand := func(path string, form url.Values, student string, def int, want map[string]int) []cell {
		anonWant := anonFor(form)
		cs := []cell{{user: anon, relation: "none", path: path, form: form, want: anonWant}}
		for _, u := range users {
			w, ok := want[u]
			if !ok {
				w = def
			}
			cs = append(cs, rcell(u, "see test", path, form, w, student))
		}
		return cs
	}
	join := func(parts ...[]cell) []cell {
		var out []cell
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	co, tc, me, gg := demo.UserCoordinator, demo.UserCareContact, demo.UserMentor, demo.UserGGD

	newForm := func(student string, want map[string]int) []cell {
		return expand("/students/{"+student+"}/referrals/new", nil, student, notFound, want)
	}
	create := url.Values{"team": {"not-a-team"}}
	createCells := func(student string, want map[string]int) []cell {
		return expand("/students/{"+student+"}/referrals", create, student, notFound, want)
	}
	read := func(ref, student string, want map[string]int) []cell {
		return expand("/referrals/{ref:"+ref+"}", nil, student, notFound, want)
	}
	edit := func(ref, student string, want map[string]int) []cell {
		return expand("/referrals/{ref:"+ref+"}/edit", nil, student, notFound, want)
	}
	save := url.Values{"action": {"save"}, "version": {"not-a-number"}}
	saveCells := func(ref, student string, want map[string]int) []cell {
		return expand("/referrals/{ref:"+ref+"}", save, student, notFound, want)
	}
	decide := url.Values{"decision": {"maybe"}}
	decideCells := func(ref, student string, want map[string]int) []cell {
		return expand("/referrals/{ref:"+ref+"}/decision", decide, student, notFound, want)
	}
	anonGet := func(path string) []cell { return []cell{{user: anon, relation: "none", path: path, want: redirect}} }
	anonPost := func(path string, form url.Values) []cell {
		return []cell{{user: anon, relation: "none", path: path, form: form, want: unauth}}
	}
	noStudents := map[string]int{anon: redirect, demo.UserAdmin: forbid, demo.UserManagement: forbid}
	return map[string][]cell{
		"GET /students/{id}/referrals/new": join(
			newForm("lotte", map[string]int{co: ok, tc: ok, me: ok}),
			newForm("milan", map[string]int{co: ok}),
			newForm("daan", map[string]int{demo.UserIB: ok}),
			[]cell{rcell(co, "none (no such student)", "/students/{unknown}/referrals/new", nil, notFound, "unknown")},
		),
		"POST /students/{id}/referrals": join(
			createCells("lotte", map[string]int{co: bad, tc: bad, me: bad}),
			createCells("daan", map[string]int{demo.UserIB: bad}),
		),
		"GET /referrals": byUser("/referrals", nil, ok, noStudents),
		"GET /referrals/{id}": join(
			// Accepted: referrer (mentor), inbrenger (taakdocent), chair, fixed member (ggd).
			read("lotte", "lotte", map[string]int{co: ok, tc: ok, me: ok, gg: ok}),
			// Submitted to the ZAT: the chair only; the police, invited for
			// Milan's case, does not see his referral.
			read("milan", "milan", map[string]int{co: ok}),
			// A draft: the mentor who wrote it and the care contact; not the chair.
			anonGet("/referrals/{ref:draft}"),
			[]cell{
				rcell(me, "referrer", "/referrals/{ref:draft}", nil, ok, ""),
				rcell(tc, "care_contact", "/referrals/{ref:draft}", nil, ok, ""),
				rcell(co, "none (draft)", "/referrals/{ref:draft}", nil, notFound, "s:draft"),
				rcell(gg, "none", "/referrals/{ref:draft}", nil, notFound, "s:draft"),
				rcell(co, "none (no such referral)", "/referrals/{unknown}", nil, notFound, "unknown"),
				rcell(co, "none (malformed id)", "/referrals/not-an-id", nil, notFound, "unknown"),
			},
		),
		"GET /referrals/{id}/edit": join(
			edit("lotte", "lotte", map[string]int{co: forbid, tc: forbid, me: forbid, gg: forbid}),
			[]cell{
				rcell(me, "referrer", "/referrals/{ref:draft}/edit", nil, ok, ""),
				rcell(tc, "care_contact", "/referrals/{ref:draft}/edit", nil, ok, ""),
				rcell(co, "none (draft)", "/referrals/{ref:draft}/edit", nil, notFound, "s:draft"),
				rcell(demo.UserPolice, "none", "/referrals/{ref:draft}/edit", nil, notFound, "s:draft"),
			},
		),
		"POST /referrals/{id}": join(
			saveCells("lotte", "lotte", map[string]int{co: forbid, tc: forbid, me: forbid, gg: forbid}),
			[]cell{
				rcell(me, "referrer", "/referrals/{ref:draft}", save, bad, ""),
				rcell(tc, "care_contact", "/referrals/{ref:draft}", save, bad, ""),
				rcell(co, "none (draft)", "/referrals/{ref:draft}", save, notFound, "s:draft"),
				rcell(demo.UserIB, "none", "/referrals/{ref:draft}", save, notFound, "s:draft"),
			},
		),
		"POST /referrals/{id}/decision": join(
			// Preselected for the intern zorgteam: only its chair decides;
			// the taakdocent (care contact) and mentor (inbrenger) read it.
			anonPost("/referrals/{ref:pre}/decision", decide),
			[]cell{
				rcell(co, "chair", "/referrals/{ref:pre}/decision", decide, bad, ""),
				rcell(tc, "care_contact (already preselected)", "/referrals/{ref:pre}/decision", decide, forbid, "s:pre"),
				rcell(me, "inbrenger", "/referrals/{ref:pre}/decision", decide, forbid, "s:pre"),
				rcell(gg, "none (not accepted)", "/referrals/{ref:pre}/decision", decide, notFound, "s:pre"),
				rcell(demo.UserManagement, "none (management)", "/referrals/{ref:pre}/decision", decide, notFound, "s:pre"),
			},
			decideCells("milan", "milan", map[string]int{co: bad}),
			decideCells("lotte", "lotte", map[string]int{co: forbid, tc: forbid, me: forbid, gg: forbid}),
		),
		"GET /admin/referral-form":  admin("/admin/referral-form", nil, ok),
		"POST /admin/referral-form": admin("/admin/referral-form", url.Values{"required_zat": {"nonsense"}}, bad),
	}
}
