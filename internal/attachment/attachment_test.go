package attachment_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// env is an attachment service over a fresh database and directory, with
// an agent to upload as.
type env struct {
	t       *testing.T
	d       *db.DB
	s       *attachment.Service
	dir     string
	agent   context.Context // acts as agentID
	agentID int64
}

func newEnv(t *testing.T, d *db.DB) *env {
	dir := filepath.Join(t.TempDir(), "attachments")
	id := testutil.NewUser(t, d, "agent")
	return &env{t: t, d: d, s: attachment.NewService(d, dir, settings.NewStore(d)), dir: dir,
		agent: testutil.As(id), agentID: id}
}

func (e *env) upload(ctx context.Context, name string, content []byte) *attachment.Attachment {
	e.t.Helper()
	a, err := e.s.Upload(ctx, attachment.Upload{Filename: name, Body: bytes.NewReader(content), Size: -1})
	if err != nil {
		e.t.Fatalf("upload %s: %v", name, err)
	}
	return a
}

func (e *env) blobPath(sum string) string { return filepath.Join(e.dir, sum[:2], sum[2:4], sum) }

// files counts the stored files (not temporary ones).
func (e *env) files() int {
	e.t.Helper()
	n := 0
	err := filepath.WalkDir(e.dir, func(path string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if d != nil && d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// message makes a ticket and returns the id of its first message.
func (e *env) message() int64 {
	e.t.Helper()
	tickets := ticket.NewService(e.d)
	tk, err := tickets.Create(e.agent, ticket.NewTicket{Subject: "Files", Body: "See attached",
		Requester: ticket.Requester{Email: "ada@example.com"}, Channel: "api"})
	if err != nil {
		e.t.Fatal(err)
	}
	ms, err := tickets.Messages(e.agent, tk.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms[0].ID
}

func (e *env) attach(ctx context.Context, messageID, uploader int64, ids ...int64) ([]attachment.Attachment, error) {
	var out []attachment.Attachment
	err := e.d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = attachment.Attach(ctx, tx, messageID, uploader, ids)
		return err
	})
	return out, err
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestUploadStoresContentOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		content := []byte("%PDF-1.7\nthe same invoice")
		first := e.upload(e.agent, `C:\scans\invoice.pdf`, content)
		other := testutil.As(testutil.NewUser(t, d, "agent"))
		second := e.upload(other, "copy.pdf", content)
		if first.ID == second.ID || first.SHA256 != sum(content) || second.SHA256 != first.SHA256 {
			t.Fatalf("uploads %+v %+v", first, second)
		}
		if first.Filename != "invoice.pdf" || first.Size != int64(len(content)) ||
			first.ContentType != "application/pdf" || first.MessageID != nil {
			t.Fatalf("first %+v", first)
		}
		if n := e.files(); n != 1 {
			t.Fatalf("%d files on disk for one content", n)
		}
		if n := testutil.Count(t, d, "blobs"); n != 1 {
			t.Fatalf("%d blob rows", n)
		}
		got, err := os.ReadFile(e.blobPath(first.SHA256))
		if err != nil || !bytes.Equal(got, content) {
			t.Fatalf("stored %q, %v", got, err)
		}
		e.upload(e.agent, "other.txt", []byte("different"))
		if n := e.files(); n != 2 {
			t.Fatalf("%d files, want 2", n)
		}
		a, f, err := e.s.Open(e.agent, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if b, _ := io.ReadAll(f); !bytes.Equal(b, content) || a.ID != first.ID {
			t.Fatalf("opened %q", b)
		}
	})
}

func TestUploadLimits(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		limit := int64(settings.MinAttachmentMaxBytes)
		if _, err := settings.NewStore(d).Update(context.Background(), settings.Patch{AttachmentMaxBytes: &limit}); err != nil {
			t.Fatal(err)
		}
		tooBig := []attachment.Upload{
			{Filename: "big.bin", Body: bytes.NewReader(make([]byte, limit+1)), Size: -1},
			{Filename: "big.bin", Body: strings.NewReader("never read"), Size: limit + 1},
		}
		for _, up := range tooBig {
			_, err := e.s.Upload(e.agent, up)
			if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindUnprocessable || ae.Field != "file" || ae.Code != "too_large" {
				t.Fatalf("over the limit: %v", err)
			}
		}
		bad := map[string]attachment.Upload{
			"file":     {Filename: "empty.txt", Body: strings.NewReader(""), Size: -1},
			"filename": {Filename: "  ", Body: strings.NewReader("x"), Size: -1},
		}
		for field, up := range bad {
			_, err := e.s.Upload(e.agent, up)
			if ae, ok := apperr.As(err); !ok || ae.Kind != apperr.KindInvalid || ae.Field != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		if n := testutil.Count(t, d, "attachments") + testutil.Count(t, d, "blobs") + e.files(); n != 0 {
			t.Fatalf("refused uploads left %d rows and files", n)
		}
		if tmp, _ := os.ReadDir(filepath.Join(e.dir, "tmp")); len(tmp) != 0 {
			t.Fatalf("refused uploads left %d temporary files", len(tmp))
		}
		e.upload(e.agent, "exact.bin", make([]byte, limit))
	})
}

