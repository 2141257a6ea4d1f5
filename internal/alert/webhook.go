package alert

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// SignatureHeader carries the post's signature (webhook.Sign).
const SignatureHeader = webhook.SignatureHeader

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
	header.Set(SignatureHeader, webhook.Sign(r.WebhookSecret, s.now(), p.Body))
	if err := webhook.Deliver(ctx, s.opts.Egress, p.URL, p.Body, header); err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	return nil
}
