package hooksub

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/ticket"
)

// ConsumerName keys the consumer's progress in event_consumers.
const ConsumerName = "hooksub"

// Payload is the JSON body of every post. EventID is the same for every
// attempt and every redelivery of one event to one subscription, so a
// receiver de-duplicates on it.
type Payload struct {
	EventID        int64          `json:"event_id"`
	Type           string         `json:"type"`
	At             time.Time      `json:"at"`
	SubscriptionID int64          `json:"subscription_id"`
	TicketID       int64          `json:"ticket_id"`
	ActorType      string         `json:"actor_type"` // customer, agent or system
	ActorID        *int64         `json:"actor_id"`
	Data           map[string]any `json:"data"`   // what changed, as the event recorded it
	Ticket         *TicketView    `json:"ticket"` // null when the ticket is gone
}

// TicketView is the ticket as it was when the event was read.
type TicketView struct {
	ID          int64    `json:"id"`
	Number      int64    `json:"number"`
	Subject     string   `json:"subject"`
	Status      string   `json:"status"`
	Priority    string   `json:"priority"`
	Channel     string   `json:"channel"`
	RequesterID int64    `json:"requester_id"`
	AssigneeID  *int64   `json:"assignee_id"`
	TeamID      *int64   `json:"team_id"`
	Tags        []string `json:"tags"`
	Link        string   `json:"link"`
}

// Consumer returns the durable event consumer that turns events into
// deliveries: each event is read inside the transaction that records the
// consumer's progress, and its delivery rows and jobs are written there,
// so a committed event is delivered at least once and, read again after a
// crash, is not delivered twice (a delivery is unique per subscription and
// event).
func (s *Service) Consumer() events.Consumer {
	return events.Consumer{Name: ConsumerName, Handle: s.handle}
}

func (s *Service) handle(ctx context.Context, tx *sql.Tx, batch []events.Event) error {
	var subs []*Subscription
	loaded := false
	for i := range batch {
		e := &batch[i]
		if !slices.Contains(Events, e.Type) {
			continue
		}
		if !loaded { // most batches need none: read them at the first event that may
			var err error
			if subs, err = listSubs(ctx, tx, true); err != nil {
				return err
			}
			loaded = true
		}
		if err := s.fanOut(ctx, tx, e, subs); err != nil {
			return err
		}
	}
	return nil
}

// fanOut records a delivery of e to every subscription that wants it.
func (s *Service) fanOut(ctx context.Context, tx *sql.Tx, e *events.Event, subs []*Subscription) error {
	var (
		t      *ticket.Ticket
		looked bool
	)
	for _, sub := range subs {
		if !slices.Contains(sub.Events, e.Type) {
			continue
		}
		if !looked {
			var err error
			if t, err = s.tickets.Get(ctx, e.TicketID); err != nil && !apperr.Is(err, apperr.KindNotFound) {
				return fmt.Errorf("hooksub: ticket of event %d: %w", e.ID, err)
			}
			looked = true
		}
		if !sub.Filter.matches(t) {
			continue
		}
		if err := s.record(ctx, tx, sub, e, t); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, sub *Subscription, e *events.Event, t *ticket.Ticket) error {
	p := Payload{EventID: e.ID, Type: e.Type, At: e.At, SubscriptionID: sub.ID, TicketID: e.TicketID,
		ActorType: e.ActorType, ActorID: e.ActorID, Data: e.Data, Ticket: s.view(t)}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("hooksub: encode event %d: %w", e.ID, err)
	}
	d := &Delivery{SubscriptionID: sub.ID, EventID: e.ID, EventType: e.Type, Body: body, CreatedAt: s.now()}
	ok, err := insertDelivery(ctx, tx, d)
	if err != nil || !ok {
		return err // !ok: delivered (or being delivered) already
	}
	return s.enqueue(ctx, tx, d)
}

// enqueue queues the job that makes delivery d, keyed by it.
func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, d *Delivery) error {
	_, err := s.queue.Enqueue(ctx, tx, KindDeliver, deliverJob{DeliveryID: d.ID, SubscriptionID: d.SubscriptionID},
		jobs.EnqueueOptions{UniqueKey: fmt.Sprintf("hooksub:delivery:%d", d.ID)})
	return err
}

func (s *Service) view(t *ticket.Ticket) *TicketView {
	if t == nil {
		return nil
	}
	tags := t.Tags
	if tags == nil {
		tags = []string{}
	}
	return &TicketView{ID: t.ID, Number: t.Number, Subject: t.Subject, Status: t.Status, Priority: t.Priority,
		Channel: t.Channel, RequesterID: t.RequesterID, AssigneeID: t.AssigneeID, TeamID: t.TeamID, Tags: tags,
		Link: strings.TrimRight(s.opts.PublicURL, "/") + fmt.Sprintf("/tickets/%d", t.ID)}
}
