package demo

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line bar, redrawn in place with a carriage return.
type progress struct {
	w     io.Writer
	total int
	start time.Time
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

func (p *progress) set(done int) {
	if p.w == nil {
		return
	}
	const width = 30
	filled := width * done / p.total
	rate := float64(done) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d tickets  %.0f/s ", strings.Repeat("#", filled),
		strings.Repeat(".", width-filled), done, p.total, rate)
}

func (p *progress) finish() {
	if p.w != nil {
		fmt.Fprintln(p.w)
	}
}
