package workspace

import (
	"context"

	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/view"
)

// landingViews are the views the workspace may open on, in this order: the
// first that holds a ticket, so an agent lands on work, theirs first.
var landingViews = []string{"mine", "unassigned", "open"}

// landingView picks the view /inbox opens on when none is asked for: the
// first of landingViews that is not empty, else the default. The counts
// come from the views' count cache, which the side list shares.
func (wb *Pages) landingView(ctx context.Context, u *user.User) (string, error) {
	views := make([]*view.View, 0, len(landingViews))
	for _, id := range landingViews {
		v, err := wb.Views.Get(ctx, u, id)
		if err != nil {
			return "", err
		}
		views = append(views, v)
	}
	counts, err := wb.Views.Counts(ctx, u, views)
	if err != nil {
		return "", err
	}
	for _, id := range landingViews {
		if counts[id] > 0 {
			return id, nil
		}
	}
	return view.DefaultID, nil
}

// setupStep is one step of setting up a new desk.
type setupStep struct {
	Label, Href, Why string
	Done             bool
}

// setupChecklist is what an empty desk (no ticket yet) shows instead of an
// empty inbox: the steps of setting it up, each ticked from what the desk
// holds. Each person sees the steps their role may take (a mailbox and
// teammates are an admin's, the philosophy a lead's); nil once every step
// is done, once the desk has a ticket, or when u may take none.
func (wb *Pages) setupChecklist(ctx context.Context, u *user.User, users []*user.User) ([]setupStep, error) {
	hasTickets, err := wb.Tickets.Any(ctx)
	if err != nil || hasTickets {
		return nil, err
	}
	steps, err := wb.setupSteps(ctx, users)
	if err != nil {
		return nil, err
	}
	var mine []setupStep
	done := true
	for _, s := range steps {
		done = done && s.step.Done
		if s.may(u) {
			mine = append(mine, s.step)
		}
	}
	if done {
		return nil, nil
	}
	return mine, nil
}

// roleStep is a setup step with who may take it.
type roleStep struct {
	step setupStep
	may  func(*user.User) bool
}

func anyone(*user.User) bool { return true }

// setupSteps works out every step and whether the desk has taken it.
func (wb *Pages) setupSteps(ctx context.Context, users []*user.User) ([]roleStep, error) {
	boxes, err := wb.Mailboxes.List(ctx)
	if err != nil {
		return nil, err
	}
	phil, err := wb.Quality.Philosophy(ctx)
	if err != nil {
		return nil, err
	}
	saved, err := wb.Views.AnySaved(ctx)
	if err != nil {
		return nil, err
	}
	return []roleStep{
		{setupStep{Label: "Connect a mailbox", Href: "/admin/mailboxes",
			Why: "Mail to your support address becomes tickets here.", Done: len(boxes) > 0}, (*user.User).IsAdmin},
		{setupStep{Label: "Invite your teammates", Href: "/admin/users",
			Why: "Agents, leads and reviewers each sign in as themselves.", Done: len(users) > 1}, (*user.User).IsAdmin},
		{setupStep{Label: "Write your philosophy", Href: "/philosophy/edit",
			Why:  "The vision and values reviews score conversations against.",
			Done: phil.Vision != "" || len(phil.Values) > 0}, (*user.User).IsLead},
		{setupStep{Label: "Create a view", Href: "/views/new",
			Why: "A saved filter of the tickets you work on, beside the ready-made ones.", Done: saved}, anyone},
	}, nil
}
