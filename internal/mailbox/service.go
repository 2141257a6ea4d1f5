package mailbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/secret"
)

// Service manages mailboxes. Changes are admin work, so each is audited
// (never with a password in the details).
type Service struct {
	db  *db.DB
	box *secret.Box
	now func() time.Time

	mu       sync.Mutex
	watchers []func()
}

// OnChange registers fn to run after every mailbox this Service creates,
// updates or deletes, so that the IMAP pollers follow at once. fn must
// not block. Changes made elsewhere (the CLI, another node) are not seen:
// watchers also re-read the list now and then.
func (s *Service) OnChange(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watchers = append(s.watchers, fn)
}

func (s *Service) changed() {
	s.mu.Lock()
	fns := slices.Clone(s.watchers)
	s.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// NewService returns a Service over d that seals passwords with box.
func NewService(d *db.DB, box *secret.Box) *Service {
	return &Service{db: d, box: box, now: db.Now}
}

// Create adds a mailbox; addresses are unique.
func (s *Service) Create(ctx context.Context, n NewMailbox) (*Mailbox, error) {
	m := &Mailbox{Address: n.Address, Name: n.Name, TeamID: n.TeamID, InboundSMTP: orTrue(n.InboundSMTP),
		IMAPHost: n.IMAPHost, IMAPPort: n.IMAPPort, IMAPSecurity: n.IMAPSecurity, IMAPUser: n.IMAPUser,
		IMAPFolder: n.IMAPFolder, IMAPMoveTo: n.IMAPMoveTo,
		SMTPHost: n.SMTPHost, SMTPPort: n.SMTPPort, SMTPSecurity: n.SMTPSecurity, SMTPUser: n.SMTPUser,
		AckEnabled: orTrue(n.AckEnabled), AckSubject: n.AckSubject, AckBody: n.AckBody}
	if err := m.normalize(); err != nil {
		return nil, err
	}
	if err := s.setPasswords(m, &n.IMAPPassword, &n.SMTPPassword); err != nil {
		return nil, err
	}
	m.CreatedAt = s.now()
	m.UpdatedAt = m.CreatedAt
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insert(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "mailbox.created", "mailbox", m.ID, map[string]any{"address": m.Address})
	})
	if err != nil {
		return nil, err
	}
	s.changed()
	return m, nil
}

func orTrue(b *bool) bool { return b == nil || *b }

// setPasswords seals the passwords that are given (nil: unchanged; "":
// removed) and checks that each has a user name to go with it.
func (s *Service) setPasswords(m *Mailbox, imap, smtp *string) error {
	for _, p := range []struct {
		field  string
		plain  *string
		sealed *string
	}{{"imap_password", imap, &m.imapSealed}, {"smtp_password", smtp, &m.smtpSealed}} {
		if p.plain == nil {
			continue
		}
		if err := checkPassword(p.field, *p.plain); err != nil {
			return err
		}
		sealed, err := s.box.Seal(*p.plain)
		if err != nil {
			return fmt.Errorf("mailbox: seal %s: %w", p.field, err)
		}
		*p.sealed = sealed
	}
	return m.checkCredentials()
}

// Get returns a mailbox.
func (s *Service) Get(ctx context.Context, id int64) (*Mailbox, error) {
	return getByID(ctx, s.db.Reader(ctx), id)
}

// GetIn is Get through q: the transaction a caller holds. Code running
// inside a transaction (a ticket message hook, intake) must read through it:
// taking a second connection while holding one deadlocks once every pooled
// connection is held by a transaction waiting for another.
func (s *Service) GetIn(ctx context.Context, q db.Queryer, id int64) (*Mailbox, error) {
	return getByID(ctx, q, id)
}

// List returns every mailbox by address.
func (s *Service) List(ctx context.Context) ([]*Mailbox, error) {
	return list(ctx, s.db.Reader(ctx))
}

// ByAddress returns the mailbox with address addr (in any case), or an
// apperr NotFound error when it is not one of ours.
func (s *Service) ByAddress(ctx context.Context, addr string) (*Mailbox, error) {
	norm, err := checkAddress(addr)
	if err != nil {
		return nil, err
	}
	return getByAddress(ctx, s.db.Reader(ctx), norm)
}

