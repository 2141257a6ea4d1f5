package attachment

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
)

const columns = `id, message_id, uploaded_by, sha256, size, filename, content_type, created_at`

func scan(row interface{ Scan(...any) error }) (*Attachment, error) {
	var a Attachment
	err := row.Scan(&a.ID, &a.MessageID, &a.UploadedBy, &a.SHA256, &a.Size, &a.Filename,
		&a.ContentType, db.ScanTime(&a.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func get(ctx context.Context, q db.Queryer, id int64) (*Attachment, error) {
	a, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM attachments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("attachment")
	}
	if err != nil {
		return nil, fmt.Errorf("attachment: get %d: %w", id, err)
	}
	return a, nil
}

// claimBlob records a stored file, or finds its record. On PostgreSQL the
// upsert also locks the row until the transaction ends, so the collector
// cannot remove the file while an attachment to it is being added.
func claimBlob(ctx context.Context, q db.Queryer, sum string, size int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `
		INSERT INTO blobs (sha256, size, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (sha256) DO UPDATE SET size = excluded.size`, sum, size, db.Time(now))
	if err != nil {
		return fmt.Errorf("attachment: claim blob %s: %w", sum, err)
	}
	return nil
}

func insert(ctx context.Context, q db.Queryer, a *Attachment) error {
	err := q.QueryRowContext(ctx, `
		INSERT INTO attachments (message_id, uploaded_by, sha256, size, filename, content_type, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.MessageID, a.UploadedBy, a.SHA256, a.Size, a.Filename, a.ContentType, db.Time(a.CreatedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("attachment: insert: %w", err)
	}
	return nil
}

// Attach attaches the uploads ids to message messageID, in the caller's
// transaction (the one that stores the message), on behalf of uploaderID
// (0: the system). It refuses, naming the field "attachments", an id listed
// twice, an id that does not exist, one attached to a message already, and
// one that someone else uploaded. It returns the attachments ordered by id.
func Attach(ctx context.Context, q db.Queryer, messageID, uploaderID int64, ids []int64) ([]Attachment, error) {
	if len(ids) == 0 {
		return []Attachment{}, nil
	}
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	found, err := byIDs(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := attachable(found[id], id, uploaderID); err != nil {
			return nil, err
		}
	}
	marks, args := db.InList(2, ids)
	res, err := q.ExecContext(ctx, `UPDATE attachments SET message_id = $1
		WHERE message_id IS NULL AND id IN (`+marks+`)`, append([]any{messageID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("attachment: attach to message %d: %w", messageID, err)
	}
	// Another message may have taken one of them since they were read.
	if n, err := res.RowsAffected(); err != nil || n != int64(len(ids)) {
		return nil, apperr.Unprocessable("attachments", "an attachment was attached to another message meanwhile")
	}
	out := make([]Attachment, 0, len(ids))
	for _, a := range found {
		a.MessageID = &messageID
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Attachment) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func checkIDs(ids []int64) error {
	if len(ids) > MaxPerMessage {
		return apperr.Invalid("attachments", "a message has at most %d attachments", MaxPerMessage)
	}
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return apperr.Invalid("attachments", "%d is not an id", id)
		}
		if seen[id] {
			return apperr.Invalid("attachments", "lists attachment %d twice", id)
		}
		seen[id] = true
	}
	return nil
}

// attachable says why a, found by id, cannot be attached by uploaderID.
func attachable(a *Attachment, id, uploaderID int64) error {
	switch {
	case a == nil:
		return apperr.Unprocessable("attachments", "no attachment has id %d", id)
	case a.MessageID != nil:
		return apperr.Unprocessable("attachments", "attachment %d is attached to another message", id)
	case uploaderID == 0 && a.UploadedBy != nil, uploaderID != 0 && (a.UploadedBy == nil || *a.UploadedBy != uploaderID):
		return apperr.Unprocessable("attachments", "attachment %d was uploaded by someone else", id)
	}
	return nil
}

func byIDs(ctx context.Context, q db.Queryer, ids []int64) (map[int64]*Attachment, error) {
	marks, args := db.InList(1, ids)
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM attachments WHERE id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("attachment: read %v: %w", ids, err)
	}
	defer rows.Close()
	out := make(map[int64]*Attachment, len(ids))
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("attachment: scan: %w", err)
		}
		out[a.ID] = a
	}
	return out, rows.Err()
}

// chunk bounds the ids in one IN list, well under either database's limit
// on parameters.
const chunk = 500

// ForMessages returns the attachments of the given messages, by message id,
// each list ordered by id. A message without attachments has no entry.
func ForMessages(ctx context.Context, q db.Queryer, messageIDs []int64) (map[int64][]Attachment, error) {
	out := make(map[int64][]Attachment)
	for part := range slices.Chunk(messageIDs, chunk) {
		marks, args := db.InList(1, part)
		rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM attachments
			WHERE message_id IN (`+marks+`) ORDER BY message_id, id`, args...)
		if err != nil {
			return nil, fmt.Errorf("attachment: list for messages: %w", err)
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				a, err := scan(rows)
				if err != nil {
					return fmt.Errorf("attachment: scan: %w", err)
				}
				out[*a.MessageID] = append(out[*a.MessageID], *a)
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteForMessages deletes the attachments of the given messages in the
// caller's transaction (erasing a customer's data, for one). Their files
// stay on disk until no attachment uses them and the collector runs: call
// Service.CollectOrphans after the transaction commits to remove them at
// once. It returns how many attachments it deleted.
func DeleteForMessages(ctx context.Context, q db.Queryer, messageIDs []int64) (int64, error) {
	var total int64
	for part := range slices.Chunk(messageIDs, chunk) {
		marks, args := db.InList(1, part)
		res, err := q.ExecContext(ctx, `DELETE FROM attachments WHERE message_id IN (`+marks+`)`, args...)
		if err != nil {
			return total, fmt.Errorf("attachment: delete for messages: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("attachment: delete for messages: %w", err)
		}
		total += n
	}
	return total, nil
}
