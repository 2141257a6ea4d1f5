package recognition_test

import (
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestWebhookReachesOnlyPublicAddresses(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.dns.set("hooks.example.com", "93.184.215.14")
		e.dns.set("metadata.example.com", "169.254.169.254")
		if _, err := e.rec.SetWebhook(e.ctx(e.lead), e.lead, recognition.WebhookInput{URL: "https://hooks.example.com/a"}); err != nil {
			t.Fatal(err)
		}
		audits := testutil.Count(t, d, "audit_log")
		for url, want := range map[string]string{
			"http://10.0.0.5/hook":              "10.0.0.5 is a private address",
			"http://169.254.169.254/latest":     "link-local",
			"http://[::ffff:10.0.0.5]/":         "IPv4-mapped",
			"http://2130706433/":                "not an IP address written the usual way",
			"http://metadata.example.com/":      "metadata.example.com resolves to 169.254.169.254",
			"http://admin:pw@hooks.example.com": "user name or password",
		} {
			_, err := e.rec.SetWebhook(e.ctx(e.lead), e.lead, recognition.WebhookInput{URL: url})
			wantKind(t, err, "url")
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", url, err, want)
			}
		}
		hook, err := e.rec.Webhook(e.ctx(e.lead), e.lead)
		if err != nil || hook.URL != "https://hooks.example.com/a" {
			t.Fatalf("after refusals the webhook is %+v %v", hook, err)
		}
		if n := testutil.Count(t, d, "audit_log"); n != audits {
			t.Fatalf("refusals wrote %d audit rows", n-audits)
		}
	})
}

// A name that was public when saved and points inside when the post is
// made (DNS rebinding) is refused at connect, for good.
func TestWebhookRefusedAtConnectDiesAtOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.dns.set("rebind.example.com", "93.184.215.14")
		if _, err := e.rec.SetWebhook(e.ctx(e.lead), e.lead, recognition.WebhookInput{URL: "http://rebind.example.com/hook"}); err != nil {
			t.Fatal(err)
		}
		e.dns.set("rebind.example.com", "10.0.0.5")
		e.award(0, e.ticketOf(e.ann), "Listened first.")
		if n := e.runJobs(); n != 1 {
			t.Fatalf("ran %d jobs", n)
		}
		var state, last string
		var attempts int
		err := d.Read().QueryRow(`SELECT state, attempts, last_error FROM jobs WHERE kind = $1`, recognition.KindWebhook).
			Scan(&state, &attempts, &last)
		if err != nil {
			t.Fatal(err)
		}
		if state != jobs.StateDead || attempts != 1 || !strings.Contains(last, "rebind.example.com resolves to 10.0.0.5, a private address") {
			t.Fatalf("job %s after %d attempts: %s", state, attempts, last)
		}
	})
}
