package app

import (
	"casus"
)

// namedSight returns, of the partners among the case's team members, who
// sees the student by name now: the partners a change of consent can take
// that sight from.
func (c *Student) namedSight(cs casus.Case) (map[string]bool, error) {
	members, err := c.tx.TeamMembers(c.ctx, cs.TeamID)
	if err != nil {
		return nil, err
	}
	sight := map[string]bool{}
	for _, m := range members {
		if m.User.Disabled || !casus.IsPartner(m.User) {
			continue
		}
		g, err := partnerGrounds(c.ctx, c.tx, m.User, c.st.ID)
		if err != nil {
			return nil, err
		}
		sight[m.User.ID] = g.Basis != casus.BasisAnonymous
	}
	return sight, nil
}

// tellWhoLostSight tells the partners who saw the student by name before
// a change of consent (before, from namedSight) and do not now: consent
// withdrawn, limited or refused, or an exception ended. The message names
// the team only; the case is theirs to see anonymously from now on.
func (c *Student) tellWhoLostSight(cs casus.Case, before map[string]bool) error {
	after, err := c.namedSight(cs)
	if err != nil {
		return err
	}
	var lost []string
	for id, saw := range before {
		if saw && !after[id] {
			lost = append(lost, id)
		}
	}
	return notify(c.ctx, c.tx, c.u, casus.MsgConsentWithdrawn, cs.TeamName, "/teams/"+cs.TeamID, lost...)
}
