package app

import (
	"time"

	"casus"
)

// CareSection is the zorgdossier part of the student page.
type CareSection struct {
	Entries   []casus.CareEntry // the entries the actor may read, newest first
	CanWrite  bool
	Route     RouteSummary
	RouteEdit bool // the actor may change the step
	// OwnWords are the standing comments in the student's or parents' own
	// words, per entry id, shown beside the entries.
	OwnWords      map[string][]casus.OwnWord
	Rectification CareRectification
}

// CareRectification is the part of the care file about requests for
// rectification: shown to the coordinator only.
type CareRectification struct {
	Show     bool
	Requests []CareRectificationRow
}

// CareRectificationRow is a request with its term as it stands today.
type CareRectificationRow struct {
	Request  casus.RectificationRequest
	Overdue  bool
	DaysLeft int
}

// RouteSummary is where a student stands on the care route.
type RouteSummary struct {
	Sector  casus.Sector
	Current casus.RouteStep
	Last    *casus.RouteEvent // the decision that set it; nil when none was recorded
}

// careSection reads what the student page shows of the care file. The
// page's own access-log entry covers it: the page shows exactly what the
// actor's relations allow, so one read is one entry.
func (c *Student) careSection(today time.Time) (CareSection, error) {
	var cs CareSection
	if len(casus.ReadableVisibilities(c.u, c.rel)) == 0 {
		return cs, nil
	}
	all, err := c.tx.CareEntries(c.ctx, c.st.ID)
	if err != nil {
		return cs, err
	}
	for _, e := range all {
		if casus.CanReadEntry(c.u, c.rel, e.Current.Visibility) {
			cs.Entries = append(cs.Entries, e)
		}
	}
	cs.CanWrite = casus.CanWriteCareFile(c.u, c.rel).Allowed
	if cs.OwnWords, err = c.careOwnWords(); err != nil {
		return cs, err
	}
	if cs.Rectification, err = c.careRectification(today); err != nil {
		return cs, err
	}
	events, err := c.tx.RouteEvents(c.ctx, c.st.ID)
	if err != nil {
		return cs, err
	}
	route := casus.RouteFor(c.st.Sector)
	cs.Route = careRouteSummary(c.st.Sector, route, events)
	cs.RouteEdit = len(route.RouteChoices(c.u, c.rel, cs.Route.Current)) > 0
	return cs, nil
}

func careRouteSummary(sector casus.Sector, route casus.CareRoute, events []casus.RouteEvent) RouteSummary {
	rs := RouteSummary{Sector: sector, Current: route.CurrentStep(events)}
	if len(events) > 0 {
		rs.Last = &events[len(events)-1]
	}
	return rs
}

// careOwnWords returns the standing comments per entry for the student
// page's care file.
func (c *Student) careOwnWords() (map[string][]casus.OwnWord, error) {
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

// careRectification reads the student's requests for the student page,
// whose own access-log entry covers them.
func (c *Student) careRectification(today time.Time) (CareRectification, error) {
	var rs CareRectification
	if !casus.CanHandleRectification(c.u, c.rel).Allowed {
		return rs, nil
	}
	rs.Show = true
	reqs, err := c.tx.RectificationRequests(c.ctx, c.st.ID)
	if err != nil {
		return rs, err
	}
	for _, q := range reqs {
		rs.Requests = append(rs.Requests, CareRectificationRow{Request: q, Overdue: q.Overdue(today), DaysLeft: q.DaysLeft(today)})
	}
	return rs, nil
}
