package admin

import "github.com/centerdesk/centerdesk/internal/web/kit"

// routes is the admin surface's route table: every route with who may open
// it, checked by the kit before the handler runs.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /admin/teams", Level: kit.Admin, Handler: wb.adminTeams},
		{Pattern: "POST /admin/teams", Level: kit.Admin, Handler: wb.createTeam},
		{Pattern: "GET /admin/teams/{id}", Level: kit.Admin, Handler: wb.editTeam},
		{Pattern: "POST /admin/teams/{id}", Level: kit.Admin, Handler: wb.updateTeam},
		{Pattern: "POST /admin/teams/{id}/delete", Level: kit.Admin, Handler: wb.deleteTeam},
		{Pattern: "GET /admin/tokens", Level: kit.Admin, Handler: wb.adminTokens},
		{Pattern: "POST /admin/tokens/{id}/revoke", Level: kit.Admin, Handler: wb.adminRevokeToken},
		{Pattern: "GET /admin/tags", Level: kit.Admin, Handler: wb.adminTags},
		{Pattern: "POST /admin/tags/rename", Level: kit.Admin, Handler: wb.renameTag},
		{Pattern: "POST /admin/tags/delete", Level: kit.Admin, Handler: wb.deleteTag},
		{Pattern: "GET /admin/fields", Level: kit.Admin, Handler: wb.adminFields},
		{Pattern: "POST /admin/fields", Level: kit.Admin, Handler: wb.createField},
		{Pattern: "GET /admin/fields/{id}", Level: kit.Admin, Handler: wb.editField},
		{Pattern: "POST /admin/fields/{id}", Level: kit.Admin, Handler: wb.updateField},
		{Pattern: "GET /admin/recognition", Level: kit.Admin, Handler: wb.recognitionSettings},
		{Pattern: "POST /admin/recognition", Level: kit.Admin, Handler: wb.saveRecognitionSettings},
		{Pattern: "GET /admin/users", Level: kit.Admin, Handler: wb.users},
		{Pattern: "POST /admin/users", Level: kit.Admin, Handler: wb.createUser},
		{Pattern: "POST /admin/users/{id}", Level: kit.Admin, Handler: wb.updateUser},
		{Pattern: "POST /admin/users/{id}/reset-two-factor", Level: kit.Admin, Handler: wb.resetUserTwoFactor},
		{Pattern: "GET /admin/audit", Level: kit.Admin, Handler: wb.auditLog},
		{Pattern: "GET /admin/mailboxes", Level: kit.Admin, Handler: wb.mailboxes},
		{Pattern: "POST /admin/mailboxes", Level: kit.Admin, Handler: wb.createMailbox},
		{Pattern: "GET /admin/mailboxes/{id}", Level: kit.Admin, Handler: wb.editMailbox},
		{Pattern: "POST /admin/mailboxes/{id}", Level: kit.Admin, Handler: wb.updateMailbox},
		{Pattern: "POST /admin/mailboxes/{id}/delete", Level: kit.Admin, Handler: wb.deleteMailbox},
		{Pattern: "GET /admin/settings", Level: kit.Admin, Handler: wb.settingsForm},
		{Pattern: "POST /admin/settings", Level: kit.Admin, Handler: wb.saveSettings},
	}
}
