package attachment

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

func TestServedType(t *testing.T) {
	cases := []struct {
		name, declared string
		content        []byte
		want           string
	}{
		{"png by content", "application/octet-stream", pngHeader, "image/png"},
		{"png whatever declared", "text/html", pngHeader, "image/png"},
		{"html declared as text", "text/plain", []byte("<!DOCTYPE html><script>alert(1)</script>"), "application/octet-stream"},
		{"html declared as png", "image/png", []byte("<html><body>hi"), "application/octet-stream"},
		{"html by declaration", "text/html", []byte("hello"), "application/octet-stream"},
		{"svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "application/octet-stream"},
		{"xml", "", []byte(`<?xml version="1.0"?><x/>`), "application/octet-stream"},
		{"javascript", "application/javascript", []byte("alert(1)"), "application/octet-stream"},
		{"pdf", "application/pdf", []byte("%PDF-1.7\n"), "application/pdf"},
		{"csv keeps its declared type", "text/csv; charset=utf-8", []byte("a,b\n1,2\n"), "text/csv; charset=utf-8"},
		{"docx keeps its declared type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			[]byte("PK\x03\x04"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"zip", "", []byte("PK\x03\x04"), "application/zip"},
		{"xhtml", "application/xhtml+xml", []byte("hello"), "application/octet-stream"},
		{"plain text", "", []byte("hello"), "text/plain; charset=utf-8"},
		{"image lie", "image/png", []byte("not a png"), "text/plain; charset=utf-8"},
		{"garbage declared", "no/t a type;;", []byte{0, 1, 2, 3}, "application/octet-stream"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := servedType(tc.declared, tc.content); got != tc.want {
				t.Errorf("servedType(%q) = %q, want %q", tc.declared, got, tc.want)
			}
		})
	}
	for ct, inline := range map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true,
		"image/webp": true, "image/svg+xml": false, "text/html": false, "application/pdf": false} {
		if Inline(ct) != inline {
			t.Errorf("Inline(%q) = %v", ct, !inline)
		}
	}
}

func TestCleanFilename(t *testing.T) {
	cases := map[string]string{
		"report.pdf":                      "report.pdf",
		`C:\Users\ada\Desktop\a b.txt`:    "a b.txt",
		"../../etc/passwd":                "passwd",
		"  spaced.txt  ":                  "spaced.txt",
		"evil\u202Etxt.exe":               "eviltxt.exe",
		"line\nbreak\x00.txt":             "linebreak.txt",
		"résumé 履歴書.docx":                 "résumé 履歴書.docx",
		strings.Repeat("é", 300) + ".pdf": strings.Repeat("é", (MaxFilename-4)/2) + ".pdf",
	}
	for in, want := range cases {
		got, err := cleanFilename(in)
		if err != nil || got != want {
			t.Errorf("cleanFilename(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "   ", "dir/", "..", "\x00"} {
		if _, err := cleanFilename(bad); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("cleanFilename(%q): %v", bad, err)
		}
	}
}

// failingReader gives n bytes, then fails as a dropped connection does.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("connection reset by peer")
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = 'x'
	}
	r.n -= k
	return k, nil
}

// TestStageIsCrashSafe checks that an upload cut short leaves nothing, and
// that a staged file (as a crash before place would leave it) is never at
// the final path: only a complete file is ever renamed there.
func TestStageIsCrashSafe(t *testing.T) {
	b := blobs{dir: t.TempDir()}
	if _, err := b.stage(&failingReader{n: 100 << 10}, 1<<20); err == nil {
		t.Fatal("a failed read staged a file")
	} else if re := (*readError)(nil); !errors.As(err, &re) {
		t.Fatalf("error %v is not a read error", err)
	}
	if _, err := b.stage(bytes.NewReader(make([]byte, 2048)), 1024); !errors.Is(err, errTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if n := countFiles(t, b.dir); n != 0 {
		t.Fatalf("%d files left after failed uploads", n)
	}

	content := []byte("complete content")
	s, err := b.stage(bytes.NewReader(content), 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b.path(s.sum)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a staged file is at its final path before place: %v", err)
	}
	if got, _ := os.ReadFile(s.path); !bytes.Equal(got, content) {
		t.Fatalf("staged %q", got)
	}
	if err := b.place(s); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(b.path(s.sum)); !bytes.Equal(got, content) {
		t.Fatalf("placed %q", got)
	}
	if err := b.place(s); err != nil { // a retried transaction places again
		t.Fatalf("placing twice: %v", err)
	}
	s.discard()
	if n := countFiles(t, b.dir); n != 1 {
		t.Fatalf("%d files, want the one placed", n)
	}
}

// TestPlaceReplacesATruncatedFile covers a file at the final path that is
// not the content its name says (damaged disk): the next upload of that
// content replaces it.
func TestPlaceReplacesATruncatedFile(t *testing.T) {
	b := blobs{dir: t.TempDir()}
	s, err := b.stage(strings.NewReader("the whole thing"), 1024)
	if err != nil {
		t.Fatal(err)
	}
	final := b.path(s.sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(final, []byte("the wh"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := b.place(s); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(final)
	defer f.Close()
	if got, _ := io.ReadAll(f); string(got) != "the whole thing" {
		t.Fatalf("final holds %q", got)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
