// Package people serves the people pages: an agent's own page, the leaderboard and its settings, coaching sessions and concerns (packages coaching and standing do the work).
package people

import (
	"embed"

	"github.com/centerdesk/centerdesk/internal/coaching"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/standing"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Users    *user.Service
	Quality  *quality.Service // the quality programme: philosophy, reviews, calibration
	Coaching *coaching.Service
	Standing *standing.Service
	// Figures are the sources of an agent's service figures; nil leaves
	// the service card out.
	Figures *standing.FigureSources
	// KB credits agents with the published articles they wrote; nil
	// leaves the knowledge card out.
	KB *kb.Service
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
	return kit.Table{Surface: "people", Routes: wb.routes()}, nil
}
