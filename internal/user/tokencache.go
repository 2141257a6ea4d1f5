package user

import (
	"sync"
	"time"
)

// Every API request looked its token up in the database, which was about a
// seventh of the server's work for a simple read (docs/BENCHMARKS.md). The
// token cache remembers, for tokenCacheTTL, which active user a token hash
// belongs to.
//
// What this costs in freshness: a change made through this Service (a token
// revoked, a user disabled, demoted, their password or second factor
// changed) or through this node's settings (require_2fa, see ForgetTokens)
// empties the cache once it has committed, so it holds at once. A change
// made elsewhere (another Centerdesk node, the CLI, SQL by hand) holds once
// the entry expires: within tokenCacheTTL. Unknown, revoked and
// disabled-owner tokens are never cached, so a new token works at once and
// a guess costs a query (and counts toward the address's throttle). A
// token refused because its owner must enrol a second factor is cached as
// refused, like any entry.

// tokenCacheTTL is how long a looked-up token is trusted without asking the
// database again.
const tokenCacheTTL = 2 * time.Second

// tokenCacheMax bounds the cache; when full it is emptied, which costs one
// query per token in use.
const tokenCacheMax = 4096

type tokenCache struct {
	mu      sync.Mutex
	gen     uint64 // counts forget calls, so a lookup begun before one is not stored after it
	entries map[string]*tokenEntry

	// locks are client addresses this node saw locked out for failing
	// token authentication too often, and until when: a cached token is
	// refused from them without a query too. Other nodes' locks are found
	// in the database on a cache miss, within tokenCacheTTL.
	locks map[string]time.Time
}

// tokenEntry is what a token hash resolved to.
type tokenEntry struct {
	user     User
	tokenID  int64
	lastUsed *time.Time
	expires  time.Time
	// unenrolled is set when the instance requires two-factor sign-in
	// and user has not enrolled: the token is refused, saying why.
	unenrolled bool
}

// get returns a copy of the entry for hash unless it has expired.
func (c *tokenCache) get(hash string, now time.Time) (tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || !now.Before(e.expires) {
		return tokenEntry{}, false
	}
	return *e, true
}

// generation is read before a lookup; put stores its result only if
// nothing was forgotten meanwhile.
func (c *tokenCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *tokenCache) put(hash string, gen uint64, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = map[string]*tokenEntry{}
	}
	c.entries[hash] = &e
}

// touched records that the token's last-used time was written.
func (c *tokenCache) touched(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e.lastUsed = &at
	}
}

// forget empties the cache; callers call it after a change to users or
// tokens has committed.
func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// lockAddr remembers that ip is locked out until then.
func (c *tokenCache) lockAddr(ip string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locks == nil || len(c.locks) >= tokenCacheMax {
		c.locks = map[string]time.Time{}
	}
	c.locks[ip] = until
}

// lockedAddr reports whether ip is locked out at now, and until when.
func (c *tokenCache) lockedAddr(ip string, now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.locks[ip]
	if ok && !now.Before(until) {
		delete(c.locks, ip)
		return time.Time{}, false
	}
	return until, ok
}
