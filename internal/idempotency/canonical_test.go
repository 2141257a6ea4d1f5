package idempotency_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/idempotency"
	"github.com/centerdesk/centerdesk/internal/testutil"
)

func TestCanonical(t *testing.T) {
	same := [][2]string{
		{`{"a":1,"b":[true,null,"x"]}`, " {\n\t\"b\" : [ true , null , \"x\" ] ,\r\n \"a\" : 1 } \n"},
		{`{"z":{"y":1,"x":2}}`, `{"z":{"x":2,"y":1}}`},
		{`{"s":"é<&>"}`, `{"s":"\u00e9\u003c\u0026\u003e"}`},
	}
	for _, c := range same {
		if a, b := string(idempotency.Canonical([]byte(c[0]))), string(idempotency.Canonical([]byte(c[1]))); a != b {
			t.Errorf("Canonical(%q) = %s, Canonical(%q) = %s: want them equal", c[0], a, c[1], b)
		}
	}
	differ := [][2]string{
		{`{"n":10000000000000001}`, `{"n":10000000000000000}`}, // equal as float64
		{`{"a":1}`, `{"a":"1"}`},
		{`{"a":[1,2]}`, `{"a":[2,1]}`},
		{`{"a":1`, `{"a":1 `}, // not JSON: only identical bytes are the same
	}
	for _, c := range differ {
		if a, b := string(idempotency.Canonical([]byte(c[0]))), string(idempotency.Canonical([]byte(c[1]))); a == b {
			t.Errorf("Canonical(%q) = Canonical(%q) = %s: want them different", c[0], c[1], a)
		}
	}
}

// TestRetryWithOtherSpacingReplays: a client library that re-serialises
// the body on retry (other key order, other white space) sends the same
// request, and gets the first answer rather than a conflict.
func TestRetryWithOtherSpacingReplays(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		first := f.do(t, "POST", "/things", `{"name":"a"}`, "k")
		again := f.do(t, "POST", "/things", "{\n  \"name\" : \"a\"\n}\n", "k")
		if first.Code != http.StatusCreated || again.Code != http.StatusCreated ||
			again.Header().Get(idempotency.ReplayedHeader) != "true" || again.Body.String() != first.Body.String() {
			t.Fatalf("first %d %s, retry %d %v %s", first.Code, first.Body, again.Code, again.Header(), again.Body)
		}
		if other := f.do(t, "POST", "/things", `{"name":"b"}`, "k"); other.Code != http.StatusConflict {
			t.Fatalf("another body: %d %s", other.Code, other.Body)
		}
		if n := testutil.Count(t, d, "things"); n != 1 {
			t.Fatalf("%d things, want 1", n)
		}
	})
}

// TestKeysStoredBeforeCanonicalHashesStillReplay: a row hashed from the raw
// bytes, as before, is still answered for an identical retry.
func TestKeysStoredBeforeCanonicalHashesStillReplay(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		body := `{ "name": "a" }`
		sum := sha256.Sum256([]byte("POST /things\n" + body))
		if _, err := d.Write().Exec(`INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, status,
			response_body, response_headers) VALUES ($1, 'legacy', $2, $3, 201, '{"id":7}', '{}')`,
			f.user.ID, hex.EncodeToString(sum[:]), db.Time(db.Now())); err != nil {
			t.Fatal(err)
		}
		rec := f.do(t, "POST", "/things", body, "legacy")
		if rec.Code != http.StatusCreated || rec.Body.String() != `{"id":7}` || f.runs.Load() != 0 {
			t.Fatalf("legacy key: %d %s after %d runs", rec.Code, rec.Body, f.runs.Load())
		}
	})
}
