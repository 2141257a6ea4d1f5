// Package live fans what happens out to the agents' open pages (GET /live,
// server-sent events). One Hub per node subscribes once to the event bus
// and to presence, turns each event into a small message (reading what it
// needs once, not once per client), and hands it to every connected
// client through a bounded buffer. A client that falls a buffer behind is
// dropped, never waited for: its page reconnects and reloads what it shows.
//
// What a client may see mirrors the API: every agent may read every ticket
// and its messages (notes included: customers never connect here), and only
// the recipient sees a notification.
package live

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/notify"
	"github.com/centerdesk/centerdesk/internal/presence"
)

// ClientBuffer is how many messages a client may fall behind before it is
// dropped.
const ClientBuffer = 64

// ErrClosed is returned by Join once the hub is closing (the server is
// shutting down): the page retries, reaching another node or this one
// restarted.
var ErrClosed = errors.New("live: shutting down")

// Message is one server-sent event for clients.
type Message struct {
	ID   int64  // the event's id, for Last-Event-ID; 0 for none
	Data []byte // the JSON payload
	To   int64  // only for this user, when not 0
	// Presence, when set, is rendered per client without the client's own
	// agent (nobody is warned about themselves); Data is then empty.
	Presence *presence.Change
}

// Payload returns the JSON a client with user id gets.
func (m *Message) Payload(user int64) []byte {
	if m.Presence == nil {
		return m.Data
	}
	b, _ := json.Marshal(presenceMsg{Type: "presence", TicketID: m.Presence.TicketID, Agents: m.Presence.Without(user)})
	return b
}

// The payloads, as the contract in docs names them.
type (
	ticketMsg struct {
		Type       string `json:"type"`
		ID         int64  `json:"id"`
		Event      string `json:"event"`
		Number     int64  `json:"number"`
		Status     string `json:"status"`
		AssigneeID *int64 `json:"assignee_id"`
		TeamID     *int64 `json:"team_id"`
		// Version is the ticket's version after the change, so a page
		// can tell whether what it shows (a form it rendered) is stale.
		Version int64 `json:"version"`
		// By names the agent who made the change, for the notice a
		// page shows beside a form being edited; empty for the system.
		By string `json:"by,omitempty"`
	}
	messageMsg struct {
		Type      string `json:"type"`
		TicketID  int64  `json:"ticket_id"`
		MessageID int64  `json:"message_id"`
		Kind      string `json:"kind"`
	}
	presenceMsg struct {
		Type     string           `json:"type"`
		TicketID int64            `json:"ticket_id"`
		Agents   []presence.Agent `json:"agents"`
	}
	notificationMsg struct {
		Type     string `json:"type"`
		ID       int64  `json:"id"`
		Kind     string `json:"kind"`
		TicketID int64  `json:"ticket_id"`
		Text     string `json:"text"`
		Unread   int    `json:"unread"`
	}
	// resyncMsg tells pages they may have missed messages: reload what
	// they show.
	resyncMsg struct {
		Type string `json:"type"`
	}
)

// eventBadgeAwarded is recognition.EventBadgeAwarded (package recognition
// is not imported for one name).
const eventBadgeAwarded = "badge.awarded"

// awardMsg tells pages that a badge was awarded.
type awardMsg struct {
	Type     string `json:"type"`
	ID       int64  `json:"id"`
	TicketID int64  `json:"ticket_id"`
}

// ResyncData is the payload that tells a page to reload what it shows.
var ResyncData, _ = json.Marshal(resyncMsg{Type: "resync"})

// Client is one connected page.
type Client struct {
	user int64
	ch   chan *Message
}

// C delivers the client's messages; it is closed when the client was
// dropped (too slow, or the hub closed).
func (c *Client) C() <-chan *Message { return c.ch }

// User is the agent the client belongs to.
func (c *Client) User() int64 { return c.user }

// Hub fans messages out to a node's clients.
type Hub struct {
	db       *db.DB
	bus      *events.Bus
	presence *presence.Hub
	notes    *notify.Service
	log      *slog.Logger

	mu      sync.Mutex
	clients map[*Client]struct{}
	closed  bool
	done    chan struct{} // closed by Close
	dropped int64
}

// NewHub returns a hub; Run feeds it.
func NewHub(d *db.DB, bus *events.Bus, p *presence.Hub, notes *notify.Service, log *slog.Logger) *Hub {
	return &Hub{db: d, bus: bus, presence: p, notes: notes, log: log, clients: map[*Client]struct{}{},
		done: make(chan struct{})}
}

// Join connects a client for user.
func (h *Hub) Join(user int64) (*Client, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	c := &Client{user: user, ch: make(chan *Message, ClientBuffer)}
	h.clients[c] = struct{}{}
	return c, nil
}

// Leave disconnects a client.
func (h *Hub) Leave(c *Client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(c)
}

func (h *Hub) dropLocked(c *Client) {
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.ch)
	}
}

// Clients counts the connected clients.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// Close drops every client and refuses new ones: call it when the server
// starts shutting down, so open streams do not hold the shutdown up.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		close(h.done)
	}
	h.closed = true
	for c := range h.clients {
		h.dropLocked(c)
	}
}

