package customerdata

import "testing"

func TestScrubCutsSecretsAsWholeWords(t *testing.T) {
	t.Parallel()
	re := secretPattern([]string{"Zoë Ada", "zoe@example.com", "+442079460958", "Al"})
	cases := map[string]string{
		"Hi Zoë Ada, in Canada":                      "Hi (erased), in Canada",
		"Write to ZOE@example.com.":                  "Write to (erased).",
		"Call +442079460958 or mail zoe@example.com": "Call (erased) or mail (erased)",
		"Zoë Adams is someone else":                  "Zoë Adams is someone else",
		"Al is too short to cut":                     "Al is too short to cut",
		"ends with Zoë Ada":                          "ends with (erased)",
	}
	for in, want := range cases {
		if got := scrub(re, in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
	if secretPattern([]string{"", "ab"}) != nil {
		t.Error("no secret worth matching still made a pattern")
	}
}

func TestScrubFindsPhoneNumbersHoweverWritten(t *testing.T) {
	re := secretPattern([]string{"+442079460958"})
	for _, written := range []string{"+44 20 7946 0958", "0044 (20) 7946-0958", "+442079460958", "+44.20.7946.0958"} {
		if got := scrub(re, "call "+written+" today"); got != "call "+erasedText+" today" {
			t.Errorf("scrub(%q) = %q", written, got)
		}
	}
	if got := scrub(re, "order 442079460958"); got != "order 442079460958" {
		t.Errorf("digits without + or 00 were cut: %q", got)
	}
}
