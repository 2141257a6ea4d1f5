package demo

import (
	"context"
	"fmt"

	"github.com/centerdesk/centerdesk/internal/customer"
	"github.com/centerdesk/centerdesk/internal/macro"
	"github.com/centerdesk/centerdesk/internal/mailbox"
	"github.com/centerdesk/centerdesk/internal/view"
)

// The demo's workspace set-up, as a team would have it after a few weeks:
// a support mailbox that takes mail in, shared macros for the answers
// given most, and views shared with the teams.

// demoMacros are shared replies the stories' agents would have saved.
var demoMacros = []macro.NewMacro{
	{Name: "Refund issued", Shared: true,
		Body:    "Hi {{customer.first_name}},\n\nI have refunded the payment; your bank will show it within 3-5 working days.\n\nBest,\n{{agent.first_name}}",
		Actions: macro.Actions{Status: "solved", AddTags: []string{"refund"}}},
	{Name: "Ask for the time it happened", Shared: true,
		Body:    "Hi {{customer.first_name}},\n\nCould you tell me roughly when this happened, and what you saw on the screen? That lets me find it in our logs.\n\nBest,\n{{agent.first_name}}",
		Actions: macro.Actions{Status: "pending"}},
	{Name: "Fixed: please try again", Shared: true,
		Body:    "Hi {{customer.first_name}},\n\nGood news: the fix is live. Could you try again and tell me whether it works for you now?\n\nBest,\n{{agent.first_name}}",
		Actions: macro.Actions{Status: "pending", AddTags: []string{"bug"}}},
	{Name: "Feature request noted", Shared: true,
		Body:    "Hi {{customer.first_name}},\n\nThank you for the suggestion. I have passed it to our product team and added your vote, so you will hear from us when it ships.\n\nBest,\n{{agent.first_name}}",
		Actions: macro.Actions{Status: "solved", AddTags: []string{"feature-request"}}},
	{Name: "Shipping: parcel delayed", Shared: true,
		Body:    "Hi {{customer.first_name}},\n\nI checked with the carrier and your parcel is on its way again. I will keep an eye on it until it reaches you.\n\nBest,\n{{agent.first_name}}",
		Actions: macro.Actions{Status: "pending", AddTags: []string{"shipping"}}},
}

// workspace makes the mailbox, the macros and the shared views.
func (g *generator) workspace(ctx context.Context) error {
	admin, err := g.o.Users.Get(ctx, g.admin)
	if err != nil {
		return fmt.Errorf("demo: workspace: %w", err)
	}
	address := "support@" + staffDomain
	if g.o.Force {
		address = fmt.Sprintf("support+%d@%s", g.o.Seed, staffDomain)
	}
	// Mail for the address arrives on the SMTP listener (smtp-in): no
	// password to seal, so no key is needed here.
	if _, err := mailbox.NewService(g.d, nil).Create(ctx, mailbox.NewMailbox{Address: address,
		Name: "Brightdesk Support", TeamID: &g.teams[0]}); err != nil {
		return fmt.Errorf("demo: mailbox: %w", err)
	}
	macros := macro.NewService(g.d, g.tickets, customer.NewService(g.d))
	for _, m := range demoMacros {
		if _, err := macros.Create(ctx, macro.Viewer{ID: admin.ID, Admin: true}, m); err != nil {
			return fmt.Errorf("demo: macro %s: %w", m.Name, err)
		}
	}
	return g.sharedViews(ctx)
}

// sharedViews gives each team a view of its open work, made by one of its
// members (a view is shared only with a team its owner belongs to), and
// the technical team one of urgent tickets.
func (g *generator) sharedViews(ctx context.Context) error {
	views := view.NewService(g.d, g.tickets)
	for i, name := range teamNames {
		teamID := g.teams[i]
		member, err := g.o.Users.Get(ctx, g.agents[i*3])
		if err != nil {
			return fmt.Errorf("demo: view: %w", err)
		}
		if _, err := views.Create(ctx, member, view.NewView{Name: name + ": open", TeamID: &teamID,
			Filters: view.Filters{Statuses: []string{"new", "open"}, TeamID: &teamID}}); err != nil {
			return fmt.Errorf("demo: view: %w", err)
		}
		if i != 1 {
			continue
		}
		urgent := view.NewView{Name: "Urgent and high", TeamID: &teamID,
			Filters: view.Filters{Statuses: []string{"new", "open", "pending"}, Priorities: []string{"urgent", "high"}}}
		if _, err := views.Create(ctx, member, urgent); err != nil {
			return fmt.Errorf("demo: view: %w", err)
		}
	}
	return nil
}
