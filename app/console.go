package app

import (
	"context"
	"strings"

	"casus"
	"casus/auth"
	"casus/storage"
)

// Console is an operator at the server's command line (cmd/casus): no
// account and no session, so what it does is recorded as a security event
// naming the command, where the privacy officer sees it.
type Console struct {
	Command string // as typed, without its arguments: "casus user add"
}

func (c Console) event(kind casus.SecurityEventKind, target casus.User, detail string) *casus.SecurityEvent {
	return &casus.SecurityEvent{Kind: kind, ActorName: "command line (" + c.Command + ")", TargetID: target.ID,
		TargetName: target.Name, Detail: detail, ClientAddr: "local", UserAgent: "command line"}
}

// AddAccount creates an account with a first password, from the command
// line: how an installation gets its first beheerder. The password must meet
// the same rules as on the web; an e-mail address or username already taken
// is a conflict.
func (s *Service) AddAccount(ctx context.Context, c Console, u casus.User, password string) (casus.User, error) {
	if e := auth.ValidateNewPassword("password", password); e != nil {
		return u, e
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return u, err
	}
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.CreateUser(ctx, &u, hash); err != nil {
			return err
		}
		return tx.LogSecurityEvent(ctx, c.event(casus.SecAccountCreated, u, "roles: "+roleList(u.Roles)))
	})
	return u, err
}

// SetPassword sets an account's password from the command line, and with
// reset2FA removes its two-factor setup: the way back in for a beheerder
// who lost both. The account's sessions end (the password's epoch moves)
// and its owner is told, in Casus and by mail.
func (s *Service) SetPassword(ctx context.Context, c Console, login, password string, reset2FA bool) (casus.User, error) {
	if e := auth.ValidateNewPassword("password", password); e != nil {
		return casus.User{}, e
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return casus.User{}, err
	}
	var u casus.User
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		if u, _, err = tx.UserForLogin(ctx, login); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.LogSecurityEvent(ctx, c.event(casus.SecPasswordChanged, u, "")); err != nil {
			return err
		}
		if reset2FA && u.TOTPEnabled {
			if err := tx.SetTOTP(ctx, u.ID, "", false); err != nil {
				return err
			}
			if err := tx.LogSecurityEvent(ctx, c.event(casus.Sec2FARemoved, u, "")); err != nil {
				return err
			}
		}
		return tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgPasswordChanged, Args: map[string]string{}})
	})
	return u, err
}

func roleList(roles []casus.Role) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return strings.Join(out, ", ")
}
