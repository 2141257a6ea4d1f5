package kit

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/timezone"
	"github.com/centerdesk/centerdesk/internal/user"
)

// Views holds one parsed template set per page of a surface, each joined
// with the layout and the partials.
type Views struct {
	k *Kit
	// pages are never executed themselves: each viewer's time zone gets
	// its own clone (see page), whose when function writes times in it.
	pages map[string]*template.Template
	mu    sync.Mutex
	zoned map[zonedPage]*template.Template
}

// zonedPage names a page's template set for the viewers of one time zone.
type zonedPage struct{ page, zone string }

// Views parses a surface's templates: fsys holds templates/*.html (its
// pages) and may hold templates/partials/*.html (partials of its own). Every
// page is joined with the layout and the kit's shared partials.
func (k *Kit) Views(fsys fs.FS) (*Views, error) {
	funcs := template.FuncMap{
		"static": k.static.URL,
		// when is rebound for each viewer's zone (see Views.page); this
		// one, in UTC, only lets the templates parse.
		"when": func(t any) template.HTML { return TimeElement(t, time.Now(), time.UTC) },
		"zone": func() string { return "UTC" },
		"day":  Day,
		// waited writes how long someone has waited (a duration, the same
		// in every zone) in a <time> that carries when the wait began.
		"waited": Waited,
		// timeZones lists the IANA zones for a select (the profile page,
		// the desk's setting).
		"timeZones": timezone.Names,
		"zoneLabel": ZoneLabel,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	// Partials are shared by every page and can be rendered alone as htmx
	// fragments (see Fragment): the kit's, then the surface's own.
	srcs := []fs.FS{assets}
	if fsys != fs.FS(assets) {
		srcs = append(srcs, fsys)
	}
	for _, src := range srcs {
		if partials, _ := fs.Glob(src, "templates/partials/*.html"); len(partials) > 0 {
			if layout, err = layout.ParseFS(src, partials...); err != nil {
				return nil, fmt.Errorf("web: parse partials: %w", err)
			}
		}
	}
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &Views{k: k, pages: map[string]*template.Template{}, zoned: map[zonedPage]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Page is what every page's data starts with.
type Page struct {
	Title  string
	User   *user.User
	Flash  string
	Path   string // the request's path, for marking the current nav link
	Query  string // what the header's search box shows
	Unread int    // unread notifications, for the header's bell
}

// Current reports whether the page is at or under prefix, for aria-current.
func (p Page) Current(prefix string) bool {
	return p.Path == prefix || strings.HasPrefix(p.Path, prefix+"/")
}

// BasePage fills the shared part of a page's data.
func (k *Kit) BasePage(r *http.Request, title string) Page {
	p := Page{
		Title: title,
		User:  user.FromContext(r.Context()),
		Flash: k.Sessions.PopString(r.Context(), "flash"),
		Path:  r.URL.Path,
	}
	if k.Unread != nil {
		p.Unread = k.Unread(r)
	}
	return p
}

// Render executes a page within the agents' layout.
func (v *Views) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	v.Fragment(w, r, status, name, "layout", data)
}

// Fragment executes one named template of a page: its layout (see
// Render), or one part of it or a shared partial (found through any page),
// the answer to an htmx request or a live update. It renders into a buffer
// first, so a template failure becomes a clean error instead of half a page.
// Times are written in the zone of r's viewer (Kit.Location).
func (v *Views) Fragment(w http.ResponseWriter, r *http.Request, status int, page, name string, data any) {
	buf, err := v.Bytes(r, page, name, data)
	if err != nil {
		v.k.Log.Error("render fragment", "page", page, "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf)
}

// Bytes executes one named template of a page for r's viewer (see
// Fragment) and returns the HTML: what a server-sent event carries.
func (v *Views) Bytes(r *http.Request, page, name string, data any) ([]byte, error) {
	t, err := v.page(page, v.k.Location(r))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// page returns the template set of a page for viewers in loc, cloning it
// from the parsed one the first time that zone asks. A desk sees a handful
// of zones, so the sets stay few; html/template escapes each clone once, on
// its first execution, as it does any template.
func (v *Views) page(name string, loc *time.Location) (*template.Template, error) {
	key := zonedPage{name, loc.String()}
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.zoned[key]; ok {
		return t, nil
	}
	parsed, ok := v.pages[name]
	if !ok {
		return nil, fmt.Errorf("no such page template %q", name)
	}
	t, err := parsed.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{
		"when": func(at any) template.HTML { return TimeElement(at, time.Now(), loc) },
		"zone": loc.String, // the viewer's zone, for a form that changes it
	})
	v.zoned[key] = t
	return t, nil
}

// Flash keeps a one-line message for the next page.
func (k *Kit) Flash(r *http.Request, msg string) {
	k.Sessions.Put(r.Context(), "flash", msg)
}

// Surface is what a surface's pages embed: the kit's page helpers, with the
// surface's own templates.
type Surface struct {
	kit   *Kit
	views *Views
}

// Surface parses a surface's templates (see Views) for its pages to embed.
func (k *Kit) Surface(fsys fs.FS) (Surface, error) {
	v, err := k.Views(fsys)
	if err != nil {
		return Surface{}, err
	}
	return Surface{kit: k, views: v}, nil
}

// Render executes a page of the surface within the agents' layout.
func (s Surface) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.views.Render(w, r, status, name, data)
}

// Fragment executes one named template of a page of the surface (see
// Views.Fragment).
func (s Surface) Fragment(w http.ResponseWriter, r *http.Request, status int, page, name string, data any) {
	s.views.Fragment(w, r, status, page, name, data)
}

// Bytes executes one named template of a page of the surface for r's
// viewer and returns the HTML (see Views.Bytes).
func (s Surface) Bytes(r *http.Request, page, name string, data any) ([]byte, error) {
	return s.views.Bytes(r, page, name, data)
}

// BasePage fills the shared part of a page's data.
func (s Surface) BasePage(r *http.Request, title string) Page { return s.kit.BasePage(r, title) }

// Flash keeps a one-line message for the next page.
func (s Surface) Flash(r *http.Request, msg string) { s.kit.Flash(r, msg) }

// Location is the time zone r's viewer reads times in (Kit.Location), for a
// page that reads a day the viewer typed.
func (s Surface) Location(r *http.Request) *time.Location { return s.kit.Location(r) }
