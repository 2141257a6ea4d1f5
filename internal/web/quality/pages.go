// Package quality serves the quality programme's pages: the team's philosophy and its versions, surveys, reviews (queues, scoring, disputes, periods, scorecards, calibration) and recognition (the feed, awards, nominations, badges).
package quality

import (
	"embed"
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Log         *slog.Logger
	Users       *user.Service
	Tickets     *ticket.Service
	Quality     *quality.Service // the quality programme: philosophy, reviews, calibration
	Recognition *recognition.Service
	// Conversations shows a ticket's messages on the review form.
	Conversations *conversation.Loader
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
	reviews *reviewPages
}

// reviewPages serves the reviews: queues, scoring, disputes, periods,
// scorecards and calibration.
type reviewPages struct {
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
	wb := &Pages{Surface: s, Deps: deps, reviews: &reviewPages{Surface: s, Deps: deps}}
	return kit.Table{Surface: "quality", Routes: wb.routes()}, nil
}
