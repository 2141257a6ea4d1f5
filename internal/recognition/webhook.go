package recognition

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/settings"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// Job kinds of this package.
const (
	KindWebhook    = "recognition.webhook"
	KindDigest     = "recognition.digest"
	KindDigestMail = "recognition.digest_mail"
)

// The settings (rows of the settings table) that send awards on.
const (
	settingWebhookURL    = "recognition_webhook_url"
	settingWebhookSecret = "recognition_webhook_secret" // sealed with the instance's key
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body,
// keyed with the webhook's secret, so a receiver can check that a post
// came from this desk.
const SignatureHeader = "X-Centerdesk-Signature"

const (
	webhookAttempts = 8
	webhookTimeout  = 10 * time.Second
)

// Webhook is where awards are posted, and the secret that signs them.
// Only admins read it.
type Webhook struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// WebhookInput sets the webhook's URL ("" stops posting); RotateSecret
// replaces the secret.
type WebhookInput struct {
	URL          string `json:"url"`
	RotateSecret bool   `json:"rotate_secret"`
}

func requireAdmin(u *user.User) error {
	if err := requireUser(u); err != nil {
		return err
	}
	if !u.IsAdmin() {
		return apperr.Forbidden("only admins may do this")
	}
	return nil
}

// Webhook returns the webhook's settings; admins only.
func (s *Service) Webhook(ctx context.Context, who *user.User) (*Webhook, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	return s.webhook(ctx, s.db.Reader(ctx))
}

func (s *Service) webhook(ctx context.Context, q db.Queryer) (*Webhook, error) {
	w := &Webhook{}
	var err error
	if w.URL, err = settings.Value(ctx, q, settingWebhookURL); err != nil {
		return nil, err
	}
	sealed, err := settings.Value(ctx, q, settingWebhookSecret)
	if err != nil || sealed == "" {
		return w, err
	}
	if w.Secret, err = s.box.Open(sealed); err != nil {
		return nil, fmt.Errorf("recognition: open the webhook secret (was the secret key changed?): %w", err)
	}
	return w, nil
}

// SetWebhook changes the webhook; admins only. A secret is made the first
// time a URL is set.
func (s *Service) SetWebhook(ctx context.Context, who *user.User, in WebhookInput) (*Webhook, error) {
	if err := requireAdmin(who); err != nil {
		return nil, err
	}
	u, err := s.checkWebhookURL(ctx, in.URL)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		cur, err := s.webhook(ctx, tx)
		if err != nil {
			return err
		}
		if err := settings.PutTx(ctx, tx, settingWebhookURL, u, db.Now()); err != nil {
			return err
		}
		rotated := in.RotateSecret || (cur.Secret == "" && u != "")
		if rotated {
			sealed, err := s.box.Seal(newSecret())
			if err != nil {
				return err
			}
			if err := settings.PutTx(ctx, tx, settingWebhookSecret, sealed, db.Now()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "recognition.webhook_updated", "setting", settingWebhookURL,
			map[string]any{"before": cur.URL, "after": u, "secret_rotated": rotated})
	})
	if err != nil {
		return nil, err
	}
	return s.webhook(ctx, s.db.Reader(ctx))
}

// checkWebhookURL refuses a URL the guarded client would not post to, so
// the admin learns why now rather than from a dead job.
func (s *Service) checkWebhookURL(ctx context.Context, raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	u, err := s.opts.Egress.CheckURL(ctx, raw)
	if err != nil {
		return "", apperr.Invalid("url", "%v", err)
	}
	return u, nil
}

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// webhookJob is the payload of a KindWebhook job: the body is fixed when
// the award is made, so a retry posts the same bytes.
type webhookJob struct {
	URL  string          `json:"url"`
	Body json.RawMessage `json:"body"`
}

// WebhookBody is what a webhook receives for each award.
type WebhookBody struct {
	Event string `json:"event"` // badge.awarded
	Award *Award `json:"award"`
	Link  string `json:"link"` // the feed, or the ticket
}

// queueWebhook queues the post of award a when a webhook is set, in the
// award's transaction.
func (s *Service) queueWebhook(ctx context.Context, tx *sql.Tx, a *Award) error {
	hook, err := settings.Value(ctx, tx, settingWebhookURL)
	if err != nil || hook == "" {
		return err
	}
	full, err := getAward(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	full.Reactions, full.Comments = []Reaction{}, []Comment{}
	body, err := json.Marshal(WebhookBody{Event: EventBadgeAwarded, Award: full,
		Link: s.link("/recognition#award-" + strconv.FormatInt(a.ID, 10))})
	if err != nil {
		return fmt.Errorf("recognition: encode webhook: %w", err)
	}
	_, err = s.queue.Enqueue(ctx, tx, KindWebhook, webhookJob{URL: hook, Body: body},
		jobs.EnqueueOptions{UniqueKey: "award:" + strconv.FormatInt(a.ID, 10)})
	return err
}

// link makes path absolute when the public URL is known.
func (s *Service) link(path string) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + path
}

// Sign returns the value of SignatureHeader for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// postWebhook is the KindWebhook job. Server errors, timeouts and 408/429
// are retried; another refusal (the URL is wrong) is not.
func (s *Service) postWebhook(ctx context.Context, j *jobs.Job) error {
	var p webhookJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	hook, err := s.webhook(ctx, s.db.Reader(ctx))
	if err != nil {
		return err
	}
	header := http.Header{}
	header.Set("X-Centerdesk-Event", EventBadgeAwarded)
	header.Set("X-Centerdesk-Delivery", strconv.FormatInt(j.ID, 10))
	if hook.Secret != "" {
		header.Set(SignatureHeader, Sign(hook.Secret, p.Body))
	}
	if err := webhook.Deliver(ctx, s.opts.Egress, p.URL, p.Body, header); err != nil {
		return fmt.Errorf("recognition: %w", err)
	}
	return nil
}