func TestAttachRules(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		agentID := e.agentID
		otherID := testutil.NewUser(t, d, "agent")
		other := testutil.As(otherID)
		mine := e.upload(e.agent, "mine.txt", []byte("mine"))
		mine2 := e.upload(e.agent, "mine2.txt", []byte("mine too"))
		theirs := e.upload(other, "theirs.txt", []byte("theirs"))
		msg, msg2 := e.message(), e.message()

		got, err := e.attach(ctx, msg, agentID, mine2.ID, mine.ID)
		if err != nil || len(got) != 2 || got[0].ID != mine.ID || *got[0].MessageID != msg {
			t.Fatalf("attached %+v, %v", got, err)
		}
		refused := map[string]struct {
			uploader int64
			ids      []int64
			kind     apperr.Kind
		}{
			"attached already":  {agentID, []int64{mine.ID}, apperr.KindUnprocessable},
			"someone else's":    {agentID, []int64{theirs.ID}, apperr.KindUnprocessable},
			"by the system":     {0, []int64{theirs.ID}, apperr.KindUnprocessable},
			"unknown":           {agentID, []int64{99999}, apperr.KindUnprocessable},
			"listed twice":      {otherID, []int64{theirs.ID, theirs.ID}, apperr.KindInvalid},
			"not an id":         {otherID, []int64{0}, apperr.KindInvalid},
			"one bad among two": {otherID, []int64{theirs.ID, mine.ID}, apperr.KindUnprocessable},
		}
		for name, r := range refused {
			_, err := e.attach(ctx, msg2, r.uploader, r.ids...)
			if ae, ok := apperr.As(err); !ok || ae.Kind != r.kind || ae.Field != "attachments" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if a, _ := e.s.Get(other, theirs.ID); a.MessageID != nil {
			t.Fatalf("a refused attach attached %+v", a)
		}
		// Unattached uploads are their uploader's alone; attached ones are
		// seen by every agent, as their tickets are.
		if _, err := e.s.Get(e.agent, theirs.ID); !apperr.Is(err, apperr.KindNotFound) {
			t.Errorf("someone else's upload: %v", err)
		}
		if _, err := e.s.Get(other, mine.ID); err != nil {
			t.Errorf("an attached file: %v", err)
		}
		byMsg, err := attachment.ForMessages(ctx, d.Read(), []int64{msg, msg2})
		if err != nil || len(byMsg[msg]) != 2 || len(byMsg[msg2]) != 0 {
			t.Fatalf("for messages %+v, %v", byMsg, err)
		}
	})
}

func (e *env) age(ids ...int64) {
	e.t.Helper()
	old := db.Time(time.Now().Add(-attachment.OrphanAge - time.Hour))
	for _, id := range ids {
		if _, err := e.d.Write().Exec(`UPDATE attachments SET created_at = $1 WHERE id = $2`, old, id); err != nil {
			e.t.Fatal(err)
		}
	}
}

