package attachment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/background"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
)

// Service stores, serves and collects attachments.
type Service struct {
	db       *db.DB
	blobs    blobs
	settings *settings.Store
	now      func() time.Time
}

// NewService returns a Service that keeps files under dir (the data
// directory's "attachments"). With several nodes, dir must be storage they
// share.
func NewService(d *db.DB, dir string, st *settings.Store) *Service {
	return &Service{db: d, blobs: blobs{dir: dir}, settings: st, now: db.Now}
}

// MaxBytes is the current size limit of one file.
func (s *Service) MaxBytes(ctx context.Context) (int64, error) {
	st, err := s.settings.Get(ctx)
	if err != nil {
		return 0, err
	}
	return st.AttachmentMaxBytes, nil
}

// Upload is a file as it arrives.
type Upload struct {
	Filename    string
	ContentType string // as the client declared it: a hint, never trusted for display
	Body        io.Reader
	Size        int64 // the declared length, or -1 when unknown
}

// Upload stores up, unattached, for the user in ctx to attach to a message
// within OrphanAge. The file is streamed to disk while it is hashed; if the
// same content is stored already, the new copy is dropped and the
// attachment points at the stored one.
func (s *Service) Upload(ctx context.Context, up Upload) (*Attachment, error) {
	name, err := cleanFilename(up.Filename)
	if err != nil {
		return nil, err
	}
	limit, err := s.MaxBytes(ctx)
	if err != nil {
		return nil, err
	}
	if up.Size > limit {
		return nil, tooLarge(limit)
	}
	st, err := s.blobs.stage(up.Body, limit)
	if err != nil {
		return nil, uploadError(ctx, err, limit)
	}
	defer st.discard()
	if st.size == 0 {
		return nil, apperr.Invalid("file", "is empty")
	}
	a := &Attachment{Filename: name, Size: st.size, SHA256: st.sum,
		ContentType: servedType(up.ContentType, st.head), CreatedAt: s.now()}
	if id := audit.ActorFrom(ctx).UserID; id != 0 {
		a.UploadedBy = &id
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := claimBlob(ctx, tx, st.sum, st.size, a.CreatedAt); err != nil {
			return err
		}
		// The file is in place before the row that needs it commits; if the
		// commit fails, the file stays as one no row uses, which is harmless
		// and found again by the next upload of the same content.
		if err := s.blobs.place(st); err != nil {
			return err
		}
		return insert(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// uploadError says what went wrong reading an upload.
func uploadError(ctx context.Context, err error, limit int64) error {
	var (
		re      *readError
		tooMany *http.MaxBytesError
	)
	switch {
	case errors.Is(err, errTooLarge), errors.As(err, &tooMany):
		return tooLarge(limit)
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &re):
		return &apperr.Error{Kind: apperr.KindInvalid, Code: "incomplete_upload", Field: "file",
			Message: "the upload ended before the whole file arrived", Err: err}
	}
	return err
}

// Get returns an attachment the user in ctx may see: any attached one
// (agents see every ticket), and the unattached ones they uploaded.
func (s *Service) Get(ctx context.Context, id int64) (*Attachment, error) {
	a, err := get(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return nil, err
	}
	if a.MessageID == nil && attachable(a, id, audit.ActorFrom(ctx).UserID) != nil {
		return nil, apperr.NotFound("attachment")
	}
	return a, nil
}

// Open returns an attachment the user in ctx may see and its file, which
// the caller closes.
func (s *Service) Open(ctx context.Context, id int64) (*Attachment, *os.File, error) {
	a, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.blobs.open(a.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}

// OpenChecked returns attachment id and its file for a caller that has
// decided itself who may see it (the help center's article images, shown
// to anyone while their article is public); the caller closes the file.
func (s *Service) OpenChecked(ctx context.Context, id int64) (*Attachment, *os.File, error) {
	a, err := get(ctx, s.db.Reader(ctx), id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.blobs.open(a.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return a, f, nil
}

// Collected counts what a collection removed.
type Collected struct {
	Attachments int64 // uploads never attached
	Blobs       int   // files no attachment used
	TempFiles   int   // leftovers of interrupted uploads
}

// CollectOrphans removes uploads not attached within OrphanAge, then every
// stored file that no attachment uses (after those removals, and after
// DeleteForMessages), then temporary files that interrupted uploads left.
func (s *Service) CollectOrphans(ctx context.Context) (Collected, error) {
	var c Collected
	cutoff := s.now().Add(-OrphanAge)
	// An upload an article holds as an image (internal/kb) is in use.
	res, err := s.db.Writer(ctx).ExecContext(ctx,
		`DELETE FROM attachments WHERE message_id IS NULL AND created_at < $1
			AND NOT EXISTS (SELECT 1 FROM kb_article_images k WHERE k.attachment_id = attachments.id)`, db.Time(cutoff))
	if err != nil {
		return c, fmt.Errorf("attachment: delete orphans: %w", err)
	}
	if c.Attachments, err = res.RowsAffected(); err != nil {
		return c, fmt.Errorf("attachment: delete orphans: %w", err)
	}
	if c.Blobs, err = s.sweepBlobs(ctx); err != nil {
		return c, err
	}
	c.TempFiles, err = s.blobs.sweepTemp(cutoff)
	return c, err
}

// sweepBlobs removes the files no attachment uses, a batch at a time.
func (s *Service) sweepBlobs(ctx context.Context) (int, error) {
	const batch = 100
	removed := 0
	for {
		sums, err := unusedBlobs(ctx, s.db.Reader(ctx), batch)
		if err != nil {
			return removed, err
		}
		for _, sum := range sums {
			ok, err := s.removeBlob(ctx, sum)
			if err != nil {
				return removed, err
			}
			if ok {
				removed++
			}
		}
		if len(sums) < batch {
			return removed, nil
		}
	}
}

func unusedBlobs(ctx context.Context, q db.Queryer, limit int) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.sha256 FROM blobs b
		WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)
		ORDER BY b.sha256 LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("attachment: find unused blobs: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, fmt.Errorf("attachment: scan blob: %w", err)
		}
		out = append(out, sum)
	}
	return out, rows.Err()
}

// removeBlob deletes a file's row and moves the file aside in one
// transaction, holding the row's lock, so an upload of the same content
// either finishes first (and the file stays) or waits and then stores the
// file afresh. The file is deleted for good only after the commit; if the
// transaction fails, it is put back.
func (s *Service) removeBlob(ctx context.Context, sum string) (bool, error) {
	var trashed string
	removed := false
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if trashed != "" { // an earlier attempt rolled back
			if err := s.blobs.restore(sum, trashed); err != nil {
				return fmt.Errorf("attachment: restore %s: %w", sum, err)
			}
			trashed = ""
		}
		var err error
		removed, err = lockUnused(ctx, tx, sum)
		if err != nil || !removed {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE sha256 = $1`, sum); err != nil {
			return fmt.Errorf("attachment: delete blob %s: %w", sum, err)
		}
		trashed, err = s.blobs.trash(sum)
		return err
	})
	if err != nil {
		if trashed != "" {
			err = errors.Join(err, s.blobs.restore(sum, trashed))
		}
		return false, err
	}
	if trashed != "" {
		_ = os.Remove(trashed) // a leftover is swept with the temporary files
	}
	return removed, nil
}

// lockUnused locks a blob's row and reports whether it still exists and no
// attachment uses it. The check is a statement of its own, after the lock,
// so that on PostgreSQL it sees an upload that committed while it waited.
func lockUnused(ctx context.Context, tx *sql.Tx, sum string) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE blobs SET size = size WHERE sha256 = $1`, sum)
	if err != nil {
		return false, fmt.Errorf("attachment: lock blob %s: %w", sum, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM attachments WHERE sha256 = $1 LIMIT 1`, sum).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("attachment: check blob %s: %w", sum, err)
	}
	return false, nil
}

// CollectEvery runs CollectOrphans every interval until ctx ends.
func (s *Service) CollectEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	background.Every(ctx, interval, log, "collect orphan attachments", func(ctx context.Context) error {
		c, err := s.CollectOrphans(ctx)
		if c != (Collected{}) {
			log.Info("collected orphan attachments", "attachments", c.Attachments, "files", c.Blobs,
				"temporary_files", c.TempFiles)
		}
		return err
	})
}
