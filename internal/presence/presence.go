// Package presence knows which agents are looking at or replying to which
// ticket, for collision warnings. It is state in memory, not in the
// database: an entry lasts TTL after the agent's last heartbeat. On
// PostgreSQL every node tells the others of each heartbeat through a NOTIFY
// channel of its own (see relay.go), so each node holds the whole picture;
// on SQLite there is one node and nothing to relay.
package presence

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// States an agent can be in on a ticket. Left removes the agent at once.
const (
	Viewing  = "viewing"
	Replying = "replying"
	Left     = "left"
)

// TTL is how long an entry lasts without a heartbeat; pages send one every
// 20 seconds.
const TTL = 45 * time.Second

// ParseState checks a state sent by a page.
func ParseState(s string) (string, error) {
	switch s {
	case Viewing, Replying, Left:
		return s, nil
	}
	return "", apperr.Invalid("state", "must be viewing, replying or left, not %q", s)
}

// Agent is one agent present on a ticket.
type Agent struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	State string `json:"state"`
}

// Change is a ticket's whole presence list after it changed.
type Change struct {
	TicketID int64
	Agents   []Agent // ordered by name, then id
}

// Without returns the agents other than id: what that agent is shown.
func (c Change) Without(id int64) []Agent {
	out := make([]Agent, 0, len(c.Agents))
	for _, a := range c.Agents {
		if a.ID != id {
			out = append(out, a)
		}
	}
	return out
}

// update is one heartbeat, local or relayed from another node.
type update struct {
	Node     string `json:"node"`
	TicketID int64  `json:"ticket_id"`
	AgentID  int64  `json:"agent_id"`
	Name     string `json:"name"`
	State    string `json:"state"`
}

type entry struct {
	name, state string
	expires     time.Time
}

// Hub holds the presence entries and hands changes to subscribers.
type Hub struct {
	relay relay // nil on one node
	node  string
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	tickets map[int64]map[int64]*entry
	subs    map[chan Change]struct{}
}

// relay carries heartbeats between nodes.
type relay interface {
	publish(ctx context.Context, u update) error
	listen(ctx context.Context, apply func(update))
}

// NewHub returns a hub for one node; r is nil on a single node (see
// NewPostgresRelay).
func NewHub(r *Relay) *Hub {
	h := &Hub{ttl: TTL, now: time.Now, node: randomNode(),
		tickets: map[int64]map[int64]*entry{}, subs: map[chan Change]struct{}{}}
	if r != nil {
		h.relay = r
	}
	return h
}

// Set records that an agent is in state on a ticket (a heartbeat), tells
// the other nodes, and returns the ticket's presence list.
func (h *Hub) Set(ctx context.Context, ticketID, agentID int64, name, state string) ([]Agent, error) {
	if _, err := ParseState(state); err != nil {
		return nil, err
	}
	u := update{Node: h.node, TicketID: ticketID, AgentID: agentID, Name: name, State: state}
	agents := h.apply(u)
	if h.relay != nil {
		if err := h.relay.publish(ctx, u); err != nil {
			return agents, err
		}
	}
	return agents, nil
}

// Current returns the agents present on a ticket.
func (h *Hub) Current(ticketID int64) []Agent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listLocked(ticketID)
}

// apply records u and publishes the ticket's list if what is shown changed
// (a heartbeat that only extends an entry changes nothing shown).
func (h *Hub) apply(u update) []Agent {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.tickets[u.TicketID]
	old, had := m[u.AgentID]
	changed := false
	switch {
	case u.State == Left:
		if had {
			delete(m, u.AgentID)
			if len(m) == 0 {
				delete(h.tickets, u.TicketID)
			}
			changed = true
		}
	default:
		if m == nil {
			m = map[int64]*entry{}
			h.tickets[u.TicketID] = m
		}
		changed = !had || old.state != u.State || old.name != u.Name
		m[u.AgentID] = &entry{name: u.Name, state: u.State, expires: h.now().Add(h.ttl)}
	}
	list := h.listLocked(u.TicketID)
	if changed {
		h.publishLocked(Change{TicketID: u.TicketID, Agents: list})
	}
	return list
}

func (h *Hub) listLocked(ticketID int64) []Agent {
	out := []Agent{}
	for id, e := range h.tickets[ticketID] {
		out = append(out, Agent{ID: id, Name: e.name, State: e.state})
	}
	slices.SortFunc(out, func(a, b Agent) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out
}

// Subscribe returns a channel of changes until ctx ends. A subscriber that
// falls buffer changes behind is dropped (its channel closed), never waited
// for.
func (h *Hub) Subscribe(ctx context.Context, buffer int) <-chan Change {
	ch := make(chan Change, buffer)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.dropLocked(ch)
	})
	return ch
}

func (h *Hub) dropLocked(ch chan Change) {
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

func (h *Hub) publishLocked(c Change) {
	for ch := range h.subs {
		select {
		case ch <- c:
		default:
			h.dropLocked(ch)
		}
	}
}

// Expire removes the entries whose heartbeat is older than the TTL and
// publishes the lists that changed.
func (h *Hub) Expire() {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	for tid, m := range h.tickets {
		changed := false
		for aid, e := range m {
			if now.After(e.expires) {
				delete(m, aid)
				changed = true
			}
		}
		if len(m) == 0 {
			delete(h.tickets, tid)
		}
		if changed {
			h.publishLocked(Change{TicketID: tid, Agents: h.listLocked(tid)})
		}
	}
}

// Run expires entries, and applies other nodes' heartbeats, until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	if h.relay != nil {
		wg.Go(func() {
			h.relay.listen(ctx, func(u update) {
				if u.Node != h.node {
					h.apply(u)
				}
			})
		})
	}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			h.Expire()
		}
	}
}
