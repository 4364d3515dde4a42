package web

import (
	"net/http"
)

// Access is the rule that guards a route, checked before its handler runs.
type Access string

// Access rules.
const (
	// Public routes serve anyone: health, assets, the login form.
	Public Access = "public"
	// PendingTOTP routes serve a user who gave the right password and still
	// owes the second factor.
	PendingTOTP Access = "pending_totp"
	// Enrolling routes serve a logged-in user even before they have set up
	// the two-factor authentication their roles require.
	Enrolling Access = "enrolling"
	// Staff routes serve any fully logged-in user and show no student data.
	Staff Access = "staff"
	// Admin routes serve the beheerder.
	Admin Access = "admin"
	// StudentData routes serve logged-in users; the handler asks the policy
	// about the student and writes the access log, granted or denied.
	StudentData Access = "student_data"
)

// Route is one registered route.
type Route struct {
	Pattern string // ServeMux pattern with method, e.g. "GET /students/{id}"
	Access  Access
	handler http.HandlerFunc
}

func (s *Server) routeTable() []Route {
	rs := []Route{
		{"GET /healthz", Public, s.handleHealth},
		{"GET /static/{file...}", Public, s.handleStatic},
		{"GET /login", Public, s.handleLoginForm},
		{"POST /login", Public, s.handleLogin},
		{"POST /lang", Public, s.handleLanguage},
		{"GET /login/2fa", PendingTOTP, s.handleTOTPForm},
		{"POST /login/2fa", PendingTOTP, s.handleTOTP},
		{"GET /account/2fa", Enrolling, s.handleEnrollForm},
		{"POST /account/2fa", Enrolling, s.handleEnroll},
		{"GET /password-reset/{token}", Public, s.handlePasswordResetForm},
		{"POST /password-reset/{token}", Public, s.handlePasswordReset},
		{"GET /account", Staff, s.handleAccount},
		{"POST /account/password", Staff, s.handlePasswordChange},
		{"POST /logout", Enrolling, s.handleLogout},
		{"POST /logout/everywhere", Enrolling, s.handleLogoutEverywhere},
		{"POST /session/keepalive", Enrolling, s.handleKeepAlive},
		{"GET /{$}", Staff, s.handleHome},
		{"GET /teams", Staff, s.handleTeams},
		{"GET /messages", Staff, s.handleMessages},
		{"POST /messages/read", Staff, s.handleMessagesRead},
		{"POST /messages/{id}/read", Staff, s.handleMessageRead},
		{"GET /notifications", Staff, s.handleNotifications},
		{"GET /tasks", StudentData, s.handleTasks},
		{"POST /actions/{id}", StudentData, s.handleActionUpdate},
		{"GET /teams/{id}", Staff, s.handleTeam},
		{"GET /teams/{id}/cases", StudentData, s.handleCaseload},
		{"POST /teams/{id}/rhythm", Staff, s.handleRhythm},
		{"GET /teams/{id}/members", Staff, s.handleTeamMembers},
		{"GET /teams/{id}/signals/new", StudentData, s.handleSignalForm},
		{"POST /teams/{id}/signals", StudentData, s.handleSignal},
		{"GET /signals", Staff, s.handleSignals},
		{"POST /signals/{id}/response", Staff, s.handleSignalResponse},
		{"POST /signals/{id}/close", Staff, s.handleSignalClose},
		{"POST /teams/{id}/members", Staff, s.handleTeamMemberSet},
		{"POST /teams/{id}/members/{user}/remove", Staff, s.handleTeamMemberRemove},
		{"GET /meetings/{id}", Staff, s.handleAgenda},
		{"POST /meetings/{id}/items/{item}", Staff, s.handleAgendaItem},
		{"GET /meetings/{id}/items/{item}", StudentData, s.handleDiscussion},
		{"GET /meetings/{id}/minutes", Staff, s.handleMinutes},
		{"GET /meetings/{id}/minutes.pdf", Staff, s.handleMinutesPDF},
		{"POST /meetings/{id}/minutes", Staff, s.handleMinutesFinal},
		{"POST /meetings/{id}/attendance", Staff, s.handleAttendance},
		{"POST /meetings/{id}/items/{item}/discussion", StudentData, s.handleDiscussionSave},
		{"POST /meetings/{id}/items/{item}/actions", StudentData, s.handleDiscussionAction},
		{"POST /teams/{id}/meetings/{meeting}/cancel", Staff, s.handleMeetingCancel},
		{"POST /teams/{id}/meetings/{meeting}/move", Staff, s.handleMeetingMove},
		{"GET /students", StudentData, s.handleStudents},
		{"POST /students", StudentData, s.handleStudents},
		{"GET /students/{id}", StudentData, s.handleStudent},
		{"GET /students/{id}/crisis", StudentData, s.handleCrisisForm},
		{"POST /students/{id}/crisis", StudentData, s.handleCrisis},
		{"POST /students/{id}/actions", StudentData, s.handleActionCreate},
		{"POST /students/{id}/advice", StudentData, s.handleAdviceCreate},
		{"GET /cases/{id}/consent", StudentData, s.handleConsent},
		{"POST /cases/{id}/consent", StudentData, s.handleConsentRecord},
		{"GET /cases/{id}/consent/form", StudentData, s.handleConsentForm},
		{"GET /cases/{id}/consent/form.pdf", StudentData, s.handleConsentFormPDF},
		{"POST /cases/{id}/consent/{consent}/withdraw", StudentData, s.handleConsentWithdraw},
		{"POST /cases/{id}/consent/exception", StudentData, s.handleConsentException},
		{"POST /cases/{id}/consent/exception/{exception}/end", StudentData, s.handleConsentExceptionEnd},
		{"POST /cases/{id}/informed", StudentData, s.handleInformed},
		{"POST /cases/{id}/close", StudentData, s.handleCaseClose},
		{"POST /cases/{id}/reopen", StudentData, s.handleCaseReopen},
		{"POST /cases/{id}/agenda", StudentData, s.handleCaseAgenda},
		{"GET /cases/{id}/aftercare", StudentData, s.handleAftercare},
		{"POST /cases/{id}/aftercare", StudentData, s.handleAftercareAnswer},
		{"GET /students/{id}/care/new", StudentData, s.handleCareNew},
		{"POST /students/{id}/care", StudentData, s.handleCareCreate},
		{"GET /students/{id}/care/{entry}", StudentData, s.handleCareEntry},
		{"GET /students/{id}/care/{entry}/correct", StudentData, s.handleCareCorrectForm},
		{"POST /students/{id}/care/{entry}/correct", StudentData, s.handleCareCorrect},
		{"GET /students/{id}/care/{entry}/own-word", StudentData, s.handleOwnWordForm},
		{"POST /students/{id}/care/{entry}/own-word", StudentData, s.handleOwnWordCreate},
		{"POST /students/{id}/care/{entry}/own-word/{word}/withdraw", StudentData, s.handleOwnWordWithdraw},
		{"GET /students/{id}/rectification/new", StudentData, s.handleRectificationNew},
		{"POST /students/{id}/rectification", StudentData, s.handleRectificationCreate},
		{"GET /students/{id}/rectification/{request}", StudentData, s.handleRectification},
		{"POST /students/{id}/rectification/{request}/decision", StudentData, s.handleRectificationDecision},
		{"POST /students/{id}/rectification/{request}/informed", StudentData, s.handleRectificationInformed},
		{"POST /students/{id}/rectification/{request}/extend", StudentData, s.handleRectificationExtend},
		{"GET /rectification", StudentData, s.handleRectificationQueue},
		{"GET /students/{id}/route", StudentData, s.handleCareRoute},
		{"POST /students/{id}/route", StudentData, s.handleCareRouteChange},
		{"GET /students/{id}/referrals/new", StudentData, s.handleReferralNew},
		{"POST /students/{id}/referrals", StudentData, s.handleReferralCreate},
		{"GET /referrals", StudentData, s.handleReferralQueue},
		{"GET /referrals/{id}", StudentData, s.handleReferral},
		{"GET /referrals/{id}/edit", StudentData, s.handleReferralEdit},
		{"POST /referrals/{id}", StudentData, s.handleReferralSave},
		{"POST /referrals/{id}/decision", StudentData, s.handleReferralDecide},
		{"GET /referrals/{id}/escalate", StudentData, s.handleEscalateForm},
		{"POST /referrals/{id}/escalate", StudentData, s.handleEscalate},
		{"POST /referrals/{id}/bridging", StudentData, s.handleBridging},
		{"GET /log", StudentData, s.handleLogOverview},
		{"GET /log/anomalies.csv", StudentData, s.handleLogAnomaliesCSV},
		{"POST /log/find", StudentData, s.handleLogFind},
		{"GET /users/{id}/log", StudentData, s.handleUserLog},
		{"GET /users/{id}/log.csv", StudentData, s.handleUserLogCSV},
		{"GET /students/{id}/log", StudentData, s.handleStudentLog},
		{"GET /students/{id}/log.csv", StudentData, s.handleStudentLogCSV},
		{"GET /students/{id}/export", StudentData, s.handleExport},
		{"GET /students/{id}/export.pdf", StudentData, s.handleExportWithoutRequest},
		{"GET /students/{id}/export.json", StudentData, s.handleExportWithoutRequest},
		{"POST /students/{id}/export/withhold", StudentData, s.handleExportWithhold},
		{"GET /access-requests", StudentData, s.handleAccessRequests},
		{"GET /students/{id}/access-requests/new", StudentData, s.handleAccessRequestNew},
		{"POST /students/{id}/access-requests", StudentData, s.handleAccessRequestCreate},
		{"GET /students/{id}/access-requests/{request}", StudentData, s.handleAccessRequest},
		{"POST /students/{id}/access-requests/{request}/review", StudentData, s.handleAccessRequestReview},
		{"GET /students/{id}/access-requests/{request}/export.pdf", StudentData, s.handleExportPDF},
		{"GET /students/{id}/access-requests/{request}/export.json", StudentData, s.handleExportJSON},
		{"GET /figures", Staff, s.handleFigures},
		{"GET /figures.csv", Staff, s.handleFiguresCSV},
		{"GET /complaints", Staff, s.handleComplaints},
		{"GET /complaints/new", Staff, s.handleComplaintNew},
		{"POST /complaints", Staff, s.handleComplaintCreate},
		{"GET /complaints/{id}", Staff, s.handleComplaint},
		{"POST /complaints/{id}/first", Staff, s.handleComplaintFirst},
		{"POST /complaints/{id}/formal", Staff, s.handleComplaintFormal},
		{"POST /complaints/{id}/informed", Staff, s.handleComplaintInformed},
		{"GET /handbook", Staff, s.handleHandbook},
		{"POST /handbook", Staff, s.handleHandbookUpload},
		{"GET /handbook/{id}", Staff, s.handleHandbookDocument},
		{"GET /handbook/{id}/version", Staff, s.handleHandbookVersionForm},
		{"POST /handbook/{id}/version", Staff, s.handleHandbookVersion},
		{"GET /students/{id}/meldcode", StudentData, s.handleMeldcode},
		{"POST /students/{id}/meldcode/steps", StudentData, s.handleMeldcodeStep},
		{"POST /students/{id}/meldcode/people", StudentData, s.handleMeldcodeName},
		{"POST /students/{id}/meldcode/people/{user}/remove", StudentData, s.handleMeldcodeUnname},
		{"GET /admin/referral-form", Admin, s.handleAdminReferralForm},
		{"POST /admin/referral-form", Admin, s.handleAdminSaveReferralForm},
		{"GET /admin/users", Admin, s.handleAdminUsers},
		{"POST /admin/users", Admin, s.handleAdminCreateUser},
		{"GET /admin/users/{id}", Admin, s.handleAdminUser},
		{"POST /admin/users/{id}/roles", Admin, s.handleAdminUserRoles},
		{"POST /admin/users/{id}/deactivate", Admin, s.handleAdminDeactivate},
		{"POST /admin/users/{id}/activate", Admin, s.handleAdminActivate},
		{"POST /admin/users/{id}/reset", Admin, s.handleAdminStartReset},
		{"GET /security-events", Staff, s.handleSecurityEvents},
		{"GET /security-events.csv", Staff, s.handleSecurityEventsCSV},
		{"GET /admin/import", Admin, s.handleAdminImport},
		{"POST /admin/import", Admin, s.handleAdminImportPost},
		{"GET /admin/settings", Admin, s.handleAdminSettings},
		{"POST /admin/settings", Admin, s.handleAdminSaveSettings},
		{"GET /students/{id}/retention", StudentData, s.handleRetention},
		{"POST /students/{id}/left", StudentData, s.handleStudentLeft},
		{"POST /students/{id}/holds", StudentData, s.handleHoldCreate},
		{"POST /students/{id}/holds/{hold}/lift", StudentData, s.handleHoldLift},
		{"POST /students/{id}/erase", StudentData, s.handleErase},
		{"GET /admin/retention", Admin, s.handleAdminRetention},
		{"GET /admin/api-tokens", Admin, s.handleAdminAPITokens},
		{"POST /admin/api-tokens", Admin, s.handleAdminIssueAPIToken},
		{"POST /admin/api-tokens/{id}/revoke", Admin, s.handleAdminRevokeAPIToken},
		{"POST /admin/retention", Admin, s.handleAdminSaveRetention},
	}
	if s.cfg.Outbox {
		rs = append(rs, Route{"GET /outbox", Staff, s.handleOutbox})
	}
	if s.oidc != nil {
		rs = append(rs,
			Route{"GET /login/oidc", Public, s.handleOIDCStart},
			Route{"GET /login/oidc/callback", Public, s.handleOIDCCallback},
		)
	}
	return rs
}

func (s *Server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Pattern, s.guard(rt))
	}
	mux.HandleFunc("/", s.handleNotFound)
	return mux
}
