package settings_test

import (
	"context"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestSettings(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := settings.NewStore(d)
		s, err := st.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Require2FA || s.AttachmentMaxBytes != settings.DefaultAttachmentMaxBytes {
			t.Fatalf("defaults %+v", s)
		}
		limit := int64(5 << 20)
		s, err = st.Update(ctx, settings.Patch{AttachmentMaxBytes: &limit})
		if err != nil {
			t.Fatal(err)
		}
		if s.AttachmentMaxBytes != limit || s.Require2FA {
			t.Fatalf("after update %+v", s)
		}
		for _, bad := range []int64{0, -1, settings.MaxAttachmentMaxBytes + 1} {
			_, err := st.Update(ctx, settings.Patch{AttachmentMaxBytes: &bad})
			if e, ok := apperr.As(err); !ok || e.Field != "attachment_max_bytes" {
				t.Errorf("limit %d: %v", bad, err)
			}
		}
		if _, err := st.Update(ctx, settings.Patch{}); !apperr.Is(err, apperr.KindInvalid) {
			t.Errorf("empty patch: %v", err)
		}
		if s, _ = st.Get(ctx); s.AttachmentMaxBytes != limit {
			t.Fatalf("a refused update changed %+v", s)
		}
		var audits int
		if err := d.Read().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'settings.updated'
			AND target_id = 'attachment_max_bytes'`).Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("%d audit entries, %v", audits, err)
		}
	})
}
