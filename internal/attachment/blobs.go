package attachment

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// blobs is the content-addressed file store: <dir>/ab/cd/<sha256>. A file
// reaches its final path only by an atomic rename of a complete, synced
// temporary file, so a crash leaves either the whole file or none at that
// path; what a crash can leave behind is a temporary file in <dir>/tmp,
// which the collector removes.
type blobs struct{ dir string }

func (b blobs) path(sum string) string {
	return filepath.Join(b.dir, sum[:2], sum[2:4], sum)
}

func (b blobs) tmpDir() string { return filepath.Join(b.dir, "tmp") }

// sniffLen is how much of a file http.DetectContentType looks at.
const sniffLen = 512

// staged is an upload written to a temporary file, not yet in place.
type staged struct {
	path string
	sum  string // hex SHA-256
	size int64
	head []byte // the first sniffLen bytes, to decide the content type
}

// errTooLarge reports a file over the limit stage was given.
var errTooLarge = errors.New("attachment: file over the size limit")

// readError is a failure to read what the client sent, as opposed to a
// failure of ours to write it.
type readError struct{ err error }

func (e *readError) Error() string { return "attachment: read upload: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// stage streams r into a temporary file while hashing it, never holding
// more than a buffer in memory, and syncs the file to disk. It reads at most
// limit+1 bytes and returns errTooLarge if there were more than limit.
func (b blobs) stage(r io.Reader, limit int64) (*staged, error) {
	if err := os.MkdirAll(b.tmpDir(), 0o750); err != nil {
		return nil, fmt.Errorf("attachment: create %s: %w", b.tmpDir(), err)
	}
	f, err := os.CreateTemp(b.tmpDir(), "upload-*")
	if err != nil {
		return nil, fmt.Errorf("attachment: create temporary file: %w", err)
	}
	s := &staged{path: f.Name()}
	h := sha256.New()
	head := &headWriter{max: sniffLen}
	src := readerFunc(func(p []byte) (int, error) {
		n, err := r.Read(p)
		if err != nil && err != io.EOF {
			err = &readError{err}
		}
		return n, err
	})
	s.size, err = io.Copy(io.MultiWriter(f, h, head), io.LimitReader(src, limit+1))
	if err == nil && s.size > limit {
		err = errTooLarge
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.discard()
		return nil, err
	}
	s.sum = hex.EncodeToString(h.Sum(nil))
	s.head = head.b
	return s, nil
}

// discard removes the temporary file if it is still there.
func (s *staged) discard() {
	_ = os.Remove(s.path) // gone already once placed; a leftover is collected later
}

// place puts a staged file at its content address unless a complete copy
// is there already (the same content uploaded before). It can run again
// after a rolled-back transaction: the second time it finds the file in
// place.
func (b blobs) place(s *staged) error {
	final := b.path(s.sum)
	if fi, err := os.Stat(final); err == nil && fi.Size() == s.size {
		return nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("attachment: create %s: %w", dir, err)
	}
	if err := os.Rename(s.path, final); err != nil {
		return fmt.Errorf("attachment: place %s: %w", s.sum, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename into dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("attachment: open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("attachment: sync %s: %w", dir, err)
	}
	return nil
}

func (b blobs) open(sum string) (*os.File, error) {
	f, err := os.Open(b.path(sum))
	if err != nil {
		return nil, fmt.Errorf("attachment: open blob %s: %w", sum, err)
	}
	return f, nil
}

// trash moves a blob out of its final path into the temporary directory,
// from where remove deletes it once the transaction that dropped its row
// has committed, or restore puts it back if that transaction failed. It
// returns "" if the blob was not on disk.
func (b blobs) trash(sum string) (string, error) {
	if err := os.MkdirAll(b.tmpDir(), 0o750); err != nil {
		return "", fmt.Errorf("attachment: create %s: %w", b.tmpDir(), err)
	}
	to := filepath.Join(b.tmpDir(), fmt.Sprintf("trash-%s-%d", sum, time.Now().UnixNano()))
	err := os.Rename(b.path(sum), to)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("attachment: trash %s: %w", sum, err)
	}
	return to, nil
}

// restore undoes trash, unless the content was stored again meanwhile.
func (b blobs) restore(sum, trashed string) error {
	if _, err := os.Stat(b.path(sum)); err == nil {
		return os.Remove(trashed)
	}
	return os.Rename(trashed, b.path(sum))
}

// sweepTemp removes temporary files older than cutoff: uploads that a
// crash interrupted, and trash whose removal failed. Uploads in progress
// are younger.
func (b blobs) sweepTemp(cutoff time.Time) (int, error) {
	entries, err := os.ReadDir(b.tmpDir())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("attachment: list %s: %w", b.tmpDir(), err)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "upload-") && !strings.HasPrefix(e.Name(), "trash-") {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(b.tmpDir(), e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	b   []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
