package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

var (
	listRowRE    = regexp.MustCompile(`<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell"><a class="utrecht-link" href="/students/([0-9a-f-]+)">`)
	listCountRE  = regexp.MustCompile(`(?:Jouw leerlingen|Gevonden:) \(?(\d+)\)?`)
	listNextRE   = regexp.MustCompile(`rel="next" href="([^"]+)"`)
	listPrevRE   = regexp.MustCompile(`rel="prev" href="([^"]+)"`)
	listCursorRE = regexp.MustCompile(`name="(after|before)" value="([^"]+)"`)
)

// listPage is one page of the student list as a user sees it.
type listPage struct {
	ids        []string
	count      int
	next, prev string
	body       string
}

func readList(t *testing.T, res webtest.Response) listPage {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("student list: %d: %s", res.Status, res.Body)
	}
	p := listPage{body: res.Body}
	for _, m := range listRowRE.FindAllStringSubmatch(res.Body, -1) {
		p.ids = append(p.ids, m[1])
	}
	if m := listCountRE.FindStringSubmatch(res.Body); m != nil {
		p.count, _ = strconv.Atoi(m[1])
	}
	if m := listNextRE.FindStringSubmatch(res.Body); m != nil {
		p.next = html.UnescapeString(m[1])
	}
	if m := listPrevRE.FindStringSubmatch(res.Body); m != nil {
		p.prev = html.UnescapeString(m[1])
	}
	return p
}

// TestStudentList: the coordinator's list of the mbo school's students
// counts all of them, not the page; "Volgende" continues where the page
// ended and "Vorige" comes back; filters narrow the list and the count;
// the cursors carry only ids; a student outside need-to-know is never
// listed, on any page or filter.
func TestStudentList(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			school := `(SELECT school_id FROM users WHERE id = $1)`
			all := env.Count(`SELECT COUNT(*) FROM students WHERE school_id = `+school, env.UserID(demo.UserCoordinator))
			first := readList(t, coord.Get("/students"))
			var every []string
			t.Run("OK/CountsAllMatches", func(t *testing.T) {
				if all <= 50 {
					t.Fatalf("the demo school has %d students: no second page to test", all)
				}
				if first.count != all || len(first.ids) != 50 {
					t.Errorf("the first page counts %d and shows %d, want %d and a page of 50", first.count, len(first.ids), all)
				}
			})
			t.Run("OK/NextPageContinues", func(t *testing.T) {
				p := first
				every = append(every, p.ids...)
				var second listPage
				for pages := 1; p.next != ""; pages++ {
					if pages > 10 {
						t.Fatal("the list does not end")
					}
					if u, err := url.Parse(p.next); err != nil || len(u.Query()) != 1 || u.Query().Get("after") == "" {
						t.Errorf("the next page's link %q carries more than an id cursor", p.next)
					}
					p = readList(t, coord.Get(p.next))
					if pages == 1 {
						second = p
					}
					if p.count != all {
						t.Errorf("page %d counts %d, want %d", pages+1, p.count, all)
					}
					every = append(every, p.ids...)
				}
				sorted := slices.Clone(every)
				slices.Sort(sorted)
				if len(slices.Compact(sorted)) != all || len(every) != all {
					t.Errorf("the pages list %d students (%d different), want each of the %d once", len(every), len(slices.Compact(sorted)), all)
				}
				if second.prev == "" {
					t.Fatal("the second page has no link back")
				}
				if back := readList(t, coord.Get(second.prev)); !slices.Equal(back.ids, first.ids) || back.prev != "" {
					t.Errorf("Vorige from the second page is not the first page")
				}
			})
			t.Run("OK/SortedByNameBothWays", func(t *testing.T) {
				desc := readList(t, coord.Get("/students?sort=-name"))
				if len(every) != all || len(desc.ids) == 0 || desc.ids[0] != every[len(every)-1] {
					t.Errorf("Z–A does not start with the last student of A–Z")
				}
			})
			t.Run("OK/FilterNarrows", func(t *testing.T) {
				open := env.Count(`SELECT COUNT(DISTINCT c.student_id) FROM cases c JOIN students st ON st.id = c.student_id
					WHERE c.status = 'open' AND st.school_id = `+school, env.UserID(demo.UserCoordinator))
				got := readList(t, coord.Get("/students?case=open"))
				if got.count != open || len(got.ids) != min(open, 50) || open == 0 || open >= all {
					t.Errorf("with an open case: %d listed of %d counted, want %d", len(got.ids), got.count, open)
				}
				lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
				var zat string
				if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, demo.TeamMBOZAT).Scan(&zat); err != nil {
					t.Fatal(err)
				}
				atZAT := env.Count(`SELECT COUNT(DISTINCT student_id) FROM cases WHERE status = 'open' AND team_id = $1`, zat)
				z := readList(t, coord.Get("/students?team="+zat))
				if z.count != atZAT || !slices.Contains(z.ids, lotte) || !slices.Contains(z.ids, milan) || atZAT >= open {
					t.Errorf("open at the ZAT: %d counted, want %d with Lotte and Milan", z.count, atZAT)
				}
				none := readList(t, coord.Get("/students?case=none"))
				if none.count != all-open || slices.Contains(none.ids, lotte) {
					t.Errorf("without an open case: %d, want %d without Lotte", none.count, all-open)
				}
				if strings.Contains(z.body, "?team="+zat+"&amp;after=") && !strings.Contains(z.body, "Filters wissen") {
					t.Errorf("a filtered list offers no way back to all")
				}
			})
			t.Run("OK/SearchPagesInTheBody", func(t *testing.T) {
				res := coord.Post("/students", url.Values{"q": {"a"}})
				p := readList(t, res)
				if p.count <= 50 || len(p.ids) != 50 {
					t.Fatalf("a search for \"a\" finds %d: the demo must give it a second page", p.count)
				}
				m := listCursorRE.FindStringSubmatch(res.Body)
				if m == nil || m[1] != "after" {
					t.Fatal("a search's second page is not a form with a cursor")
				}
				next := readList(t, coord.Post("/students", url.Values{"q": {"a"}, "after": {m[2]}}))
				if next.count != p.count || len(next.ids) == 0 || slices.Contains(p.ids, next.ids[0]) {
					t.Errorf("the search's next page does not continue: %d counted, first %v", next.count, next.ids[:min(1, len(next.ids))])
				}
			})
			t.Run("Refused/OutsideNeedToKnow", func(t *testing.T) {
				mentor := env.NewClient()
				mentor.Login(demo.UserMentor)
				own := env.Count(`SELECT COUNT(*) FROM students WHERE mentor_id = $1`, env.UserID(demo.UserMentor))
				p := readList(t, mentor.Get("/students"))
				if p.count != own || len(p.ids) != own || slices.Contains(p.ids, env.StudentID(demo.CrisisNumber)) {
					t.Errorf("the mentor's list: %d counted, %d shown, want their %d students and never Milan", p.count, len(p.ids), own)
				}
				for _, path := range []string{"/students?case=open", "/students?overdue=1", "/students?sort=-name"} {
					if q := readList(t, mentor.Get(path)); slices.Contains(q.ids, env.StudentID(demo.CrisisNumber)) || q.count > own {
						t.Errorf("%s lists beyond the mentor's students", path)
					}
				}
				if slices.Contains(every, env.StudentID(demo.DaanNumber)) {
					t.Errorf("the coordinator's pages list Daan, of the primary school")
				}
				if res := coord.Get("/students?after=x'1"); res.Status != http.StatusNotFound {
					t.Errorf("a malformed cursor: %d, want 404", res.Status)
				}
			})
		})
	}
}
