package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// result is what one operation measured.
type result struct {
	Op          string   `json:"op"`
	Concurrency int      `json:"concurrency"`
	Count       int      `json:"count"`
	Errors      int      `json:"errors"`
	PerSecond   float64  `json:"per_second"`
	P50         Duration `json:"p50"`
	P95         Duration `json:"p95"`
	P99         Duration `json:"p99"`
	Max         Duration `json:"max"`
	// ErrorKinds counts the failures by kind (an HTTP status, or the
	// transport's error), so a 404 from a missing route reads apart from
	// timeouts.
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	FirstError string         `json:"first_error,omitempty"`
}

// Duration prints as milliseconds in JSON.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "%.3f", float64(d)/float64(time.Millisecond)), nil
}

func (d Duration) String() string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// measure runs op on o.concurrency clients for o.duration and gathers every
// successful request's latency.
func measure(ctx context.Context, name string, o options, c *client) result {
	op := operations[name]
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var (
		mu       sync.Mutex
		all      []time.Duration
		kinds    = map[string]int{}
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for w := range o.concurrency {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var mine []time.Duration
			myKinds := map[string]int{}
			var myFirst string
			for ctx.Err() == nil {
				t0 := time.Now()
				err := op(ctx, c, r)
				if ctx.Err() != nil {
					break // cut off by the deadline: neither a success nor a failure
				}
				if err != nil {
					myKinds[errorKind(err)]++
					if myFirst == "" {
						myFirst = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			for k, n := range myKinds {
				kinds[k] += n
			}
			if firstErr == "" {
				firstErr = myFirst
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	return summarise(name, o.concurrency, all, kinds, firstErr, elapsed)
}

func summarise(name string, concurrency int, lat []time.Duration, kinds map[string]int, firstErr string, elapsed time.Duration) result {
	slices.Sort(lat)
	errs := 0
	for _, n := range kinds {
		errs += n
	}
	if errs == 0 {
		kinds = nil
	}
	return result{Op: name, Concurrency: concurrency, Count: len(lat), Errors: errs, ErrorKinds: kinds, FirstError: firstErr,
		PerSecond: float64(len(lat)) / elapsed.Seconds(),
		P50:       Duration(percentile(lat, 50)), P95: Duration(percentile(lat, 95)),
		P99: Duration(percentile(lat, 99)), Max: Duration(percentile(lat, 100))}
}

// percentile returns the nearest-rank percentile p of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

func printTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tclients\trequests\terrors\treq/s\tp50\tp95\tp99\tmax\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t\n", r.Op, r.Concurrency, r.Count, r.Errors,
			r.PerSecond, r.P50, r.P95, r.P99, r.Max)
	}
	tw.Flush()
	for _, r := range results {
		if r.Errors == 0 {
			continue
		}
		var kinds []string
		for _, k := range slices.Sorted(maps.Keys(r.ErrorKinds)) {
			kinds = append(kinds, fmt.Sprintf("%s × %d", k, r.ErrorKinds[k]))
		}
		fmt.Fprintf(w, "%s: %d errors (%s); the first: %s\n", r.Op, r.Errors, strings.Join(kinds, ", "), r.FirstError)
	}
}
