package user

import (
	"testing"
	"time"
)

// A lookup that began before a change must not store what it read after
// the change emptied the cache; entries expire; a full cache starts again.
func TestTokenCacheRefusesStaleLookups(t *testing.T) {
	var c tokenCache
	now := time.Now()
	gen := c.generation()
	c.forget() // a user changed while the lookup was reading
	c.put("h", gen, tokenEntry{tokenID: 1, expires: now.Add(time.Second)})
	if _, ok := c.get("h", now); ok {
		t.Fatal("a lookup begun before forget was stored")
	}
	c.put("h", c.generation(), tokenEntry{tokenID: 1, expires: now.Add(time.Second)})
	if e, ok := c.get("h", now); !ok || e.tokenID != 1 {
		t.Fatal("a fresh lookup was not stored")
	}
	if _, ok := c.get("h", now.Add(time.Second)); ok {
		t.Fatal("an expired entry was answered")
	}
	for i := range tokenCacheMax + 1 {
		c.put(string(rune(i)), c.generation(), tokenEntry{expires: now.Add(time.Second)})
	}
	if len(c.entries) > tokenCacheMax {
		t.Fatalf("%d entries, more than %d", len(c.entries), tokenCacheMax)
	}
}
