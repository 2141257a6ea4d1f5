package ticket

import (
	"context"
	"database/sql"
	"sync"
)

// MessageHook runs inside the transaction that adds a message to a ticket
// (PostMessage, and Create for the first message), after the message is
// stored. Its error rolls the whole change back. Other channels use it to
// queue work that must exist exactly when the message does, such as the
// email that carries an agent's reply, without this package knowing them.
type MessageHook func(ctx context.Context, tx *sql.Tx, t *Ticket, m *Message) error

// hooks are the MessageHooks registered on a Service.
type hooks struct {
	mu  sync.RWMutex
	fns []MessageHook
}

// OnMessage registers h to run for every message this Service adds through
// PostMessage or Create. Register before the Service is in use.
func (s *Service) OnMessage(h MessageHook) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.fns = append(s.hooks.fns, h)
}

// runHooks runs the registered hooks in order, stopping at the first error.
func (s *Service) runHooks(ctx context.Context, tx *sql.Tx, t *Ticket, m *Message) error {
	s.hooks.mu.RLock()
	defer s.hooks.mu.RUnlock()
	for _, h := range s.hooks.fns {
		if err := h(ctx, tx, t, m); err != nil {
			return err
		}
	}
	return nil
}
