package casus

import "slices"

// DiscussionTextFields are the free-text fields of a discussion record in
// form order, by their json names.
var DiscussionTextFields = []string{"guests", "question", "partner_input", "hindering", "protective", "balance", "problem_owner",
	"needs_education", "needs_parenting", "needs_support", "contact_person", "feedback_by", "inform_referrer", "vir_by",
	"vir_reason", "evaluation"}

// TextField is the free-text field of r with json name name, or nil when
// name is not one (see DiscussionTextFields).
func (r *DiscussionRecord) TextField(name string) *string {
	switch name {
	case "guests":
		return &r.Guests
	case "question":
		return &r.Question
	case "partner_input":
		return &r.PartnerInput
	case "hindering":
		return &r.Hindering
	case "protective":
		return &r.Protective
	case "balance":
		return &r.Balance
	case "problem_owner":
		return &r.ProblemOwner
	case "needs_education":
		return &r.NeedsEducation
	case "needs_parenting":
		return &r.NeedsParenting
	case "needs_support":
		return &r.NeedsSupport
	case "contact_person":
		return &r.ContactPerson
	case "feedback_by":
		return &r.FeedbackBy
	case "inform_referrer":
		return &r.InformReferrer
	case "vir_by":
		return &r.VIRBy
	case "vir_reason":
		return &r.VIRReason
	case "evaluation":
		return &r.Evaluation
	}
	return nil
}

// ReceivesMinutesItem decides whether u receives one item of a meeting's
// minutes: the chair and the minute taker, who record them, every item;
// any other member the items they were at (attendees) or invited for
// (invited). Whether u may then read the student's record is
// CanReadDiscussion's.
func ReceivesMinutesItem(u User, members []TeamMember, attendees, invited []string) bool {
	return CanWriteDiscussion(u, members) || slices.Contains(attendees, u.ID) || slices.Contains(invited, u.ID)
}
