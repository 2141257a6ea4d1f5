package kit

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static templates
var assets embed.FS

// staticFiles serves the embedded assets under URLs that carry a checksum of
// their content, so browsers may cache them forever.
type staticFiles struct {
	sums map[string]string // file name -> short checksum
	fsys fs.FS
}

func newStaticFiles() (*staticFiles, error) {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	st := &staticFiles{sums: map[string]string{}, fsys: sub}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		st.sums[p] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return st, err
}

// URL returns the cache-busting URL of a static file.
func (st *staticFiles) URL(name string) string {
	return "/static/" + st.sums[name] + "/" + name
}

// ServeHTTP serves /static/{sum}/{name}.
func (st *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	sum, name, ok := strings.Cut(rest, "/")
	name = path.Clean(name)
	if !ok || st.sums[name] == "" {
		http.NotFound(w, r)
		return
	}
	if sum == st.sums[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeFileFS(w, r, st.fsys, name)
}
