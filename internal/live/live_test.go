package live_test

import (
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/live"
	"github.com/centerdesk/centerdesk/internal/presence"
)

func TestBroadcastDropsSlowClientsAndKeepsPrivateMessagesPrivate(t *testing.T) {
	t.Parallel()
	h := live.NewHub(nil, nil, nil, nil, nil)
	slow, _ := h.Join(1)
	fast, _ := h.Join(2)
	for range live.ClientBuffer + 1 {
		h.Broadcast(&live.Message{Data: []byte(`{"type":"ticket"}`)})
		<-fast.C()
	}
	for range live.ClientBuffer {
		<-slow.C()
	}
	if _, ok := <-slow.C(); ok {
		t.Fatal("a client a whole buffer behind was not dropped")
	}
	if h.Clients() != 1 {
		t.Fatalf("%d clients, want 1", h.Clients())
	}

	// A notification reaches its recipient only.
	other, _ := h.Join(3)
	h.Broadcast(&live.Message{Data: []byte(`{"type":"notification"}`), To: 3})
	if m := <-other.C(); !strings.Contains(string(m.Data), "notification") {
		t.Fatalf("recipient got %s", m.Data)
	}
	select {
	case m := <-fast.C():
		t.Fatalf("another agent got %s", m.Data)
	default:
	}

	// Presence is rendered without the receiving agent.
	m := &live.Message{Presence: &presence.Change{TicketID: 4, Agents: []presence.Agent{{ID: 2, Name: "Bo", State: "viewing"}, {ID: 3, Name: "Cy", State: "replying"}}}}
	if got := string(m.Payload(2)); got != `{"type":"presence","ticket_id":4,"agents":[{"id":3,"name":"Cy","state":"replying"}]}` {
		t.Fatalf("payload for Bo %s", got)
	}

	h.Close()
	if _, ok := <-fast.C(); ok {
		t.Fatal("Close left a client connected")
	}
	if _, err := h.Join(5); err != live.ErrClosed {
		t.Fatalf("join after close: %v", err)
	}
}
