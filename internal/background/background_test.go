package background_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/background"
)

func TestEveryRunsUntilTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	done := make(chan struct{})
	go func() {
		background.Every(ctx, time.Millisecond, slog.New(slog.DiscardHandler), "test", func(context.Context) error {
			if runs.Add(1) == 3 {
				cancel()
			}
			return errors.New("a failure does not stop the loop")
		})
		close(done)
	}()
	<-done
	if n := runs.Load(); n != 3 {
		t.Fatalf("ran %d times, want 3", n)
	}
}
