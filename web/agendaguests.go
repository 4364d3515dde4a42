package web

import "casus"

// Limits of what the chair writes per agenda item, in characters.
const (
	itemQuestionMax = 1000
	guestNameMax    = 100
)

// anonymousItem blanks what could tell who the student of an anonymous
// agenda item is: the question in the school's words and the guests'
// names. The kinds of guests stay: the partner knows who joins the talk.
func anonymousItem(row *agendaRow) {
	row.Question, row.Summary = "", ""
	guests := make([]casus.AgendaGuest, len(row.Guests))
	for i, g := range row.Guests {
		guests[i] = casus.AgendaGuest{ID: g.ID, ItemID: g.ItemID, Kind: g.Kind}
	}
	row.Guests = guests
}
