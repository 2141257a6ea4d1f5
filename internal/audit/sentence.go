package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// verbs say what each kind of entry did, as the middle of a sentence:
// "<who> <verb> <target>". An action not listed gets a sentence made from
// its own name (see verbOf), so a new kind is readable before it is added.
var verbs = map[string]string{
	"user.sign_in":                "signed in",
	"user.sign_in_failed":         "failed to sign in as",
	"user.reauth_failed":          "failed to confirm their password as",
	"user.created":                "created",
	"user.updated":                "changed",
	"user.email_changed":          "changed the email address of",
	"user.password_changed":       "changed the password of",
	"user.two_factor_enabled":     "turned on two-factor sign-in for",
	"user.two_factor_disabled":    "turned off two-factor sign-in for",
	"user.two_factor_reset":       "reset two-factor sign-in for",
	"user.recovery_code_used":     "used a recovery code for",
	"token.created":               "created",
	"token.revoked":               "revoked",
	"settings.updated":            "changed the settings",
	"calibration.closed":          "closed",
	"review_period.drawn":         "drew the review queue of",
	"customer.merged":             "merged another customer into",
	"customer.erased":             "erased",
	"customer.identity_added":     "added an identity to",
	"customer.identity_removed":   "removed an identity from",
	"coaching.action_ticked":      "ticked an action of",
	"concern.raised":              "raised",
	"award.withdrawn":             "withdrew",
	"award.commented":             "commented on",
	"recognition.webhook_updated": "changed the recognition webhook",
}

// targetNames are what the kinds of target are called in a sentence.
var targetNames = map[string]string{
	"api_token": "API token", "custom_field": "custom field", "custom_status": "custom status",
	"coaching_session": "coaching session", "review_period": "review period", "badge_proposal": "badge proposal",
	"philosophy_version": "philosophy version", "setting": "setting", "settings": "settings",
}

// Sentence is an entry as a person reads it: "Ada Admin changed role from
// agent to lead on user Bob Jones", "Ada Admin closed calibration #3
// (agreement: 1: 93.05, 2: 80)". Every value is written out in words; no
// Go value is ever printed as Go prints it.
func Sentence(e Entry) string {
	who := actorPhrase(e)
	target := targetPhrase(e)
	if changes, rest := splitChanges(e.Details); len(changes) > 0 && isChange(e.Action) {
		s := who + " changed " + strings.Join(changes, ", and ")
		if target != "" {
			s += " on " + target
		}
		return s + detailSuffix(rest)
	}
	verb := verbOf(e.Action)
	s := who + " " + verb
	if target != "" && !strings.HasSuffix(verb, "settings") && !strings.HasSuffix(verb, "webhook") {
		s += " " + target
	}
	return s + detailSuffix(e.Details)
}

// actorPhrase names who did it: the user's name, else the label the entry
// was recorded with, in words for the machine's own ("system", "cli").
func actorPhrase(e Entry) string {
	switch {
	case e.ActorName != "":
		return e.ActorName
	case e.Action == "user.sign_in_failed":
		return "Someone" // not signed in, by definition
	case e.Actor == "system":
		return "Centerdesk"
	case e.Actor == "cli":
		return "Someone at the command line"
	case e.Actor == "":
		return "Someone"
	}
	return e.Actor
}

// verbOf reads an action's verb; an unknown "thing.done_this" reads as
// "done this".
func verbOf(action string) string {
	if v, ok := verbs[action]; ok {
		return v
	}
	_, what, found := strings.Cut(action, ".")
	if !found {
		what = action
	}
	return strings.ReplaceAll(what, "_", " ")
}

// targetPhrase names what an entry is about: by name when known ("user
// Bob Jones"), else by kind and id ("mailbox #3"). Signing in names no
// target: the person is the target.
func targetPhrase(e Entry) string {
	if e.TargetType == "" || e.Action == "user.sign_in" {
		return ""
	}
	kind := targetNames[e.TargetType]
	if kind == "" {
		kind = strings.ReplaceAll(e.TargetType, "_", " ")
	}
	switch {
	case e.TargetName != "":
		return kind + " " + e.TargetName
	case e.TargetID == "":
		return kind
	case isNumber(e.TargetID):
		return kind + " #" + e.TargetID
	}
	return kind + " " + strings.ReplaceAll(e.TargetID, "_", " ")
}

// isChange reports whether an action records changes as before-and-after
// pairs, as every "*.updated" and "*_changed" entry does.
func isChange(action string) bool {
	return strings.HasSuffix(action, ".updated") || strings.HasSuffix(action, "_changed")
}

// splitChanges takes the before-and-after pairs out of details ("role":
// ["agent", "lead"]) as "role from agent to lead", sorted by field, and
// returns the rest.
func splitChanges(details map[string]any) (changes []string, rest map[string]any) {
	rest = map[string]any{}
	for _, k := range sortedKeys(details) {
		pair, ok := details[k].([]any)
		if ok && len(pair) == 2 && isScalar(pair[0]) && isScalar(pair[1]) {
			changes = append(changes, fmt.Sprintf("%s from %s to %s", humanKey(k), words(pair[0]), words(pair[1])))
			continue
		}
		rest[k] = details[k]
	}
	return changes, rest
}

// detailSuffix writes the rest of an entry's details in brackets.
func detailSuffix(details map[string]any) string {
	if len(details) == 0 {
		return ""
	}
	return " (" + words(details) + ")"
}

// words writes a decoded JSON value for people: text as it is, numbers
// without exponents, yes and no, lists with commas, objects as "key:
// value" pairs in key order.
func words(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		if x == "" {
			return "nothing"
		}
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = words(e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range sortedKeys(x) {
			val := words(x[k])
			if _, nested := x[k].(map[string]any); nested {
				val = "(" + val + ")"
			}
			parts = append(parts, humanKey(k)+": "+val)
		}
		return strings.Join(parts, ", ")
	}
	// Details are decoded from JSON, so nothing else arrives; say what it
	// is rather than print it as Go would.
	return fmt.Sprintf("a %T", v)
}

func isScalar(v any) bool {
	switch v.(type) {
	case nil, string, bool, float64:
		return true
	}
	return false
}

func humanKey(k string) string { return strings.ReplaceAll(k, "_", " ") }

func isNumber(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
