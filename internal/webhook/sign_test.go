package webhook_test

import (
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/webhook"
)

// TestSignatureVerifies: a signature verifies with its secret and body
// near its time, and not with another secret, another body or too late.
func TestSignatureVerifies(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	body := []byte(`{"event_id":1}`)
	h := webhook.Sign("whsec_a", at, body)
	if h[:13] != "t=1800000000," {
		t.Fatalf("header %q", h)
	}
	if err := webhook.Verify("whsec_a", h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"secret":    webhook.Verify("whsec_b", h, body, at, 5*time.Minute),
		"body":      webhook.Verify("whsec_a", h, []byte(`{"event_id":2}`), at, 5*time.Minute),
		"too late":  webhook.Verify("whsec_a", h, body, at.Add(time.Hour), 5*time.Minute),
		"malformed": webhook.Verify("whsec_a", "v1=00", body, at, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("another %s verifies", name)
		}
	}
}
