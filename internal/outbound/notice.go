package outbound

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/jobs"
	"github.com/centerdesk/centerdesk/internal/mailbox"
)

// Notice is a mail to one person that belongs to no ticket, such as a
// portal sign-in link.
type Notice struct {
	To      string
	Subject string
	Text    string
	HTML    string    // "" makes the HTML part from Text
	Date    time.Time // when it was asked for; a retry keeps it
	// Key, when set, makes the Message-ID: a notice sent again after a crash
	// carries the same one, which mail clients de-duplicate. Letters,
	// digits, dots and dashes only.
	Key   string
	Files []NoticeFile // attached after the text
}

// NoticeFile is a file attached to a notice, held in memory (a report's
// CSV, say).
type NoticeFile struct {
	Name        string
	ContentType string
	Data        []byte
}

// SendNotice sends n now through the relay of the mailbox notices leave
// from. It is meant for a job's handler: its error says whether a retry can
// help (jobs.Permanent when no mailbox can send).
func (s *Service) SendNotice(ctx context.Context, n Notice) error {
	box, err := s.noticeMailbox(ctx)
	if err != nil {
		return err
	}
	_, r, err := s.relayOf(ctx, &box.ID)
	if err != nil {
		return err
	}
	e := &envelope{FromName: box.Name, From: box.Address, To: []string{n.To}, Subject: n.Subject,
		MessageID: noticeID(box.Address, n.Key), Date: n.Date, Text: n.Text, HTML: n.HTML, Auto: true}
	for _, f := range n.Files {
		data := f.Data
		e.Files = append(e.Files, file{Name: f.Name, ContentType: f.ContentType,
			Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
	}
	if e.Date.IsZero() {
		e.Date = s.now()
	}
	raw, err := s.compose(ctx, e)
	if err != nil {
		return err
	}
	return s.send(ctx, r, box.Address, e.To, raw)
}

// CanSendNotices reports whether some mailbox can send notices, so a page
// can say at once that it cannot mail anything.
func (s *Service) CanSendNotices(ctx context.Context) (bool, error) {
	_, err := s.noticeMailbox(ctx)
	if jobs.IsPermanent(err) {
		return false, nil
	}
	return err == nil, err
}

// noticeMailbox is the mailbox notices leave from: the default one when it
// can send, else the oldest one that can. Unlike a reply, a notice answers
// no mail, so no brand is guessed wrong by taking the first.
func (s *Service) noticeMailbox(ctx context.Context) (*mailbox.Mailbox, error) {
	box, err := s.mailboxes.Default(ctx)
	if err == nil && box.CanSend() {
		return box, nil
	}
	if err != nil && !apperr.Is(err, apperr.KindNotFound) {
		return nil, err
	}
	boxes, err := s.mailboxes.List(ctx)
	if err != nil {
		return nil, err
	}
	var first *mailbox.Mailbox
	for _, b := range boxes {
		if b.CanSend() && (first == nil || b.ID < first.ID) {
			first = b
		}
	}
	if first == nil {
		return nil, jobs.Permanent(errors.New("no mailbox has an SMTP relay to send from"))
	}
	return first, nil
}

// noticeID returns a Message-ID (without brackets) in the mailbox's domain,
// made from key when there is one.
func noticeID(address, key string) string {
	if key != "" {
		return "notice." + key + "@" + domainOf(address)
	}
	b := make([]byte, 12)
	rand.Read(b)
	return "notice." + hex.EncodeToString(b) + "@" + domainOf(address)
}
