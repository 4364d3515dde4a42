package app

import (
	"context"
	"time"

	"casus"
	"casus/storage"
)

// HomeLine is one thing waiting on the start page: what it is, the link to
// the thing itself, the student it is about (Anonymous for a partner
// without consent), its day and whether it is late or urgent.
type HomeLine struct {
	Kind      storage.WaitKind
	Href      string // "" when the user cannot open the thing (a privacy officer's rectification deadline)
	Student   string
	Anonymous bool
	At        time.Time
	Overdue   bool
	Urgent    bool
}

// HomeAccount is an account the beheerder should look at.
type HomeAccount struct {
	ID, Name string
}

// HomeTeam is a care team lacking minimum partners.
type HomeTeam struct {
	ID, Name string
	Missing  []casus.Requirement
}

// HomePage is the start page: what waits for the user, their coming
// meetings and unread messages; for the beheerder, accounts without
// two-factor authentication and teams missing a minimum partner.
type HomePage struct {
	Lines      []HomeLine
	Meetings   []storage.ComingMeeting
	Unread     int
	NoTOTP     []HomeAccount // the first homeAccounts of them
	NoTOTPMore int           // how many more there are
	Lacking    []HomeTeam
	Today      time.Time
}

// homeAdviceDays is how long advice counts as new for the mentor.
const homeAdviceDays = 14

// homeAccounts is how many accounts without two-factor authentication the
// beheerder's start page names; the rest are a link to the account list.
const homeAccounts = 8

// homeMeetings is how many coming meetings the start page shows.
const homeMeetings = 5

// Home reads the start page. The waiting things come in one statement
// (storage.Waiting) and each one shown is filtered through the policy and
// logged as a search hit ("start page"); a partner without consent sees the
// line without the student's name.
func (s *Service) Home(ctx context.Context, a Actor) (HomePage, error) {
	u := a.User
	today := s.today(a)
	page := HomePage{Today: today}
	err := s.list(ctx, a, casus.ActSearch, "start page", func(l *listing) error {
		tx := l.tx
		var err error
		if page.Unread, err = tx.UnreadMessageCount(ctx, u.ID); err != nil {
			return err
		}
		if casus.CanAdminister(u) {
			if err := s.homeAdmin(ctx, tx, &page); err != nil {
				return err
			}
		}
		if !u.SeesStudentData() {
			return nil
		}
		if page.Meetings, err = tx.ComingMeetings(ctx, u.ID, tx.Now(), homeMeetings); err != nil {
			return err
		}
		w := storage.WaitingFor{UserID: u.ID, Today: today, AdviceSince: today.AddDate(0, 0, -homeAdviceDays)}
		if casus.WatchesRequestTerms(u) {
			w.PrivacySchool = u.SchoolID
		}
		rows, err := tx.Waiting(ctx, w)
		if err != nil {
			return err
		}
		for _, x := range rows {
			line, acc := homeLine(u, x, today)
			kind, id := waitObject(x)
			shown, err := l.row(x.Student, acc, kind, id, true)
			if err != nil {
				return err
			}
			switch shown {
			case rowHidden:
				continue
			case rowAnonymous:
				line.Anonymous = true
			default:
				line.Student = x.Student.Name()
			}
			page.Lines = append(page.Lines, line)
		}
		return nil
	})
	return page, err
}

// homeLine makes the line of a waiting thing and the policy's decision on
// showing it to u.
func homeLine(u casus.User, x storage.Waiting, today time.Time) (HomeLine, casus.Access) {
	line := HomeLine{Kind: x.Kind, At: x.At, Urgent: x.Urgent}
	sid := x.Student.ID
	acc := casus.CanViewStudent(u, x.Relations)
	switch x.Kind {
	case storage.WaitTriage, storage.WaitReturned, storage.WaitDraft:
		line.Href = "/referrals/" + x.ObjectID
	case storage.WaitTeamOverdue, storage.WaitOwnAction:
		line.Href = "/students/" + sid + "#acties"
		line.Overdue = x.At.Before(today)
	case storage.WaitEvaluation, storage.WaitInvited:
		line.Href = "/meetings/" + x.OtherID + "/items/" + x.ObjectID
	case storage.WaitAftercare:
		line.Href = "/cases/" + x.ObjectID + "/aftercare"
	case storage.WaitAdvice:
		line.Href = "/students/" + sid + "#handelingsadvies"
	case storage.WaitAccessReq:
		acc = casus.CanReadAccessLog(u, x.Relations, x.Student.SchoolID)
		line.Href = "/students/" + sid + "/access-requests/" + x.ObjectID
		line.At = casus.AddMonth(x.At)
		line.Overdue = line.At.Before(today)
	case storage.WaitRectification:
		// The zorgcoördinator answers it; the privacy officer watches the term.
		acc = casus.CanReadAccessLog(u, x.Relations, x.Student.SchoolID)
		line.At = casus.AddMonth(x.At)
		line.Overdue = line.At.Before(today)
	}
	return line, acc
}

// waitObject is the object a waiting line is logged as.
func waitObject(x storage.Waiting) (kind, id string) {
	switch x.Kind {
	case storage.WaitTriage, storage.WaitReturned, storage.WaitDraft:
		return "referral", x.ObjectID
	case storage.WaitTeamOverdue, storage.WaitOwnAction:
		return "action", x.ObjectID
	case storage.WaitEvaluation, storage.WaitInvited:
		return "agenda_item", x.ObjectID
	case storage.WaitAftercare:
		return "case", x.ObjectID
	case storage.WaitAdvice:
		return "advice", x.ObjectID
	case storage.WaitAccessReq:
		return "access_request", x.ObjectID
	case storage.WaitRectification:
		return "rectification_request", x.ObjectID
	}
	return "student", x.Student.ID
}

// homeAdmin adds the beheerder's lines: accounts that see student data
// without two-factor authentication, and teams lacking a minimum partner.
func (s *Service) homeAdmin(ctx context.Context, tx *storage.Tx, page *HomePage) error {
	users, err := tx.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.SeesStudentData() && !u.TOTPEnabled && !u.Disabled {
			if len(page.NoTOTP) == homeAccounts {
				page.NoTOTPMore++
			} else {
				page.NoTOTP = append(page.NoTOTP, HomeAccount{ID: u.ID, Name: u.Name})
			}
		}
	}
	teams, err := tx.Teams(ctx)
	if err != nil {
		return err
	}
	for _, t := range teams { // a handful of teams per installation
		members, err := tx.TeamMembers(ctx, t.ID)
		if err != nil {
			return err
		}
		if missing := casus.MissingPartners(t.Kind, members); len(missing) > 0 {
			page.Lacking = append(page.Lacking, HomeTeam{ID: t.ID, Name: t.Name, Missing: missing})
		}
	}
	return nil
}
