package recognition_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/recognition"
)

func TestBadgeSVGIsWellFormedAndTitled(t *testing.T) {
	for _, b := range []recognition.Badge{
		{Name: "Empathetic", Code: "E", Colour: "#b91c1c"},
		{Name: "Trust & <care>", Code: "TRUST", Colour: "#fde047"},
		{Name: "Odd colour", Code: "X", Colour: "not a colour"},
	} {
		svg := b.SVG()
		dec := xml.NewDecoder(bytes.NewReader(svg))
		var title string
		var inTitle bool
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed XML: %v\n%s", b.Name, err, svg)
			}
			switch tk := tok.(type) {
			case xml.StartElement:
				inTitle = tk.Name.Local == "title"
			case xml.CharData:
				if inTitle {
					title += string(tk)
				}
			case xml.EndElement:
				inTitle = false
			}
		}
		if title != b.Name+" badge" {
			t.Errorf("title %q, want %q", title, b.Name+" badge")
		}
		if !bytes.Contains(svg, []byte(`role="img"`)) || !bytes.Contains(svg, []byte(">"+strings.ToUpper(b.Code)+"</text>")) {
			t.Errorf("%s: no role or code:\n%s", b.Name, svg)
		}
	}
}

func TestBadgeTextContrast(t *testing.T) {
	cases := []struct{ colour, text string }{
		{"#fde047", "#111111"}, // yellow: dark letters
		{"#ffffff", "#111111"},
		{"#a7f3d0", "#111111"}, // pale green
		{"#1d4ed8", "#ffffff"}, // blue: white letters
		{"#b91c1c", "#ffffff"},
		{"#000000", "#ffffff"},
	}
	for _, c := range cases {
		if got := recognition.TextColour(c.colour); got != c.text {
			t.Errorf("text on %s: %s, want %s", c.colour, got, c.text)
		}
		svg := recognition.Badge{Name: "V", Code: "V", Colour: c.colour}.SVG()
		if !bytes.Contains(svg, []byte(`fill="`+c.text+`"`)) {
			t.Errorf("badge on %s does not draw its code in %s", c.colour, c.text)
		}
	}
	// The choice reaches WCAG AA for large text (3:1) on every grey, and
	// AA for normal text (4.5:1) on the demo's CENTER colours.
	for v := 0; v < 256; v += 5 {
		c := "#" + strings.Repeat(hex2(v), 3)
		if r := ratio(c); r < 3 {
			t.Errorf("contrast on %s is %.2f", c, r)
		}
	}
	for _, c := range []string{"#7c3aed", "#0f766e", "#b45309", "#1d4ed8", "#be123c", "#15803d"} {
		if r := ratio(c); r < 4.5 {
			t.Errorf("contrast on %s is %.2f, under 4.5", c, r)
		}
	}
}

func ratio(c string) float64 {
	return recognition.ContrastRatio(recognition.Luminance(c), recognition.Luminance(recognition.TextColour(c)))
}

func hex2(v int) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>4], digits[v&15]})
}
