package workspace

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/attachment"
	"github.com/centerdesk/centerdesk/internal/httpx"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/reply"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/web/conversation"
)

// The composer: a public reply or an internal note, written in
// Markdown-light (bold, italic, links, lists, code), with attachments, a
// macro, and "send and set status". Posted as a normal form (multipart,
// for the files) to POST /tickets/{id}/messages.
//
// Macros: choosing one fills the composer with its body rendered for this
// ticket, and remembers the macro in a hidden field; its actions (status,
// tags, assignee, priority) are applied when the message is sent, in the
// same transaction, never at the moment it is chosen, so an agent who
// changes their mind loses nothing by discarding the draft.

type composerView struct {
	TicketID     int64
	Kind         string
	Body         string
	Closed       bool
	Macros       []*macro.Macro
	Choices      []macroChoice // Macros as the picker lists them
	Macro        *macro.Macro  // the macro the draft was made with
	MacroActions []string      // what it will also do, for people
	ApplyActions bool
	Uploaded     []conversation.Attachment // files uploaded by an attempt that failed
	ThenStatuses []selectChoice
	Error        string
	ErrorField   string
}

// macroChoice is one macro in the picker: what it is called (Search is
// the name as the filter box matches it) and what it does besides text,
// so the agent knows before inserting it.
type macroChoice struct {
	ID      int64
	Name    string
	Shared  bool
	Search  string
	Actions []string
}

// composerFromQuery starts the composer from ?macro=ID (and the draft's
// body and kind, which the htmx macro picker sends along), or returns nil.
func (wb *Pages) composerFromQuery(r *http.Request, t *ticket.Ticket) (*composerView, error) {
	q := r.URL.Query()
	c := &composerView{Kind: q.Get("kind"), Body: q.Get("body"), ApplyActions: true}
	if c.Kind != ticket.KindNote {
		c.Kind = ticket.KindReply
	}
	if q.Get("macro") == "" {
		if c.Body == "" && q.Get("kind") == "" {
			return nil, nil
		}
		return c, nil
	}
	id, err := strconv.ParseInt(q.Get("macro"), 10, 64)
	if err != nil || id <= 0 {
		return nil, apperr.Invalid("macro", "%q is not a macro id", q.Get("macro"))
	}
	u := user.FromContext(r.Context())
	p, err := wb.Macros.Preview(r.Context(), u, t.ID, id)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.Body) != "" {
		c.Body = strings.TrimRight(c.Body, "\n") + "\n\n" + p.Body
	} else {
		c.Body = p.Body
	}
	c.Macro, err = wb.Macros.Get(r.Context(), macro.ViewerOf(u), id)
	return c, err
}

// fillComposer adds what every composer shows: the macros to pick from and
// the statuses to send and set.
func (wb *Pages) fillComposer(ctx context.Context, t *ticket.Ticket, c *composerView) error {
	c.TicketID, c.Closed = t.ID, t.Status == "closed"
	if c.Closed {
		c.Kind = ticket.KindNote
	}
	var err error
	if c.Macros, err = wb.Macros.List(ctx, macro.ViewerOf(user.FromContext(ctx))); err != nil {
		return err
	}
	c.Choices = make([]macroChoice, len(c.Macros))
	for i, m := range c.Macros {
		c.Choices[i] = macroChoice{ID: m.ID, Name: m.Name, Shared: m.Shared,
			Search: strings.ToLower(m.Name), Actions: describeActions(m.Actions)}
	}
	if c.Macro != nil {
		c.MacroActions = describeActions(c.Macro.Actions)
	}
	c.ThenStatuses = nil
	for _, s := range reply.ThenStatuses {
		c.ThenStatuses = append(c.ThenStatuses, selectChoice{s, strings.ReplaceAll(s, "_", " "), false})
	}
	return nil
}

// describeActions says what a macro will do when the message is sent.
func describeActions(a macro.Actions) []string {
	var out []string
	if a.Status != "" {
		out = append(out, "set status to "+strings.ReplaceAll(a.Status, "_", " "))
	}
	if a.Priority != "" {
		out = append(out, "set priority to "+a.Priority)
	}
	if len(a.AddTags) > 0 {
		out = append(out, "add tags "+strings.Join(a.AddTags, ", "))
	}
	switch {
	case a.AssignToMe:
		out = append(out, "assign the ticket to you")
	case a.AssigneeID != nil:
		out = append(out, "assign the ticket to user #"+idText(*a.AssigneeID))
	}
	return out
}

// composerFragment answers GET /tickets/{id}/composer?macro=: the composer
// alone, for the htmx macro picker.
func (wb *Pages) composerFragment(w http.ResponseWriter, r *http.Request) error {
	t, err := wb.ticketByPath(r)
	if err != nil {
		return err
	}
	c, err := wb.composerFromQuery(r, t)
	if err != nil {
		return err
	}
	if c == nil {
		c = &composerView{Kind: ticket.KindReply}
	}
	if err := wb.fillComposer(r.Context(), t, c); err != nil {
		return err
	}
	wb.Fragment(w, r, http.StatusOK, "ticket", "ticket-composer", c)
	return nil
}

