package casus

import "time"

// Message is a notice to one user inside Casus: an i18n key with its
// arguments and a link into Casus. It carries no student's personal data —
// names and details stay behind the link, where access is checked and
// logged — so it can also go out by e-mail.
type Message struct {
	ID        string
	UserID    string
	Key       string
	Args      map[string]string
	Link      string
	CreatedAt time.Time
	// ReadAt is when the reader marked the message read; zero while it is
	// unread.
	ReadAt time.Time
}

// Account message keys: an account was made and its owner is invited to
// choose a password, a reset of the password was started (both links carry
// a one-time token and go by mail), and the password was changed.
const (
	MsgAccountInvited       = "message.account_invited"
	MsgPasswordResetStarted = "message.password_reset_started"
	MsgPasswordChanged      = "message.password_changed"
	// MsgAPITokenIssued: to the account an API token acts with, so its
	// owner knows an integration sees with their sight, and by whom.
	MsgAPITokenIssued = "message.api_token_issued"
)

// SecretLinkMessage reports whether a message's link is a secret: a
// one-time token only its recipient may see. Its link is blanked once the
// mail is out, and the outbox shows that mail to its recipient only.
func SecretLinkMessage(key string) bool {
	return key == MsgPasswordResetStarted || key == MsgAccountInvited
}

// Notification message keys: someone is told of a change in the care work
// that asks them to look or act. Each is written by the use case that makes
// the change, in its transaction. The text names the team at most, never
// the student: the link leads to the page, which decides access and logs
// the read.
const (
	// MsgReferralSubmitted: to whoever triages next (the team's chairs, or
	// the student's care contact who preselects a mentor's referral).
	MsgReferralSubmitted = "message.referral_submitted"
	// MsgReferralReturned: to the referrer and the student's care contact;
	// the question stands on the form they answer on.
	MsgReferralReturned = "message.referral_returned"
	// MsgReferralAccepted and MsgReferralRedirected: to the referrer.
	MsgReferralAccepted   = "message.referral_accepted"
	MsgReferralRedirected = "message.referral_redirected"
	// MsgActionAssigned: to the owner of a new action.
	MsgActionAssigned = "message.action_assigned"
	// MsgAdviceAdded: to the student's mentor.
	MsgAdviceAdded = "message.advice_added"
	// MsgCrisisRecorded: to the members of the team whose next meeting
	// discusses it.
	MsgCrisisRecorded = "message.crisis_recorded"
	// MsgCaseEscalated: to the referrer of an intern referral whose case
	// was taken to the ZAT.
	MsgCaseEscalated = "message.case_escalated"
	// MsgConsentWithdrawn: to the partners who saw the student by name and,
	// after a change of consent, no longer do.
	MsgConsentWithdrawn = "message.consent_withdrawn"
)

// Notification reports whether key is a notification's: its e-mail says
// only that something waits in Casus and links to the messages page.
func Notification(key string) bool {
	switch key {
	case MsgReferralSubmitted, MsgReferralReturned, MsgReferralAccepted, MsgReferralRedirected,
		MsgActionAssigned, MsgAdviceAdded, MsgCrisisRecorded, MsgConsentWithdrawn, MsgCaseEscalated, "message.agenda_late":
		return true
	}
	return false
}

// Unread reports whether the reader has not marked the message read.
func (m Message) Unread() bool { return m.ReadAt.IsZero() }
