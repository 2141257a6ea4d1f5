package settings_test

import (
	"context"
	"fmt"
	"strings"
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

func TestBranding(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := settings.NewStore(d)
		s, err := st.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.CompanyName != settings.DefaultCompanyName || s.BrandColour != settings.DefaultBrandColour {
			t.Fatalf("branding defaults %+v", s)
		}
		name, colour := "  Acme   Corp ", "#FFD700"
		if s, err = st.Update(ctx, settings.Patch{CompanyName: &name, BrandColour: &colour}); err != nil {
			t.Fatal(err)
		}
		if s.CompanyName != "Acme Corp" || s.BrandColour != "#ffd700" || s.BrandTextColour() != "#000000" {
			t.Fatalf("after update %+v, text %s", s, s.BrandTextColour())
		}
		for _, bad := range []string{"red", "#fff", "#12345g", "1f5f99", "#1f5f99;}", ""} {
			_, err := st.Update(ctx, settings.Patch{BrandColour: &bad})
			if e, ok := apperr.As(err); !ok || e.Field != "brand_colour" || e.Kind != apperr.KindUnprocessable {
				t.Errorf("colour %q: %v", bad, err)
			}
		}
		for _, bad := range []string{" ", strings.Repeat("x", settings.MaxCompanyName+1)} {
			_, err := st.Update(ctx, settings.Patch{CompanyName: &bad})
			if e, ok := apperr.As(err); !ok || e.Field != "company_name" {
				t.Errorf("name %q: %v", bad, err)
			}
		}
	})
}

// Whatever colour admins pick, text on it meets WCAG AA (4.5:1).
func TestBrandTextContrast(t *testing.T) {
	t.Parallel()
	for v := 0; v < 1<<24; v += 0x010307 {
		s := settings.Settings{BrandColour: fmt.Sprintf("#%06x", v)}
		text := s.BrandTextColour()
		if c := settings.Contrast(settings.Luminance(s.BrandColour), settings.Luminance(text)); c < 4.5 {
			t.Fatalf("%s on %s: contrast %.2f", text, s.BrandColour, c)
		}
	}
	if got := (settings.Settings{BrandColour: "#1f5f99"}).BrandTextColour(); got != "#ffffff" {
		t.Fatalf("text on dark blue: %s", got)
	}
}
