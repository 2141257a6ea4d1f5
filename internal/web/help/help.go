// Package help serves the public help center (/help): categories, the most
// read articles, search with highlighted snippets, an article with its
// related ones and "Was this helpful?", and a sitemap. Nobody signs in;
// only articles that are published and public exist here (package kb keeps
// that rule). It wears the portal's brand and works without JavaScript.
package help

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// Deps are the services the surface's pages call.
type Deps struct {
	Log      *slog.Logger
	Settings *settings.Store
	Sessions *scs.SessionManager
	KB       *kb.Service
	Tickets  *ticket.Service // the contact form opens tickets
	Journeys *Journeys
	// PublicURL is the address customers reach the desk at, for canonical
	// links and the sitemap; empty takes the request's own host.
	PublicURL string
}

// Pages serves the surface's pages.
type Pages struct {
	kit.Surface
	Deps
}

//go:embed templates
var templates embed.FS

// New parses the surface's templates and returns its route table.
func New(k *kit.Kit, deps Deps) (kit.Table, error) {
	s, err := k.Surface(templates)
	if err != nil {
		return kit.Table{}, err
	}
	wb := &Pages{Surface: s, Deps: deps}
	return kit.Table{Surface: "help", Routes: wb.routes(), Adapt: wb.helpPage}, nil
}

// routes is the help center's route table. Every route is public: what
// is not published and public does not exist here.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /help", Level: kit.Public, Handler: wb.home},
		{Pattern: "GET /help/search", Level: kit.Public, Handler: wb.search},
		{Pattern: "GET /help/categories/{id}", Level: kit.Public, Handler: wb.category},
		{Pattern: "GET /help/articles/{slug}", Level: kit.Public, Handler: wb.article},
		{Pattern: "POST /help/articles/{slug}/vote", Level: kit.Public, Handler: wb.vote},
		{Pattern: "GET /help/contact", Level: kit.Public, Handler: wb.contactForm},
		{Pattern: "POST /help/contact", Level: kit.Public, Handler: wb.contact},
		{Pattern: "GET /help/sitemap.xml", Level: kit.Public, Handler: wb.sitemap},
		{Pattern: "GET /help/images/{id}", Level: kit.Public, Handler: wb.image},
		{Pattern: "/help/", Level: kit.Public, Handler: wb.notFound},
	}
}

// base is what every help page's data starts with.
type base struct {
	Title       string
	Description string // the meta description search engines show
	Canonical   string // the page's one address, absolute
	Brand       brand
	Query       string // what the header's search box shows
	NoIndex     bool   // search results and errors are not for search engines
	Error       string
	Flash       string
}

type brand struct {
	Name string
	CSS  string
}

// helpPage adapts a help handler: the session (for the flash after a
// vote), the security headers, and errors answered with the help center's
// own page.
func (wb *Pages) helpPage(h httpx.HandlerFunc) http.Handler {
	return wb.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kit.SetPageHeaders(w)
		err := httpx.CheckRequestText(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			wb.fail(w, r, err)
		}
	}))
}

type errorPage struct {
	base
	Status int
}

func (wb *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.LogError(r, wb.Log, err)
	status, detail := httpx.Describe(r.Context(), err)
	if status == 499 {
		return
	}
	p := &errorPage{base: wb.base(r, "Something went wrong", ""), Status: status}
	p.NoIndex, p.Error = true, detail.Message
	if status == http.StatusNotFound {
		p.Title, p.Error = "Not found", "There is no such page in the help center."
	}
	wb.render(w, r, status, "help_error", p)
}

func (wb *Pages) notFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.NotFound("page")
}

// base fills the shared part of a help page; path is its canonical path.
func (wb *Pages) base(r *http.Request, title, path string) base {
	b := base{Title: title, Brand: brand{Name: settings.DefaultCompanyName}}
	if path != "" {
		b.Canonical = wb.origin(r) + path
	}
	b.Flash = wb.Sessions.PopString(r.Context(), keyFlash)
	if st, err := wb.Settings.Get(r.Context()); err == nil {
		b.Brand.Name = st.CompanyName
		b.Brand.CSS = "/portal/brand.css?v=" + brandVersion(st.BrandColour)
	} else {
		wb.Log.Error("help: read branding", "err", err)
	}
	return b
}

const keyFlash = "help_flash"

// brandVersion matches the portal's (internal/web/portal): the sheet's
// URL changes with the colour, so browsers may cache it for good.
func brandVersion(colour string) string {
	if c, err := settings.NormalizeColour(colour); err == nil {
		colour = c
	} else {
		colour = settings.DefaultBrandColour
	}
	sum := sha256.Sum256([]byte(colour))
	return hex.EncodeToString(sum[:])[:10]
}

// origin is the scheme and host of the help center's canonical links: the
// configured public URL, or the request's host.
func (wb *Pages) origin(r *http.Request) string {
	if wb.PublicURL != "" {
		return strings.TrimRight(wb.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}

func (wb *Pages) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	wb.Fragment(w, r, status, name, "help_layout", data)
}
