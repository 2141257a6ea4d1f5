package demo

// The vocabulary the demo desk is written in: plausible names, products
// and problems, so that lists, search and reports look like a real desk.

import (
	"strings"
	"unicode"
)

var firstNames = []string{"Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances",
	"Edsger", "Radia", "Tim", "Katherine", "John", "Hedy", "Niklaus", "Sophie", "Mateo", "Amara", "Yuki",
	"Priya", "Lars", "Chloé", "Olu", "Ingrid", "Diego", "Mei", "Tomás", "Anya", "Kwame", "Noor", "Elif"}

var lastNames = []string{"Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie",
	"Allen", "Dijkstra", "Perlman", "Berners-Lee", "Johnson", "McCarthy", "Lamarr", "Wirth", "Wilson",
	"García", "Okafor", "Tanaka", "Sharma", "Nilsson", "Dubois", "Adeyemi", "Berg", "Fernández", "Chen"}

// domains are where customers write from: the companies' (organizations.go)
// and mail providers', all on names reserved for examples (RFC 2606).
var domains = []string{"northwind.example", "contoso.example", "fabrikam.example", "tailspin.example",
	"adatum.example", "litware.example", "proseware.example", "example.com", "example.org", "example.net",
	"mail.example", "inbox.example"}

// staffDomain is the desk's own domain, where its agents' addresses are.
const staffDomain = "brightdesk.example"

// staff are the desk's people: the admin first, then the lead, then the
// agents.
var staff = []string{"Morgan Reyes", "Priya Raman", "Jonas Weber", "Amara Okafor", "Lucas Moreau", "Yuki Tanaka",
	"Sofia Rossi", "Daniel Kim", "Ingrid Berg", "Mateo García", "Hannah Schulz", "Kwame Mensah", "Elif Demir"}

// firstName is the first word of a name, for greetings and signatures.
func firstName(name string) string {
	first, _, _ := strings.Cut(name, " ")
	return first
}

// asciiLower is a name as an email's local part: lower case, accents
// dropped, only letters and digits.
func asciiLower(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("àáâäã", r):
			b.WriteByte('a')
		case strings.ContainsRune("èéêë", r):
			b.WriteByte('e')
		case strings.ContainsRune("ìíîï", r):
			b.WriteByte('i')
		case strings.ContainsRune("òóôöõ", r):
			b.WriteByte('o')
		case strings.ContainsRune("ùúûü", r):
			b.WriteByte('u')
		case r == 'ñ':
			b.WriteByte('n')
		case r == 'ç':
			b.WriteByte('c')
		}
	}
	return b.String()
}

var teamNames = []string{"Billing", "Technical support", "Onboarding", "Accounts"}

var openers = []string{"Hello,", "Hi there,", "Good morning,", "Hi team,", "Dear support,", "Hey,"}

var notes = []string{
	"Checked the billing logs: two charges on the same card within a minute.",
	"Known issue, linked to the incident from Tuesday.",
	"Customer is on the legacy plan; check with accounts before changing anything.",
	"Escalated to engineering, waiting on a fix.",
}

var tags = []string{"billing", "refund", "bug", "how-to", "feature-request", "vip", "mobile", "api",
	"login", "shipping", "urgent", "churn-risk"}

// Words returns every word the demo desk writes in subjects and messages,
// lower-cased, so a load generator can search for words that are there.
func Words() map[string]bool {
	out := map[string]bool{}
	lists := [][]string{openers, notes}
	for _, st := range stories {
		lists = append(lists, []string{st.subject, st.opening, st.reply, st.followUp, st.answer, st.closing})
	}
	for _, list := range lists {
		for _, text := range list {
			for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
			}) {
				out[w] = true
			}
		}
	}
	return out
}
