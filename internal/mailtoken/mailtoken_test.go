package mailtoken_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/mailtoken"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestTokenRoundTrip(t *testing.T) {
	tok := mailtoken.Token(1042, key)
	if !regexp.MustCompile(`^\[#1042-[0-9a-f]{6}\]$`).MatchString(tok) {
		t.Fatalf("token %q", tok)
	}
	subj := "RE: Printer on fire " + tok
	if got := mailtoken.Parse(subj, key); !slices.Equal(got, []int64{1042}) {
		t.Errorf("parse %q = %v", subj, got)
	}
	// Upper-case hex (some clients shout) still counts.
	if got := mailtoken.Parse(strings.ToUpper(subj), key); !slices.Equal(got, []int64{1042}) {
		t.Errorf("upper case: %v", got)
	}
}

func TestParseRefusesForgedTokens(t *testing.T) {
	good := mailtoken.Token(7, key)
	sig := good[len("[#7-") : len(good)-1]
	for _, subj := range []string{
		"Re: hello [#7]",             // unsigned
		"Re: hello [#8-" + sig + "]", // another number with 7's signature
		"Re: hello " + mailtoken.Token(7, []byte("another key 0123456789abcdefghij")), // another instance
		"Re: hello [#7-zzzzzz]",
		"Re: hello [#0-" + sig + "]",
	} {
		if got := mailtoken.Parse(subj, key); len(got) != 0 {
			t.Errorf("parse %q = %v, want none", subj, got)
		}
	}
	two := mailtoken.Token(3, key) + " x " + mailtoken.Token(5, key) + " " + mailtoken.Token(3, key)
	if got := mailtoken.Parse(two, key); !slices.Equal(got, []int64{3, 5}) {
		t.Errorf("two tokens: %v", got)
	}
}

func TestReplySubject(t *testing.T) {
	tok := mailtoken.Token(12, key)
	for in, want := range map[string]string{
		"Printer on fire":                         "Re: Printer on fire " + tok,
		"Re: AW: Printer on fire [#12]":           "Re: Printer on fire " + tok,
		"Re: Printer on fire " + tok:              "Re: Printer on fire " + tok,
		"Fwd: Re[2]: Printer " + tok + " on fire": "Re: Printer on fire " + tok,
		"": "Re: " + tok,
	} {
		if got := mailtoken.ReplySubject(in, 12, key); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mailtoken.WithToken("We received your request "+tok, 12, key); got != "We received your request "+tok {
		t.Errorf("WithToken = %q", got)
	}
}
