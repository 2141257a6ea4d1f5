package ticket

import "testing"

// TestNormalizeTagsRefusesWhatShowsNothing: a tag of invisible characters
// is as empty as "", and bytes that are not UTF-8 are refused, whichever
// door the tags came in by.
func TestNormalizeTagsRefusesWhatShowsNothing(t *testing.T) {
	for _, tag := range []string{"", " ", "\u200b", "\ufeff\u200d", "\u00ad", "caf\xe9", "a\x00b"} {
		if _, err := normalizeTags([]string{"ok", tag}); err == nil {
			t.Errorf("normalizeTags accepted %q", tag)
		}
	}
	if got, err := normalizeTags([]string{"Billing", "café", "billing "}); err != nil || len(got) != 2 {
		t.Errorf("normalizeTags = %q, %v", got, err)
	}
}
