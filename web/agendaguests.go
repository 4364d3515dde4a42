package web

// Limits of what the chair writes per agenda item, in characters.
const (
	itemQuestionMax = 1000
	guestNameMax    = 100
)
