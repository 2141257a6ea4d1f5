// Package knowledge serves the agents' knowledge-base pages (/kb): the list
// and search of articles, the editor with its preview, categories, and an
// article's revisions with their diffs and restore. The rules (who may
// publish, what a valid article is) are package kb's.
package knowledge

import (
	"context"
	"embed"
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Log *slog.Logger
	KB  *kb.Service
	// Values lists the team's values, for the value whose badge credits a
	// published submission; nil offers none.
	Values func(ctx context.Context) ([]recognition.ValueOption, error)
	// PublicURL is where customers reach the help center, for the links
	// agents insert into replies; empty takes the request's host.
	PublicURL string
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

// Page is what every page's data starts with.
type Page = kit.Page

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "knowledge", Routes: wb.routes()}, nil
}

// routes is the surface's route table: every route with who may open it.
// Publishing and categories take an editor; the kb service checks it.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /kb", Level: kit.Agent, Handler: wb.listPage},
		{Pattern: "POST /kb/categories", Level: kit.Lead, Handler: wb.createCategory},
		{Pattern: "GET /kb/new", Level: kit.Agent, Handler: wb.newPage},
		{Pattern: "POST /kb/articles", Level: kit.Agent, Handler: wb.create},
		{Pattern: "GET /kb/articles/{id}", Level: kit.Agent, Handler: wb.editPage},
		{Pattern: "POST /kb/articles/{id}", Level: kit.Agent, Handler: wb.save},
		{Pattern: "GET /kb/articles/{id}/revisions", Level: kit.Agent, Handler: wb.revisionsPage},
		{Pattern: "POST /kb/articles/{id}/revisions/{number}/restore", Level: kit.Agent, Handler: wb.restore},
		{Pattern: "GET /kb/review", Level: kit.Agent, Handler: wb.reviewPage},
		{Pattern: "POST /kb/settings", Level: kit.Lead, Handler: wb.saveSettings},
		{Pattern: "POST /kb/articles/{id}/submit", Level: kit.Agent, Handler: wb.submit},
		{Pattern: "POST /kb/articles/{id}/approve", Level: kit.Lead, Handler: wb.approve},
		{Pattern: "POST /kb/articles/{id}/send-back", Level: kit.Lead, Handler: wb.sendBack},
		{Pattern: "POST /kb/articles/{id}/confirm", Level: kit.Agent, Handler: wb.confirm},
		// The ticket page's box of articles its customer saw (htmx).
		{Pattern: "GET /kb/tickets/{id}/seen", Level: kit.Agent, Handler: wb.seenBefore},
		// The ticket page's article search, to insert a link into a reply (htmx).
		{Pattern: "GET /kb/lookup", Level: kit.Agent, Handler: wb.lookup},
		// An article's content for the composer to insert into a reply (fetched by script).
		{Pattern: "GET /kb/articles/{id}/content", Level: kit.Agent, Handler: wb.content},
		{Pattern: "POST /kb/articles/{id}/images", Level: kit.Agent, Handler: wb.uploadImage},
		// Any article's images, for previews of drafts.
		{Pattern: "GET /kb/images/{id}", Level: kit.Agent, Handler: wb.image},
		{Pattern: "GET /kb/report", Level: kit.Lead, Handler: wb.reportPage},
	}
}
