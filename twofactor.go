package casus

// Requires2FA decides whether u must use two-factor authentication: every
// account that can see student data, and every account when the beheerder
// asks it of all (requireAll). Demo accounts are exempt in demo mode only.
func Requires2FA(u User, demoMode, requireAll bool) bool {
	if demoMode && u.Demo {
		return false
	}
	return u.SeesStudentData() || requireAll
}
