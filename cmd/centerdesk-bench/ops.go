package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
)

// operation is one request of a kind, made by one client.
type operation func(ctx context.Context, c *client, r *rand.Rand) error

var operations = map[string]operation{
	"create":     createTicket,
	"create-raw": createRaw, // raw.go
	"reply":      addReply,
	"get":        getTicket,
	"list":       listPage,
	"search":     search,
}

var errNothingYet = errors.New("no ticket to work on yet")

var searchWords = []string{"refund", "invoice", "password", "charged twice", "dashboard", "slow", "webhook",
	"subscription", "error", "deliv*", "export", "login"}

func createTicket(ctx context.Context, c *client, r *rand.Rand) error {
	n := r.IntN(20000)
	body := map[string]any{
		"subject":   fmt.Sprintf("Bench ticket %d: my invoice shows the wrong amount", n),
		"body":      "Hello, I was charged twice for my subscription this month. Could you refund one of them?",
		"requester": map[string]string{"email": "bench" + strconv.Itoa(n) + "@customers.bench.test", "name": "Bench Customer"},
		"priority":  "normal",
		"tags":      []string{"billing"},
	}
	var t struct{ ID int64 }
	if err := c.call(ctx, "POST", "/api/v1/tickets", body, &t); err != nil {
		return err
	}
	c.remember(t.ID)
	return nil
}

func addReply(ctx context.Context, c *client, r *rand.Rand) error {
	id, ok := c.someTicket(r)
	if !ok {
		return errNothingYet
	}
	body := map[string]string{"kind": "reply",
		"body": "Thanks for writing in. I have refunded the second charge; you will see it within five days."}
	return c.call(ctx, "POST", "/api/v1/tickets/"+strconv.FormatInt(id, 10)+"/messages", body, nil)
}

func getTicket(ctx context.Context, c *client, r *rand.Rand) error {
	id, ok := c.someTicket(r)
	if !ok {
		return errNothingYet
	}
	return c.call(ctx, "GET", "/api/v1/tickets/"+strconv.FormatInt(id, 10), nil, nil)
}

func listPage(ctx context.Context, c *client, r *rand.Rand) error {
	status := []string{"open", "pending", "solved"}[r.IntN(3)]
	return c.call(ctx, "GET", "/api/v1/tickets?limit=50&status="+status, nil, nil)
}

func search(ctx context.Context, c *client, r *rand.Rand) error {
	q := searchWords[r.IntN(len(searchWords))]
	return c.call(ctx, "GET", "/api/v1/search?q="+url.QueryEscape(q), nil, nil)
}
