package ops

import (
	"context"
	"time"

	"github.com/centerdesk/centerdesk/internal/events"
	"github.com/centerdesk/centerdesk/internal/presence"
)

// Changes returns a channel that is signalled whenever the event bus shows
// a change (any committed event: tickets, messages, clocks, surveys) or
// presence does (an agent comes or goes), until ctx ends. Signals
// coalesce: a reader that is busy sees one signal for many changes, which
// is all a board that recomputes its whole snapshot needs. When the bus or
// presence drops the subscription (it fell behind), it subscribes again
// and signals, since changes may have been missed. p may be nil.
func Changes(ctx context.Context, bus *events.Bus, p *presence.Hub) <-chan struct{} {
	out := make(chan struct{}, 1)
	signal := func() {
		select {
		case out <- struct{}{}:
		default:
		}
	}
	evs := bus.Subscribe(ctx, events.Filter{})
	var pres <-chan presence.Change
	if p != nil {
		pres = p.Subscribe(ctx, 64)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-evs:
				if !ok {
					if !pause(ctx) {
						return
					}
					evs = bus.Subscribe(ctx, events.Filter{})
				}
				signal()
			case _, ok := <-pres:
				if !ok {
					if !pause(ctx) {
						return
					}
					pres = p.Subscribe(ctx, 64)
				}
				signal()
			}
		}
	}()
	return out
}

// pause waits a moment before subscribing again (a stopped bus closes a
// new subscription at once); false when ctx ended meanwhile.
func pause(ctx context.Context) bool {
	t := time.NewTimer(500 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
