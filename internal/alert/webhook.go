package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">".
const SignatureHeader = "Centerdesk-Signature"

// Sign returns the value of SignatureHeader for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a SignatureHeader value against body as a receiver would:
// the MAC compared in constant time, and t within tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("alert: malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("alert: signature too old or from the future")
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return errors.New("alert: signature does not match")
	}
	return nil
}

// postWebhook is the KindWebhook job. The body was fixed with the change of
// state; the signature is made at each attempt with the rule's current
// secret. Timeouts, 5xx, 408 and 429 are retried; another refusal is not.
func (s *Service) postWebhook(ctx context.Context, j *jobs.Job) error {
	var p webhookJob
	if err := j.Decode(&p); err != nil {
		return err
	}
	r, err := s.rule(ctx, s.db.Reader(ctx), p.RuleID)
	if apperr.Is(err, apperr.KindNotFound) {
		return nil // the rule was deleted: nobody is waiting for it
	}
	if err != nil {
		return err
	}
	header := http.Header{}
	header.Set("Centerdesk-Delivery", strconv.FormatInt(j.ID, 10))
	header.Set(SignatureHeader, Sign(r.WebhookSecret, s.now(), p.Body))
	if err := webhook.Deliver(ctx, s.opts.Egress, p.URL, p.Body, header); err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	return nil
}