// postMessage answers POST /tickets/{id}/messages.
func (wb *Pages) postMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := wb.ticketByPath(r)
	if err != nil {
		return err
	}
	form, uploaded, err := wb.readComposerForm(w, r)
	draft := &composerView{Kind: form.Get("kind"), Body: form.Get("body"), ApplyActions: form.Get("macro_actions_offered") == "" || form.Get("apply_actions") == "on"}
	if err != nil {
		return wb.composerProblem(w, r, t, draft, uploaded, err)
	}
	m, err := wb.sendMessage(ctx, t, form, uploaded, draft)
	if err != nil {
		return wb.composerProblem(w, r, t, draft, uploaded, err)
	}
	if m.Kind == ticket.KindNote {
		wb.Flash(r, "Note added.")
	} else {
		wb.Flash(r, "Reply sent.")
	}
	http.Redirect(w, r, ticketURL(t.ID)+"#message-"+idText(m.ID), http.StatusSeeOther)
	return nil
}

// sendMessage posts the message with its macro's actions and the status
// chosen with "Send and set status", through the one reply operation the
// API uses too: all of it commits, or none (and no email is queued).
func (wb *Pages) sendMessage(ctx context.Context, t *ticket.Ticket, form url.Values, uploaded []int64, draft *composerView) (*ticket.Message, error) {
	d := reply.Draft{ThenStatus: form.Get("then_status"), SkipMacroActions: !draft.ApplyActions}
	if id := form.Get("macro_id"); id != "" {
		macroID, err := strconv.ParseInt(id, 10, 64)
		if err != nil || macroID <= 0 {
			return nil, apperr.Invalid("macro_id", "%q is not a macro id", id)
		}
		if draft.Macro, err = wb.Macros.Get(ctx, macro.ViewerOf(user.FromContext(ctx)), macroID); err != nil {
			return nil, err
		}
		d.MacroID = macroID
	}
	html, err := markdownHTML(draft.Body)
	if err != nil {
		return nil, err
	}
	d.NewMessage = ticket.NewMessage{Body: draft.Body, BodyHTML: html, Kind: draft.Kind, Attachments: uploaded}
	return wb.Replies.Send(ctx, t.ID, d)
}

// markdown renders Markdown-light; raw HTML in the source is dropped (the
// renderer's default), and the result is sanitised by the ticket service
// (internal/htmlsafe) before it is stored.
var markdown = goldmark.New(goldmark.WithRendererOptions(gmhtml.WithHardWraps()))

// markdownHTML is the HTML part of a message written in the composer; the
// text part is kept as written.
func markdownHTML(src string) (string, error) {
	if strings.TrimSpace(src) == "" {
		return "", nil
	}
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return "", apperr.Invalid("body", "cannot be formatted: %v", err)
	}
	return b.String(), nil
}

// composerProblem shows the ticket page again with the draft kept and the
// problem next to its field.
func (wb *Pages) composerProblem(w http.ResponseWriter, r *http.Request, t *ticket.Ticket, draft *composerView, uploaded []int64, problem error) error {
	status, detail := httpx.Describe(r.Context(), problem)
	if status >= 500 {
		return problem
	}
	if draft.Kind != ticket.KindNote {
		draft.Kind = ticket.KindReply
	}
	draft.Error, draft.ErrorField = detail.Message, detail.Field
	for _, id := range uploaded {
		if a, err := wb.Attachments.Get(r.Context(), id); err == nil {
			draft.Uploaded = append(draft.Uploaded, conversation.Attachment{ID: a.ID, Filename: a.Filename, Size: conversation.HumanSize(a.Size)})
		}
	}
	p, err := wb.ticketPageFor(r, t, nil, draft)
	if err != nil {
		return err
	}
	wb.Render(w, r, status, "ticket", p)
	return nil
}

// readComposerForm reads the composer's fields and stores its files
// through the attachment service as they stream in, returning the
// uploads' ids (with those a failed attempt uploaded, sent back as
// "attachments"). A plain urlencoded post works too.
func (wb *Pages) readComposerForm(w http.ResponseWriter, r *http.Request) (url.Values, []int64, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, apperr.Invalid("", "the form cannot be read: %v", err)
		}
		ids, err := uploadIDs(r.PostForm["attachments"])
		return r.PostForm, ids, err
	}
	limit, err := wb.Attachments.MaxBytes(r.Context())
	if err != nil {
		return url.Values{}, nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit*maxComposerFiles+1<<20+ticket.MaxBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return url.Values{}, nil, apperr.Invalid("", "the form cannot be read: %v", err)
	}
	form := url.Values{}
	var ids []int64
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return form, ids, apperr.Invalid("files", "the upload cannot be read (is it larger than the limit?): %v", err)
		}
		if p.FileName() == "" {
			v, err := io.ReadAll(io.LimitReader(p, ticket.MaxBody+1))
			if err != nil {
				return form, ids, apperr.Invalid(p.FormName(), "cannot be read: %v", err)
			}
			if err := httpx.CheckValue(p.FormName(), string(v)); err != nil {
				return form, ids, err
			}
			form.Add(p.FormName(), string(v))
			continue
		}
		if len(ids) >= maxComposerFiles {
			return form, ids, apperr.Invalid("files", "send at most %d files with one message", maxComposerFiles)
		}
		a, err := wb.Attachments.Upload(r.Context(), attachment.Upload{Filename: p.FileName(),
			ContentType: p.Header.Get("Content-Type"), Body: p, Size: -1})
		if err != nil {
			return form, ids, err
		}
		ids = append(ids, a.ID)
	}
	kept, err := uploadIDs(form["attachments"])
	return form, slices.Concat(kept, ids), err
}

// maxComposerFiles bounds the files of one message sent from the page.
const maxComposerFiles = 20

func uploadIDs(vals []string) ([]int64, error) {
	var out []int64
	for _, v := range vals {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, apperr.Invalid("attachments", "%q is not an attachment id", v)
		}
		out = append(out, id)
	}
	return out, nil
}
