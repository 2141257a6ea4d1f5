package main

// The sse-fanout operation measures how fast a new message reaches agents'
// open pages. On first use it signs in (see pages.go), creates a ticket,
// and opens CENTERDESK_BENCH_SSE_CLIENTS (default 200) event streams on
// GET /live, as that many agents' browsers would. Each operation then posts
// a reply to the ticket through the API and ends when every stream has
// received its message event: its latency is the time from sending the
// reply until the last of the streams had it (so p99 and max are of the
// slowest stream in each round, stricter than per-stream figures).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

func init() { operations["sse-fanout"] = sseFanout }

// fanout is the streams of one run.
type fanout struct {
	once     sync.Once
	err      error
	ticketID int64
	streams  int

	mu      sync.Mutex
	got     map[int64]int           // message id → streams that received it
	done    map[int64]chan struct{} // closed when every stream has it
	dropped int                     // streams that ended
}

var fanouts sync.Map // *client → *fanout

func sseFanout(ctx context.Context, c *client, _ *rand.Rand) error {
	v, _ := fanouts.LoadOrStore(c, &fanout{got: map[int64]int{}, done: map[int64]chan struct{}{}})
	f := v.(*fanout)
	f.once.Do(func() { f.err = f.open(context.WithoutCancel(ctx), c) })
	if f.err != nil {
		return f.err
	}
	var m struct{ ID int64 }
	body := map[string]string{"kind": "note", "body": "Fan-out probe " + strconv.FormatInt(time.Now().UnixNano(), 10)}
	if err := c.call(ctx, "POST", "/api/v1/tickets/"+strconv.FormatInt(f.ticketID, 10)+"/messages", body, &m); err != nil {
		return err
	}
	ch := f.wait(m.ID)
	select {
	case <-ch:
		return nil
	case <-time.After(10 * time.Second):
		f.mu.Lock()
		defer f.mu.Unlock()
		return fmt.Errorf("message %d reached %d of %d streams in 10 s (%d streams ended)", m.ID, f.got[m.ID], f.streams, f.dropped)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// open creates the ticket and connects the streams, waiting until each has
// been answered.
func (f *fanout) open(ctx context.Context, c *client) error {
	h, err := browserFor(ctx, c)
	if err != nil {
		return err
	}
	f.streams = 200
	if s := os.Getenv("CENTERDESK_BENCH_SSE_CLIENTS"); s != "" {
		if f.streams, err = strconv.Atoi(s); err != nil || f.streams < 1 {
			return fmt.Errorf("CENTERDESK_BENCH_SSE_CLIENTS=%q is not a positive number", s)
		}
	}
	var t struct{ ID int64 }
	err = c.call(ctx, "POST", "/api/v1/tickets", map[string]any{"subject": "Fan-out bench",
		"body": "A ticket for the fan-out bench.", "requester": map[string]string{"email": "fanout@customers.bench.test"}}, &t)
	if err != nil {
		return err
	}
	f.ticketID = t.ID
	// The streams need their own connections, with no client timeout.
	sse := &http.Client{Jar: h.Jar, Transport: &http.Transport{MaxIdleConnsPerHost: f.streams}}
	ready := make(chan error, f.streams)
	for range f.streams {
		go f.stream(ctx, sse, c.base, ready)
	}
	for range f.streams {
		if err := <-ready; err != nil {
			return err
		}
	}
	return nil
}

// stream reads one event stream, counting each message event on the
// bench's ticket.
func (f *fanout) stream(ctx context.Context, h *http.Client, base string, ready chan<- error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/live", nil)
	if err != nil {
		ready <- err
		return
	}
	resp, err := h.Do(req)
	if err != nil {
		ready <- err
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ready <- fmt.Errorf("GET /live: %d", resp.StatusCode)
		return
	}
	ready <- nil
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var m struct {
			Type      string `json:"type"`
			TicketID  int64  `json:"ticket_id"`
			MessageID int64  `json:"message_id"`
		}
		if json.Unmarshal([]byte(data), &m) == nil && m.Type == "message" && m.TicketID == f.ticketID {
			f.received(m.MessageID)
		}
	}
	f.mu.Lock()
	f.dropped++
	f.mu.Unlock()
}

func (f *fanout) received(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got[id]++
	if f.got[id] == f.streams {
		f.doneLocked(id)
	}
}

// wait returns a channel closed once every stream has message id.
func (f *fanout) wait(id int64) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.doneLocked(id)
}

// doneLocked returns id's channel, closed when all streams have it.
func (f *fanout) doneLocked(id int64) chan struct{} {
	ch, ok := f.done[id]
	if !ok {
		ch = make(chan struct{})
		f.done[id] = ch
	}
	if f.got[id] >= f.streams {
		select {
		case <-ch:
		default:
			close(ch)
		}
	}
	return ch
}