// Done is closed once the hub closes (the server shuts down): other live
// streams end with it, so they do not hold the shutdown up either.
func (h *Hub) Done() <-chan struct{} { return h.done }

// Broadcast hands m to every client it is for, dropping those whose buffer
// is full.
func (h *Hub) Broadcast(m *Message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		if m.To != 0 && m.To != c.user {
			continue
		}
		select {
		case c.ch <- m:
		default:
			h.dropLocked(c)
			h.dropped++
		}
	}
}

// Listen subscribes the hub to the bus and presence now, and returns the
// loop that feeds the hub until ctx ends, to run in a goroutine. When the
// bus drops the hub's subscription (it fell behind, or the feed started
// over), the hub subscribes again and tells every page to reload.
func (h *Hub) Listen(ctx context.Context) (run func()) {
	pres := h.presence.Subscribe(ctx, 1024)
	evs := h.bus.Subscribe(ctx, events.Filter{})
	return func() { h.run(ctx, pres, evs) }
}

func (h *Hub) run(ctx context.Context, pres <-chan presence.Change, evs <-chan events.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case c, ok := <-pres:
			if !ok {
				pres = h.presence.Subscribe(ctx, 1024)
				continue
			}
			h.Broadcast(&Message{Presence: &c})
		case e, ok := <-evs:
			if !ok {
				if ctx.Err() != nil {
					return
				}
				h.log.Warn("live: the event feed dropped the hub; pages will reload")
				h.Broadcast(&Message{Data: ResyncData})
				select { // the bus closes a stopped subscription at once
				case <-ctx.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
				evs = h.bus.Subscribe(ctx, events.Filter{})
				continue
			}
			m, err := h.message(ctx, &e)
			if err != nil {
				h.log.Error("live: prepare event", "event", e.ID, "type", e.Type, "err", err)
				continue
			}
			if m != nil {
				h.Broadcast(m)
			}
		}
	}
}

// message turns an event into what clients get. It returns (nil, nil) by
// design for events pages do not follow, and for a ticket deleted since
// its event: there is nothing to send.
func (h *Hub) message(ctx context.Context, e *events.Event) (*Message, error) {
	switch {
	case e.Type == "message.added":
		id, _ := e.Data["message_id"].(float64)
		kind, _ := e.Data["kind"].(string)
		return encode(e.ID, 0, messageMsg{Type: "message", TicketID: e.TicketID, MessageID: int64(id), Kind: kind})
	case e.Type == notify.EventCreated:
		return h.notification(ctx, e)
	case e.Type == eventBadgeAwarded:
		// The recognition feed offers to show new awards; it loads them
		// itself, so the message only names the award.
		id, _ := e.Data["award_id"].(float64)
		return encode(e.ID, 0, awardMsg{Type: "award", ID: int64(id), TicketID: e.TicketID})
	case strings.HasPrefix(e.Type, "ticket."):
		return h.ticketChange(ctx, e)
	}
	return nil, nil
}

// ticketChange describes a change of a ticket's properties: what the
// inbox rows and an open ticket page need to show it without a reload.
func (h *Hub) ticketChange(ctx context.Context, e *events.Event) (*Message, error) {
	m := ticketMsg{Type: "ticket", ID: e.TicketID, Event: e.Type}
	r := h.db.Reader(ctx)
	err := r.QueryRowContext(ctx, `SELECT number, status, assignee_id, team_id, version FROM tickets WHERE id = $1`,
		e.TicketID).Scan(&m.Number, &m.Status, &m.AssigneeID, &m.TeamID, &m.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // deleted since
	}
	if err != nil {
		return nil, fmt.Errorf("live: read ticket %d: %w", e.TicketID, err)
	}
	if e.ActorType == events.ActorAgent && e.ActorID != nil {
		err := r.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, *e.ActorID).Scan(&m.By)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("live: read user %d: %w", *e.ActorID, err)
		}
	}
	return encode(e.ID, 0, m)
}

func (h *Hub) notification(ctx context.Context, e *events.Event) (*Message, error) {
	nid, _ := e.Data["notification_id"].(float64)
	to, _ := e.Data["recipient_id"].(float64)
	n, err := h.notes.Get(ctx, int64(to), int64(nid))
	if err != nil {
		return nil, err
	}
	unread, err := h.notes.Unread(ctx, n.RecipientID)
	if err != nil {
		return nil, err
	}
	return encode(e.ID, n.RecipientID, notificationMsg{Type: "notification", ID: n.ID, Kind: n.Kind,
		TicketID: n.TicketID, Text: n.Text(), Unread: unread})
}

func encode(id, to int64, v any) (*Message, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("live: encode: %w", err)
	}
	return &Message{ID: id, Data: b, To: to}, nil
}

// Online returns the agents with a page open on this node (a connected
// client), each once: with presence, who the live board counts as online.
func (h *Hub) Online() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[int64]bool{}
	out := []int64{}
	for c := range h.clients {
		if !seen[c.user] {
			seen[c.user] = true
			out = append(out, c.user)
		}
	}
	slices.Sort(out)
	return out
}
