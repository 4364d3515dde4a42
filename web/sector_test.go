package web_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// sectorWords are the trade words of one sector that have no place on the
// pages of a student of another: a primary-school teacher is no mentor, a
// 9-year-old has no studentnummer and no stage.
var sectorWords = map[string]*regexp.Regexp{
	// Seen on a primary-school pupil's pages, these are mbo words.
	"po": regexp.MustCompile(`(?i)\b(studentnummer|deelnemers?|mentors?|stages?|opleiding|loopbaanbegeleiders?|taakdocent(en)?( zorg)?|studenten|student)\b`),
	// Seen on an mbo student's pages, these are primary-school words.
	"mbo": regexp.MustCompile(`(?i)\b(leerlingnummer|leerkracht(en)?|intern begeleider|IB'ers?|basisschool|groep \d)\b`),
}

// TestSectorWords: every page of a student's file, opened by the people who
// work with them, speaks that student's sector: the IB'er and the teacher
// of Daan (9, groep 5) read leerling, leerkracht and groep, never mentor,
// studentnummer or stage; the coordinator and the mentor of Lotte (17,
// mbo) read the mbo words, never leerkracht or groep. The test follows
// every link of the student page that stays with that student.
func TestSectorWords(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			for _, tc := range []struct {
				sector, user, number string
			}{
				{"po", demo.UserIB, demo.DaanNumber},
				{"po", "leerkracht.groep5", demo.DaanNumber},
				{"po", demo.UserIB, demo.RefusalNumber},
				{"mbo", demo.UserCoordinator, demo.LotteNumber},
				{"mbo", demo.UserMentor, demo.LotteNumber},
				{"mbo", demo.UserCareContact, demo.LotteNumber},
			} {
				c := env.NewClient()
				c.Login(tc.user)
				id := env.StudentID(tc.number)
				pages := append(studentPages(t, c, id), meetingPages(t, c)...)
				if len(pages) < 4 {
					t.Errorf("as %s: only %d pages found from the student page and the meetings", tc.user, len(pages))
				}
				t.Logf("%s student, as %s: %d pages", tc.sector, tc.user, len(pages))
				for _, page := range pages {
					res := c.Get(page)
					if res.Status != http.StatusOK {
						continue
					}
					text := pageText(mainPart(res.Body))
					if found := sectorWords[tc.sector].FindAllString(text, -1); len(found) > 0 {
						slices.Sort(found)
						t.Errorf("%s (%s student, as %s) says %q", page, tc.sector, tc.user, slices.Compact(found))
					}
				}
			}
		})
	}
}

var (
	hrefRE    = regexp.MustCompile(`href="(/(?:students|cases|referrals)/[^"?#]+)`)
	meetingRE = regexp.MustCompile(`href="(/meetings/[^"?#]+)`)
)

// meetingPages are the pages of the meetings of the user's teams (the
// agendas and their items): a chair in primary education chairs only
// primary teams.
func meetingPages(t *testing.T, c *webtest.Client) []string {
	t.Helper()
	var pages []string
	for _, m := range meetingRE.FindAllStringSubmatch(c.Get("/meetings").Body, -1) {
		p := html.UnescapeString(m[1])
		if slices.Contains(pages, p) || strings.HasSuffix(p, ".pdf") {
			continue
		}
		pages = append(pages, p)
		for _, m := range meetingRE.FindAllStringSubmatch(c.Get(p).Body, -1) {
			if q := html.UnescapeString(m[1]); !slices.Contains(pages, q) && !strings.HasSuffix(q, ".pdf") {
				pages = append(pages, q)
			}
		}
	}
	return pages
}

// studentPages are the student page and the pages its links lead to that
// are about the same student (a case, a referral, the care file).
func studentPages(t *testing.T, c *webtest.Client, id string) []string {
	t.Helper()
	start := "/students/" + id
	pages := []string{start}
	for _, m := range hrefRE.FindAllStringSubmatch(c.Get(start).Body, -1) {
		p := html.UnescapeString(m[1])
		if strings.HasSuffix(p, ".pdf") || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".csv") || slices.Contains(pages, p) {
			continue
		}
		if strings.HasPrefix(p, "/students/") && !strings.HasPrefix(p, start) {
			continue
		}
		pages = append(pages, p)
	}
	return pages
}

// mainPart is the main part of a page: what is about the page's subject,
// not the menu.
func mainPart(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}
