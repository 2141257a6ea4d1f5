package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/user"
)

// views holds one parsed template set per page, each joined with the layout.
type views struct{ pages map[string]*template.Template }

func parseViews(st *staticFiles) (*views, error) {
	funcs := template.FuncMap{
		"static": st.URL,
		"when":   when,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	// Partials (templates/partials/*.html) are shared by every page and can
	// be rendered alone as htmx fragments (see renderFragment).
	if partials, _ := fs.Glob(assets, "templates/partials/*.html"); len(partials) > 0 {
		if layout, err = layout.ParseFS(assets, partials...); err != nil {
			return nil, fmt.Errorf("web: parse partials: %w", err)
		}
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(assets, f)
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

// basePage fills the shared part of a page's data.
func (wb *Web) basePage(r *http.Request, title string) Page {
	return Page{
		Title:  title,
		User:   user.FromContext(r.Context()),
		Flash:  wb.Sessions.PopString(r.Context(), "flash"),
		Path:   r.URL.Path,
		Unread: wb.unreadNotifications(r),
	}
}

// when is a time as pages show it; a nil *time.Time is "never".
func when(t any) string {
	switch v := t.(type) {
	case time.Time:
		return v.UTC().Format("2006-01-02 15:04 UTC")
	case *time.Time:
		if v == nil {
			return "never"
		}
		return v.UTC().Format("2006-01-02 15:04 UTC")
	}
	return fmt.Sprint(t)
}

// render executes a page within the agents' layout.
func (wb *Web) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	wb.renderFragment(w, status, name, "layout", data)
}

// renderFragment executes one named template of a page: its layout (see
// render), or one part of it or a shared partial (found through any page),
// the answer to an htmx request or a live update. It renders into a buffer
// first, so a template failure becomes a clean error instead of half a page.
func (wb *Web) renderFragment(w http.ResponseWriter, status int, page, name string, data any) {
	t, ok := wb.views.pages[page]
	if !ok {
		wb.Log.Error("no such page template", "name", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		wb.Log.Error("render fragment", "page", page, "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// flash keeps a one-line message for the next page.
func (wb *Web) flash(r *http.Request, msg string) {
	wb.Sessions.Put(r.Context(), "flash", msg)
}
