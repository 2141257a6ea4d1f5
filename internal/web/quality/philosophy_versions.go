package quality

import (
	"context"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/quality"
)

// versionsPage is GET /philosophy/versions: who changed what, and when.
type versionsPage struct {
	Page
	Versions []versionLine
}

// versionLine is one version in the list.
type versionLine struct {
	quality.VersionInfo
	Author  string
	What    string
	Details []string // what changed from the version before, when known
}

// detailedVersions is how many of the newest versions the list details;
// each costs a read of the whole philosophy as it was.
const detailedVersions = 50

// versionPage is GET /philosophy/versions/{id}: the philosophy as it was,
// with what changed from the version before.
type versionPage struct {
	Page
	Version versionLine
	Changes []string
	// Diffs show each text that changed, word by word.
	Diffs []quality.FieldDiff
	Body  philosophyBody
}

// changeNames says in words what each kind of saved change was.
var changeNames = map[string]string{
	"philosophy.updated": "Philosophy written as a whole",
	"vision.updated":     "Vision changed",
	"value.created":      "Value added",
	"value.updated":      "Value changed",
	"value.deleted":      "Value removed",
}

func (wb *Pages) versionLines(ctx context.Context, infos []quality.VersionInfo) ([]versionLine, error) {
	users, err := wb.Users.List(ctx)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	out := make([]versionLine, 0, len(infos))
	for _, v := range infos {
		l := versionLine{VersionInfo: v, Author: "a removed user", What: changeNames[v.Change]}
		if v.AuthorID != nil && names[*v.AuthorID] != "" {
			l.Author = names[*v.AuthorID]
		}
		if l.What == "" {
			l.What = v.Change
		}
		out = append(out, l)
	}
	return out, nil
}

func (wb *Pages) philosophyVersions(w http.ResponseWriter, r *http.Request) error {
	infos, err := wb.Quality.Versions(r.Context())
	if err != nil {
		return err
	}
	lines, err := wb.versionLines(r.Context(), infos)
	if err != nil {
		return err
	}
	if err := wb.detailVersions(r.Context(), lines); err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "philosophy_versions", &versionsPage{
		Page: wb.BasePage(r, "Versions of the philosophy"), Versions: lines})
	return nil
}

// detailVersions fills in what each of the newest versions changed, by
// comparing it with the one before (lines are newest first).
func (wb *Pages) detailVersions(ctx context.Context, lines []versionLine) error {
	n := min(len(lines), detailedVersions+1)
	contents := make([]*quality.Philosophy, n)
	for i := range n {
		v, err := wb.Quality.Version(ctx, lines[i].ID)
		if err != nil {
			return err
		}
		contents[i] = &v.Philosophy
	}
	for i := range min(len(lines), detailedVersions) {
		var before *quality.Philosophy
		if i+1 < n {
			before = contents[i+1]
		}
		lines[i].Details = quality.Changes(before, contents[i])
	}
	return nil
}

func (wb *Pages) philosophyVersion(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.Quality.Version(ctx, id)
	if err != nil {
		return err
	}
	// The version before is the next older one in the list (ids grow).
	infos, err := wb.Quality.Versions(ctx)
	if err != nil {
		return err
	}
	var before *quality.Philosophy
	for _, info := range infos {
		if info.ID < id {
			prev, err := wb.Quality.Version(ctx, info.ID)
			if err != nil {
				return err
			}
			before = &prev.Philosophy
			break
		}
	}
	lines, err := wb.versionLines(ctx, []quality.VersionInfo{v.VersionInfo})
	if err != nil {
		return err
	}
	wb.Render(w, r, http.StatusOK, "philosophy_version", &versionPage{
		Page: wb.BasePage(r, "Philosophy version "+strconv.FormatInt(id, 10)), Version: lines[0],
		Changes: quality.Changes(before, &v.Philosophy), Diffs: quality.TextChanges(before, &v.Philosophy),
		Body: newBody(&v.Philosophy, false)})
	return nil
}
