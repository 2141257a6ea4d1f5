package kb

import (
	"context"
	"slices"
	"sync"
	"time"
)

// The help center's home page shows each category's count of public
// articles and the most read ones: reads over every public article, the
// same for every visitor. They are kept for homeTTL and forgotten when
// this node changes an article, so the home page stays fast at any size;
// another node's change shows within homeTTL (and views keep counting
// meanwhile).
const homeTTL = 30 * time.Second

type homeCache struct {
	mu       sync.Mutex
	gen      uint64 // bumped by every change, so a read begun before one is not kept
	countsAt time.Time
	counts   map[int64]int
	readAt   time.Time
	readN    int
	read     []*Article
}

// forget drops what is kept, after a change to an article commits.
func (c *homeCache) forget() {
	c.mu.Lock()
	c.gen++
	c.counts, c.read = nil, nil
	c.mu.Unlock()
}

func (c *homeCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// PublicCounts counts each category's public articles.
func (s *Service) PublicCounts(ctx context.Context) (map[int64]int, error) {
	c := &s.home
	now := s.now()
	c.mu.Lock()
	if c.counts != nil && now.Sub(c.countsAt) < homeTTL {
		out := c.counts
		c.mu.Unlock()
		return out, nil
	}
	c.mu.Unlock()
	gen := c.generation()
	counts, err := s.publicCounts(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.counts, c.countsAt = counts, now
	}
	c.mu.Unlock()
	return counts, nil
}

// MostRead lists the most read public articles, the newest first among
// equals.
func (s *Service) MostRead(ctx context.Context, limit int) ([]*Article, error) {
	c := &s.home
	now := s.now()
	c.mu.Lock()
	if c.read != nil && c.readN == limit && now.Sub(c.readAt) < homeTTL {
		out := slices.Clone(c.read)
		c.mu.Unlock()
		return out, nil
	}
	c.mu.Unlock()
	gen := c.generation()
	read, err := s.mostRead(ctx, limit)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.read, c.readN, c.readAt = slices.Clone(read), limit, now
	}
	c.mu.Unlock()
	return read, nil
}