// Default returns the mailbox replies leave from when a ticket names none
// (it came in through the API or a page): the only mailbox, when exactly
// one is configured; otherwise NotFound, since guessing among several
// could answer a customer from the wrong brand.
func (s *Service) Default(ctx context.Context) (*Mailbox, error) {
	return onlyOne(ctx, s.db.Reader(ctx))
}

// DefaultIn is Default through q, the transaction a caller holds (see
// GetIn).
func (s *Service) DefaultIn(ctx context.Context, q db.Queryer) (*Mailbox, error) {
	return onlyOne(ctx, q)
}

// Update applies p to a mailbox, auditing which fields changed.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Mailbox, error) {
	var m *Mailbox
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		next := *old
		changed := apply(&next, p)
		if err := next.normalize(); err != nil {
			return err
		}
		if err := s.setPasswords(&next, p.IMAPPassword, p.SMTPPassword); err != nil {
			return err
		}
		next.UpdatedAt = s.now()
		if err := save(ctx, tx, &next); err != nil {
			return err
		}
		m = &next
		return audit.Record(ctx, tx, "mailbox.updated", "mailbox", id,
			map[string]any{"address": next.Address, "fields": changed})
	})
	if err != nil {
		return nil, err
	}
	s.changed()
	return m, nil
}

// apply copies p's set fields into m and names them (passwords included by
// name only: their values are never recorded).
func apply(m *Mailbox, p Patch) []string {
	var changed []string
	set := func(name string, dst *string, v *string) {
		if v != nil {
			*dst = *v
			changed = append(changed, name)
		}
	}
	setInt := func(name string, dst *int, v *int) {
		if v != nil {
			*dst = *v
			changed = append(changed, name)
		}
	}
	setBool := func(name string, dst *bool, v *bool) {
		if v != nil {
			*dst = *v
			changed = append(changed, name)
		}
	}
	set("address", &m.Address, p.Address)
	set("name", &m.Name, p.Name)
	if p.ClearTeam {
		m.TeamID = nil
		changed = append(changed, "team_id")
	} else if p.TeamID != nil {
		m.TeamID = p.TeamID
		changed = append(changed, "team_id")
	}
	setBool("inbound_smtp", &m.InboundSMTP, p.InboundSMTP)
	set("imap_host", &m.IMAPHost, p.IMAPHost)
	setInt("imap_port", &m.IMAPPort, p.IMAPPort)
	set("imap_security", &m.IMAPSecurity, p.IMAPSecurity)
	set("imap_user", &m.IMAPUser, p.IMAPUser)
	set("imap_folder", &m.IMAPFolder, p.IMAPFolder)
	set("imap_move_to", &m.IMAPMoveTo, p.IMAPMoveTo)
	set("smtp_host", &m.SMTPHost, p.SMTPHost)
	setInt("smtp_port", &m.SMTPPort, p.SMTPPort)
	set("smtp_security", &m.SMTPSecurity, p.SMTPSecurity)
	set("smtp_user", &m.SMTPUser, p.SMTPUser)
	setBool("ack_enabled", &m.AckEnabled, p.AckEnabled)
	set("ack_subject", &m.AckSubject, p.AckSubject)
	set("ack_body", &m.AckBody, p.AckBody)
	if p.IMAPPassword != nil {
		changed = append(changed, "imap_password")
	}
	if p.SMTPPassword != nil {
		changed = append(changed, "smtp_password")
	}
	return changed
}

// Delete removes a mailbox. Its tickets and mail records stay, no longer
// tied to a mailbox (their foreign keys are set to NULL).
func (s *Service) Delete(ctx context.Context, id int64) error {
	err := s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		m, err := getByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := remove(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "mailbox.deleted", "mailbox", id, map[string]any{"address": m.Address})
	})
	if err == nil {
		s.changed()
	}
	return err
}

// IMAPPassword returns m's IMAP password, decrypted, for the poller.
func (s *Service) IMAPPassword(m *Mailbox) (string, error) {
	p, err := s.box.Open(m.imapSealed)
	if err != nil {
		return "", fmt.Errorf("mailbox %s: imap password: %w", m.Address, err)
	}
	return p, nil
}

// SMTPPassword returns m's SMTP password, decrypted, for the sender.
func (s *Service) SMTPPassword(m *Mailbox) (string, error) {
	p, err := s.box.Open(m.smtpSealed)
	if err != nil {
		return "", fmt.Errorf("mailbox %s: smtp password: %w", m.Address, err)
	}
	return p, nil
}
