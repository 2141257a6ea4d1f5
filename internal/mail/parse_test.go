package mail

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuoteStart(t *testing.T) {
	cases := map[string]string{ // mail text -> the text before the history ("" none)
		"Thanks!\n\nOn Mon, 3 Mar 2025, Ann <a@b.example> wrote:\n> hi\n":          "Thanks!\n\n",
		"Merci\n\nLe lun. 3 mars 2025 à 10:00, Ann <a@b.example> a écrit :\n> x\n": "Merci\n\n",
		"Yes\n-----Original Message-----\nFrom: a\nSent: b\n":                      "Yes\n",
		"Ok\n\n________________________________\nFrom: Support\nSent: Monday\n":    "Ok\n\n",
		"Ok\n\nVon: Support <s@x.example>\nGesendet: Montag\nAn: Ann\n":            "Ok\n\n",
		"Answer below\n> question\nmy answer\n":                                    "",
		"> only a quote\n":                                                         "",
		"Fine\n> a\n>\n> b\n":                                                      "Fine\n",
		"See below\n---------- Forwarded message ---------\nFrom: x\nDate: y\n":    "",
		"ありがとうございます。\n\n2025年3月3日(月) 10:00 Support <s@x.example>:\n> x\n":          "ありがとうございます。\n\n",
	}
	for text, want := range cases {
		got := quoteStart(text)
		if want == "" {
			if got != -1 {
				t.Errorf("%q: history at %d, want none", text, got)
			}
			continue
		}
		if got < 0 || text[:got] != want {
			t.Errorf("%q: history at %d, want after %q", text, got, want)
		}
	}
}

func TestMessageIDs(t *testing.T) {
	got := messageIDs("<a@x> <b@y>,<c@z> (comment) bare@w")
	if strings.Join(got, " ") != "a@x b@y c@z bare@w" {
		t.Errorf("ids %v", got)
	}
	if got := messageIDs("bare@w, other@v"); strings.Join(got, " ") != "bare@w other@v" {
		t.Errorf("bare ids %v", got)
	}
}

// FuzzParse feeds the parser anything: it must never panic, and what it
// returns must be storable (valid UTF-8, no NUL, offsets in range), and the
// content hash must ignore line endings and trace headers. The corpus in
// testdata/corpus and testdata/fuzz/FuzzParse is its seed, and runs as a
// normal test. CI: go test -run='^$' -fuzz='^FuzzParse$' -fuzztime=15s ./internal/mail
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("From: a@b.example\r\n\r\nhi"))
	f.Add([]byte{})
	f.Add([]byte("From: \"A\x00\" <a@b.example>\r\nSubject: caf\xe9\x00\r\nContent-Type: text/plain; charset=x-bad\r\n\r\n\x00\xff"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkHash(t, raw)
		m, err := Parse(raw)
		if err != nil {
			return
		}
		texts := []string{m.Text, m.HTML, m.Subject, m.From.Name, m.From.Addr, m.MessageID}
		for _, list := range [][]Address{m.To, m.Cc, m.ReplyTo} {
			for _, a := range list {
				texts = append(texts, a.Name, a.Addr)
			}
		}
		for _, p := range m.Parts {
			texts = append(texts, p.Filename, p.ContentType, p.ContentID)
		}
		texts = append(append(texts, m.InReplyTo...), m.References...)
		if b := m.Bounce; b != nil {
			texts = append(texts, b.OriginalID, b.Recipient, b.Status, b.Action, b.Reason)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("unstorable text %q", s)
			}
		}
		for _, p := range m.Parts {
			if strings.TrimSpace(p.Filename) == "" {
				t.Fatalf("a part without a name: %+v", p.ContentType)
			}
		}
		if m.QuoteStart < -1 || m.QuoteStart > len(m.Text) {
			t.Fatalf("quote start %d of %d", m.QuoteStart, len(m.Text))
		}
		if m.MessageID == "" {
			t.Fatal("no message id")
		}
		_ = RewriteCIDs(m.HTML, map[string]int64{"x": 1})
	})
}

// checkHash checks that ContentHash is the same for raw with LF or CRLF
// line endings and with a relay's trace headers added on top.
func checkHash(t *testing.T, raw []byte) {
	h := ContentHash(raw)
	if len(h) != 64 {
		t.Fatalf("hash %q", h)
	}
	lf := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	crlf := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
	if ContentHash(lf) != h || ContentHash(crlf) != h {
		t.Fatal("the hash depends on line endings")
	}
	if n := lfEndings(raw); len(n) == 0 || n[0] == ' ' || n[0] == '\t' || n[0] == '\n' {
		// Nothing to prepend a header to: no header section, or one that
		// starts with a continuation line.
		return
	}
	relayed := append([]byte("Received: from mx.example\r\n\tby mx2.example\r\nDKIM-Signature: v=1;\r\n"), raw...)
	if ContentHash(relayed) != h {
		t.Fatal("the hash depends on trace headers")
	}
}
