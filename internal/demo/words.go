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

var domains = []string{"example.com", "acme.test", "globex.test", "initech.test", "umbrella.test",
	"hooli.test", "stark.test", "wayne.test", "gmail.test", "outlook.test", "proton.test"}

var teamNames = []string{"Billing", "Technical support", "Onboarding", "Accounts"}

var products = []string{"invoice", "subscription", "mobile app", "dashboard", "export", "password reset",
	"two-factor code", "webhook", "API key", "order", "delivery", "refund", "plan upgrade", "data import",
	"calendar sync", "report", "login", "integration", "receipt", "shipping label"}

var problems = []string{"is not working", "shows the wrong amount", "keeps failing", "is very slow",
	"disappeared", "was charged twice", "cannot be downloaded", "gives an error", "never arrived",
	"is stuck at loading", "looks broken on my phone", "needs to be changed", "was cancelled by mistake"}

var openers = []string{"Hello,", "Hi there,", "Good morning,", "Hi team,", "Dear support,", "Hey,"}

var details = []string{
	"I tried again this morning and it still happens.",
	"This started after the update last week.",
	"My colleague sees the same thing on her account.",
	"I already cleared the cache and signed out and in again.",
	"We need this fixed before the end of the month, our accountant is waiting.",
	"The error message says something about a timeout.",
	"I attached a screenshot of what I see.",
	"Could you tell me what I should do next?",
	"It is quite urgent for us because our customers are affected.",
	"I have been a customer for three years and this never happened before.",
}

var agentReplies = []string{
	"Thank you for writing in, and sorry for the trouble. I have looked into your account and found the cause.",
	"Thanks for the details, that helps a lot. I have passed this on to our engineers and will update you today.",
	"I understand how frustrating this is. I have refunded the duplicate charge; you will see it in 3-5 days.",
	"Could you send me the exact time it happened, so that I can find it in our logs?",
	"Good news: the fix is live now. Could you try again and tell me whether it works for you?",
	"I have changed the setting for you. Nothing else is needed on your side.",
}

var customerReplies = []string{
	"Thanks, that worked!", "It still does not work, I am afraid.", "It happened at about 9:40 this morning.",
	"Perfect, thank you so much for the quick help.", "Any news on this?", "Great, all good now.",
}

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
	for _, list := range [][]string{products, problems, openers, details, agentReplies, customerReplies, notes} {
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
