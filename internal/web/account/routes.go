package account

import "github.com/centerdesk/centerdesk/internal/web/kit"

// routes is the account surface's route table: every route with who may open
// it, checked by the kit before the handler runs.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /signin", Level: kit.Public, Handler: wb.signInForm},
		{Pattern: "POST /signin", Level: kit.Public, Handler: wb.signIn},
		{Pattern: "GET /signin/two-factor", Level: kit.Public, Handler: wb.twoFactorForm},
		{Pattern: "POST /signin/two-factor", Level: kit.Public, Handler: wb.twoFactor},
		{Pattern: "POST /signout", Level: kit.Public, Handler: wb.signOut},
		{Pattern: "GET /account", Level: kit.Agent, Handler: wb.account},
		{Pattern: "POST /account/signature", Level: kit.Agent, Handler: wb.saveSignature},
		{Pattern: "POST /account/password", Level: kit.Agent, Handler: wb.changePassword},
		{Pattern: "POST /account/email", Level: kit.Agent, Handler: wb.changeEmail},
		{Pattern: "POST /account/time-zone", Level: kit.Agent, Handler: wb.changeTimeZone},
		{Pattern: "POST /account/tokens", Level: kit.Agent, Handler: wb.createToken},
		{Pattern: "POST /account/tokens/{id}/revoke", Level: kit.Agent, Handler: wb.revokeToken},
		{Pattern: "GET /account/two-factor", Level: kit.Enrolling, Handler: wb.twoFactorSetup},
		{Pattern: "POST /account/two-factor/confirm", Level: kit.Enrolling, Handler: wb.twoFactorConfirm},
		{Pattern: "POST /account/two-factor/cancel", Level: kit.Enrolling, Handler: wb.twoFactorCancel},
		{Pattern: "POST /account/two-factor/disable", Level: kit.Agent, Handler: wb.twoFactorDisable},
	}
}
