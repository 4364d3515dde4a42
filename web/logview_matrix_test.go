package web_test

import (
	"net/http"
	"net/url"

	"casus/demo"
)

// logViewMatrix: the access-log views and the export are for the
// zorgcoördinator of a team serving the student's school and the privacy
// officer of that school; everyone else gets 403 (the overview and per-user
// views, which name no student) or not found (a student's log and export),
// and each denial of a student is logged.
func logViewMatrix() map[string][]cell {
	readers := func(path string, form url.Values, want int) []cell {
		anonWant := anonFor(form)
		return byUser(path, form, forbid, map[string]int{anon: anonWant, demo.UserCoordinator: want, demo.UserPrivacy: want})
	}
	student := func(path string, form url.Values, want int) []cell {
		c := func(user, rel, who string, status int) cell {
			x := cell{user: user, relation: rel, path: "/students/{" + who + "}" + path, form: form, want: status}
			if status == notFound && user != anon {
				x.denied = who
			}
			return x
		}
		anonWant := anonFor(form)
		return []cell{
			{user: anon, relation: "none", path: "/students/{lotte}" + path, form: form, want: anonWant},
			c(demo.UserCoordinator, "coordinator", "lotte", want),
			c(demo.UserCoordinator, "none (other school)", "daan", notFound),
			c(demo.UserPrivacy, "privacy_officer", "lotte", want),
			c(demo.UserPrivacy, "privacy_officer", "milan", want),
			c(demo.UserPrivacy, "none (other school)", "daan", notFound),
			c(demo.UserCareContact, "care_contact (no log)", "lotte", notFound),
			c(demo.UserMentor, "mentor (no log)", "lotte", notFound),
			c(demo.UserGGD, "team_member (no log)", "lotte", notFound),
			c(demo.UserPolice, "invited (no log)", "milan", notFound),
			c(demo.UserIB, "care_contact, chairs the po zorgteam (no log)", "daan", notFound),
			c(demo.UserManagement, "none (management)", "lotte", notFound),
			c(demo.UserAdmin, "none (beheerder)", "lotte", notFound),
			c(demo.UserCoordinator, "none (no such student)", "unknown", notFound),
		}
	}
	withhold := url.Values{"record": {""}, "reason": {""}}
	return map[string][]cell{
		"GET /log":                   readers("/log", nil, ok),
		"GET /log/anomalies.csv":     readers("/log/anomalies.csv", nil, ok),
		"POST /log/find":             readers("/log/find", url.Values{"number": {""}}, bad),
		"GET /users/{id}/log":        append(readers("/users/{user}/log", nil, ok), cell{user: demo.UserPrivacy, relation: "no such user", path: "/users/{unknown}/log", want: notFound}),
		"GET /users/{id}/log.csv":    readers("/users/{user}/log.csv", nil, ok),
		"GET /students/{id}/log":     student("/log", nil, ok),
		"GET /students/{id}/log.csv": student("/log.csv", nil, ok),
		"GET /students/{id}/export":  student("/export", nil, ok),
		// Without a request there is no export: 409 with what to do.
		"GET /students/{id}/export.pdf":       student("/export.pdf", nil, http.StatusConflict),
		"GET /students/{id}/export.json":      student("/export.json", nil, http.StatusConflict),
		"POST /students/{id}/export/withhold": student("/export/withhold", withhold, bad),
	}
}
