package app

import (
	"casus"
)

// Triage that talks: each step of a referral tells whoever must act or
// wait on it next, in the step's transaction (notify).

// referralLink is where a referral opens; a returned one opens on its form.
func referralLink(ref casus.Referral) string {
	if ref.State == casus.RefReturned {
		return "/referrals/" + ref.ID + "/edit"
	}
	return "/referrals/" + ref.ID
}

// announce tells who acts next on ref, now in its new state, of the step
// the actor took: a submitted referral its triager (the student's care
// contact who preselects a mentor's referral to the intern zorgteam, else
// the team's chairs); a returned one its referrer and the student's care
// contacts, who answer the question on the form; an accepted or redirected
// one its referrer, and, redirected back to the basic guidance (target),
// the student's mentor the advice.
func (r *inReferral) announce(ref casus.Referral, target string) error {
	ctx, tx, team := r.ctx, r.tx, ref.TeamName
	if team == "" {
		t, _, err := tx.Team(ctx, ref.TeamID)
		if err != nil {
			return err
		}
		team = t.Name
	}
	link := referralLink(ref)
	switch ref.State {
	case casus.RefSubmitted, casus.RefPreselected:
		var to []string
		var err error
		if ref.State == casus.RefSubmitted && ref.TeamKind == casus.TeamIntern {
			to, err = tx.CareContactsOf(ctx, ref.StudentID)
		} else {
			to, err = teamChairs(ctx, tx, ref.TeamID)
		}
		if err != nil {
			return err
		}
		return notify(ctx, tx, r.u, casus.MsgReferralSubmitted, team, link, to...)
	case casus.RefReturned:
		contacts, err := tx.CareContactsOf(ctx, ref.StudentID)
		if err != nil {
			return err
		}
		return notify(ctx, tx, r.u, casus.MsgReferralReturned, team, link, append([]string{ref.ReferrerID}, contacts...)...)
	case casus.RefAccepted:
		return notify(ctx, tx, r.u, casus.MsgReferralAccepted, team, link, ref.ReferrerID)
	case casus.RefRedirected:
		if err := notify(ctx, tx, r.u, casus.MsgReferralRedirected, team, link, ref.ReferrerID); err != nil {
			return err
		}
		if target != BasicGuidance {
			return nil
		}
		st, err := r.student()
		if err != nil {
			return err
		}
		return notify(ctx, tx, r.u, casus.MsgAdviceAdded, team, "/students/"+ref.StudentID+"#handelingsadvies", st.MentorID)
	}
	return nil
}

// question is the question of a returned referral: the step that returned
// it, with its note, who asked and when; the zero event when the referral
// is not returned.
func (r *inReferral) question() (casus.ReferralEvent, error) {
	if r.ref.State != casus.RefReturned {
		return casus.ReferralEvent{}, nil
	}
	events, err := r.tx.ReferralEvents(r.ctx, r.ref.ID)
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].To == casus.RefReturned {
			return events[i], err
		}
	}
	return casus.ReferralEvent{}, err
}

// announceEscalation tells of a case taken to the ZAT: the ZAT's chairs
// when the referral there is submitted at once, and the referrer of the
// intern referral that the case went on.
func (r *inReferral) announceEscalation(from, next casus.Referral) error {
	if next.State == casus.RefSubmitted {
		if err := r.announce(next, ""); err != nil {
			return err
		}
	}
	zat, _, err := r.tx.Team(r.ctx, next.TeamID)
	if err != nil {
		return err
	}
	return notify(r.ctx, r.tx, r.u, casus.MsgCaseEscalated, zat.Name, "/referrals/"+from.ID, from.ReferrerID)
}

// answer is what goes with a submission as its note: the answer to the
// question of a returned referral; nothing for a first submission.
func (r *inReferral) answer(in ReferralEdit) string {
	if r.ref.State != casus.RefReturned {
		return ""
	}
	return in.Answer
}
