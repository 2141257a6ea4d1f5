package imappoll

import (
	"context"
	"sync"

	"github.com/centerdesk/centerdesk/internal/mail"
)

// Fleet keeps one Run going per account and follows the configuration:
// Sync starts the accounts it has not seen, restarts those whose settings
// changed and stops those no longer listed.
type Fleet struct {
	p   *Poller
	ctx context.Context // ends every run

	mu      sync.Mutex
	running map[int64]*run // by mailbox id
	wg      sync.WaitGroup
}

type run struct {
	a      Account
	cancel context.CancelFunc
	done   chan struct{}
}

// NewFleet returns a Fleet whose runs use p and end with ctx.
func NewFleet(ctx context.Context, p *Poller) *Fleet {
	return &Fleet{p: p, ctx: ctx, running: map[int64]*run{}}
}

// Sync makes the running pollers match accounts, keyed by mailbox id.
func (f *Fleet) Sync(accounts []Account) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ctx.Err() != nil {
		return
	}
	want := make(map[int64]Account, len(accounts))
	for _, a := range accounts {
		want[a.Mailbox.ID] = a
	}
	for id, r := range f.running {
		if a, ok := want[id]; !ok || !sameAccount(r.a, a) {
			r.cancel()
			<-r.done
			delete(f.running, id)
		}
	}
	for id, a := range want {
		if _, ok := f.running[id]; ok {
			continue
		}
		ctx, cancel := context.WithCancel(f.ctx)
		r := &run{a: a, cancel: cancel, done: make(chan struct{})}
		f.running[id] = r
		f.p.log.Info("imap: watching mailbox", "mailbox", a.Mailbox.Address, "server", a.Addr, "folder", a.Folder)
		f.wg.Go(func() {
			defer close(r.done)
			f.p.Run(ctx, a)
		})
	}
}

// Running returns the mailbox ids being watched.
func (f *Fleet) Running() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]int64, 0, len(f.running))
	for id := range f.running {
		ids = append(ids, id)
	}
	return ids
}

// Wait returns once every run ended (after the Fleet's context ended).
func (f *Fleet) Wait() { f.wg.Wait() }

// sameAccount reports whether two configurations watch the same way; the
// TLS configuration is the caller's and not compared.
func sameAccount(a, b Account) bool {
	return sameMailbox(a.Mailbox, b.Mailbox) && a.Addr == b.Addr && a.Security == b.Security &&
		a.Username == b.Username && a.Password == b.Password && a.Folder == b.Folder && a.MoveTo == b.MoveTo
}

func sameMailbox(a, b *mail.Mailbox) bool {
	sameTeam := (a.TeamID == nil) == (b.TeamID == nil) && (a.TeamID == nil || *a.TeamID == *b.TeamID)
	return a.ID == b.ID && a.Address == b.Address && sameTeam
}
