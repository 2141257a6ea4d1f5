package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/centerdesk/centerdesk/internal/egress"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/webhook"
)

// TestDeliverSortsAnswersIntoDoneRetryAndGiveUp posts to a real receiver
// through the guarded client and checks what each answer means to the
// queue.
func TestDeliverSortsAnswersIntoDoneRetryAndGiveUp(t *testing.T) {
	var got struct {
		body, contentType, agent, delivery string
	}
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.body, got.contentType = string(b), r.Header.Get("Content-Type")
		got.agent, got.delivery = r.Header.Get("User-Agent"), r.Header.Get("X-Delivery")
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	loopback := egress.New(egress.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	post := func() error {
		return webhook.Deliver(context.Background(), loopback, srv.URL, []byte(`{"event":"x"}`), http.Header{"X-Delivery": {"7"}})
	}

	if err := post(); err != nil {
		t.Fatalf("a 204 is delivered: %v", err)
	}
	if got.body != `{"event":"x"}` || got.contentType != "application/json" || got.agent != webhook.UserAgent || got.delivery != "7" {
		t.Fatalf("the receiver saw %+v", got)
	}
	for _, c := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusInternalServerError, false},
		{http.StatusBadGateway, false},
		{http.StatusTooManyRequests, false},
		{http.StatusRequestTimeout, false},
		{http.StatusNotFound, true},
		{http.StatusUnauthorized, true},
	} {
		status = c.status
		err := post()
		if err == nil || jobs.IsPermanent(err) != c.permanent {
			t.Errorf("answer %d: %v (permanent %v), want permanent %v", c.status, err, jobs.IsPermanent(err), c.permanent)
		}
	}

	// The guard refuses loopback unless allowed: that never gets better.
	guarded := egress.New(egress.Options{})
	err := webhook.Deliver(context.Background(), guarded, srv.URL, []byte(`{}`), nil)
	if err == nil || !jobs.IsPermanent(err) {
		t.Fatalf("a refused address: %v, want a permanent error", err)
	}
}
