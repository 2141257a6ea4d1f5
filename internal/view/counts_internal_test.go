package view

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCountCacheSharesOneQuery(t *testing.T) {
	t.Parallel()
	var c countCache
	var calls atomic.Int32
	release := make(chan struct{})
	now := time.Now()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := c.get("k", "g1", now, func() (int64, error) {
				calls.Add(1)
				<-release
				return 7, nil
			})
			if err != nil || n != 7 {
				t.Errorf("got %d, %v", n, err)
			}
		}()
	}
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d queries for one count", calls.Load())
	}
	again := func(gen string, at time.Time) int32 {
		before := calls.Load()
		if _, err := c.get("k", gen, at, func() (int64, error) { calls.Add(1); return 8, nil }); err != nil {
			t.Fatal(err)
		}
		return calls.Load() - before
	}
	if again("g1", now.Add(time.Second)) != 0 {
		t.Fatal("a fresh count was queried again")
	}
	if again("g2", now.Add(time.Second)) != 1 {
		t.Fatal("a count outlived a ticket change")
	}
	if again("g2", now.Add(countTTL+2*time.Second)) != 1 {
		t.Fatal("a count outlived its time")
	}
	boom := errors.New("boom")
	if _, err := c.get("e", "g", now, func() (int64, error) { return 0, boom }); err != boom {
		t.Fatal(err)
	}
	if _, err := c.get("e", "g", now, func() (int64, error) { return 1, nil }); err != nil {
		t.Fatal("a failed count was kept")
	}
}