func TestCollectOrphans(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		shared, lonely, fresh := []byte("shared content"), []byte("lonely content"), []byte("fresh content")
		orphan := e.upload(e.agent, "a.txt", shared)
		orphan2 := e.upload(e.agent, "b.txt", lonely)
		kept := e.upload(e.agent, "c.txt", shared)
		young := e.upload(e.agent, "d.txt", fresh)
		msg := e.message()
		if _, err := e.attach(ctx, msg, e.agentID, kept.ID); err != nil {
			t.Fatal(err)
		}
		e.age(orphan.ID, orphan2.ID, kept.ID)
		tmp := filepath.Join(e.dir, "tmp")
		oldTemp, newTemp := filepath.Join(tmp, "upload-crashed"), filepath.Join(tmp, "upload-running")
		for _, p := range []string{oldTemp, newTemp} {
			if err := os.WriteFile(p, []byte("partial"), 0o640); err != nil {
				t.Fatal(err)
			}
		}
		longAgo := time.Now().Add(-48 * time.Hour)
		if err := os.Chtimes(oldTemp, longAgo, longAgo); err != nil {
			t.Fatal(err)
		}

		c, err := e.s.CollectOrphans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c != (attachment.Collected{Attachments: 2, Blobs: 1, TempFiles: 1}) {
			t.Fatalf("collected %+v", c)
		}
		for _, id := range []int64{orphan.ID, orphan2.ID} {
			if _, err := e.s.Get(e.agent, id); !apperr.Is(err, apperr.KindNotFound) {
				t.Errorf("orphan %d: %v", id, err)
			}
		}
		exists := map[string]bool{sum(shared): true, sum(lonely): false, sum(fresh): true}
		for s, want := range exists {
			if _, err := os.Stat(e.blobPath(s)); (err == nil) != want {
				t.Errorf("file %s exists: %v, want %v", s[:8], err == nil, want)
			}
		}
		if _, err := os.Stat(oldTemp); !os.IsNotExist(err) {
			t.Errorf("old temporary file: %v", err)
		}
		if _, err := os.Stat(newTemp); err != nil {
			t.Errorf("an upload in progress lost its file: %v", err)
		}
		if _, err := e.s.Get(e.agent, young.ID); err != nil {
			t.Errorf("a fresh upload was collected: %v", err)
		}

		// Erasing a message's attachments frees their file for the collector.
		err = d.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			n, err := attachment.DeleteForMessages(ctx, tx, []int64{msg})
			if err == nil && n != 1 {
				err = fmt.Errorf("deleted %d", n)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = e.s.CollectOrphans(ctx); err != nil || c.Blobs != 1 {
			t.Fatalf("after erasure: %+v, %v", c, err)
		}
		if _, err := os.Stat(e.blobPath(sum(shared))); !os.IsNotExist(err) {
			t.Fatalf("erased content still on disk: %v", err)
		}
		if c, err = e.s.CollectOrphans(ctx); err != nil || c != (attachment.Collected{}) {
			t.Fatalf("collecting again: %+v, %v", c, err)
		}
		// Content collected and uploaded again is stored afresh.
		again := e.upload(e.agent, "again.txt", shared)
		if _, f, err := e.s.Open(e.agent, again.ID); err != nil {
			t.Fatal(err)
		} else {
			f.Close()
		}
	})
}

// TestCollectRacesUploads runs the collector while the content it is about
// to remove is uploaded again, and checks every attachment left has its
// file.
func TestCollectRacesUploads(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		const rounds, uploads = 12, 3
		for i := range rounds {
			content := fmt.Appendf(nil, "contended content %d", i)
			orphan := e.upload(e.agent, "old.txt", content)
			e.age(orphan.ID)
			var wg sync.WaitGroup
			wg.Go(func() {
				if _, err := e.s.CollectOrphans(ctx); err != nil {
					t.Error(err)
				}
			})
			for range uploads {
				wg.Go(func() {
					if _, err := e.s.Upload(e.agent, attachment.Upload{Filename: "new.txt",
						Body: bytes.NewReader(content), Size: -1}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		rows, err := d.Read().Query(`SELECT id FROM attachments`)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) != rounds*uploads {
			t.Fatalf("%d attachments, want the %d fresh uploads", len(ids), rounds*uploads)
		}
		for _, id := range ids {
			_, f, err := e.s.Open(e.agent, id)
			if err != nil {
				t.Fatalf("attachment %d lost its file: %v", id, err)
			}
			f.Close()
		}
	})
}
