package mail

import (
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
// returns must be storable (valid UTF-8, no NUL, offsets in range). The
// corpus in testdata is its seed, and runs as a normal test.
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
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			return
		}
		for _, s := range []string{m.Text, m.HTML, m.Subject, m.From.Name, m.MessageID} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("unstorable text %q", s)
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
