// Command centerdesk-bench is Centerdesk's load generator. It drives a
// server over HTTP, as clients do, and reports throughput and latency
// percentiles per operation: creating tickets, adding replies, getting a
// ticket, listing a filtered page, and searching.
//
// It targets a running server (--url and --token), or starts one in this
// process on the database given by --database (a SQLite path or a
// postgres:// URL; a new SQLite database in a temporary directory when
// empty), optionally filled first with --seed-tickets demo tickets.
//
//	go run ./cmd/centerdesk-bench --database /tmp/bench.db --seed-tickets 100000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

type options struct {
	url, token  string
	database    string
	dataDir     string
	seedTickets int
	maxConns    int
	duration    time.Duration
	concurrency int
	ops         []string
	jsonOut     bool
	cpuProfile  string
	smtp        smtpOptions // the SMTP mode (smtp.go)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "centerdesk-bench:", err)
		os.Exit(1)
	}
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("centerdesk-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "a running server's base URL (with --token); empty starts one in-process")
	fs.StringVar(&o.token, "token", "", "an API token for --url")
	fs.StringVar(&o.database, "database", "", "the database of the in-process server: a SQLite path or a postgres:// URL (empty: a new SQLite database in --data-dir)")
	fs.StringVar(&o.dataDir, "data-dir", "", "the in-process server's data directory (a temporary one when empty)")
	fs.IntVar(&o.seedTickets, "seed-tickets", 0, "fill the in-process server's database with this many demo tickets first")
	fs.IntVar(&o.maxConns, "db-max-conns", 0, "the in-process server's database connections, as serve's --db-max-conns (0: the dialect's default)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each operation runs")
	fs.IntVar(&o.concurrency, "concurrency", 32, "how many clients run at once")
	ops := fs.String("ops", "create,reply,get,list,search", "the operations to run, in order (also create-raw: the rows of create written straight to the in-process database, see raw.go; smtp-new and smtp-reply: mail to the SMTP listener, see smtp.go)")
	smtpFlags(fs, &o.smtp)
	fs.BoolVar(&o.jsonOut, "json", false, "print the results as JSON")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (useful in-process)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.ops = strings.Split(*ops, ",")
	for _, op := range o.ops {
		if _, ok := operations[op]; !ok && !isSMTPOp(op) {
			return o, fmt.Errorf("unknown operation %q in --ops", op)
		}
	}
	if o.url != "" && (o.database != "" || o.seedTickets > 0 || o.cpuProfile != "" || o.maxConns != 0) {
		return o, fmt.Errorf("--url targets a running server: --database, --seed-tickets, --db-max-conns and --cpuprofile are for the in-process one")
	}
	if o.url != "" && slices.Contains(o.ops, "create-raw") {
		return o, fmt.Errorf("create-raw writes to the in-process server's database: leave out --url")
	}
	if o.url != "" && o.token == "" {
		return o, fmt.Errorf("--url needs --token")
	}
	if o.concurrency < 1 || o.duration <= 0 {
		return o, fmt.Errorf("--concurrency and --duration must be positive")
	}
	if err := checkSMTPOptions(o); err != nil {
		return o, err
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	var direct *db.DB
	if o.url == "" {
		t, err := startInProcess(ctx, o, stderr)
		if err != nil {
			return err
		}
		defer t.stop()
		o.url, o.token, direct = t.url, t.token, t.db
		if t.smtp.addr != "" {
			o.smtp = t.smtp
		}
	}
	if o.cpuProfile != "" {
		stopProfile, err := startProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	c := newClient(o.url, o.token, o.concurrency)
	c.direct = direct
	if err := c.prime(ctx); err != nil {
		return err
	}
	var results []result
	m := newMailer(o.smtp)
	for _, name := range o.ops {
		fmt.Fprintf(stderr, "running %s for %s at concurrency %d...\n", name, o.duration, o.concurrency)
		if isSMTPOp(name) {
			results = append(results, measureSMTP(ctx, name, o, c, m))
			continue
		}
		results = append(results, measure(ctx, name, o, c))
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	printTable(stdout, results)
	printRatio(stdout, results)
	return nil
}
