package demo

import mrand "math/rand/v2"

// Citations the demo's reviewers and peers write, by value; values the
// demo does not know get the general ones.
var demoCitations = map[string][]string{
	"Creative": {
		"Reproduced the bug with the customer's own file and found the setting that caused it.",
		"Suggested a simpler plan that saved the customer money and still did everything she needed.",
		"Found a workaround with the export tool when the importer refused the file, and wrote it up for the knowledge base.",
		"Turned a refund request into a repair the customer preferred, at half the cost to us.",
		"Drew a quick diagram of the sync settings instead of a fourth paragraph of text; the customer got it at once.",
	},
	"Empowering": {
		"Recorded a two-minute screen video instead of a long list of steps.",
		"Pointed the customer to the right article and checked he could follow it on his own.",
		"Showed the customer how to reset the device herself, so she will not need us next time.",
		"Sent a short checklist the customer's team can use on every new hire.",
		"Explained the billing rules plainly enough that the customer could answer his own finance team.",
	},
	"Nimble": {
		"Rerouted the ticket to billing with a clear summary, so the customer never had to repeat himself.",
		"Adjusted the order before it shipped, within minutes of the customer's change of mind.",
		"Switched to a phone call when the email thread stalled, and solved it in ten minutes.",
		"Spotted that three tickets were the same outage and answered them together within the hour.",
		"Changed plan mid-thread when the customer mentioned a deadline, and shipped the replacement same day.",
	},
	"Trustful": {
		"Said plainly what we could not do, and offered what we could.",
		"Flagged a second problem the customer had not noticed yet, before it cost him.",
		"Told the customer honestly that the fix would take a week, and wrote back on the day promised.",
		"Owned our mistake on the invoice without excuses and corrected it before being asked twice.",
		"Kept every promise in a long thread: each 'I will check' was followed by an answer.",
	},
	"Empathetic": {
		"Read between the lines of a short, angry message and answered the real worry.",
		"Kept a calm, warm tone through five tense replies and left the customer thanking us.",
		"Noticed the customer was writing late at night before a launch and offered to stay on the thread.",
		"Acknowledged how frustrating the third failed delivery was before talking about solutions.",
		"Took the time to understand what the customer was really worried about: losing her data, not the error message.",
	},
	"Responsive": {
		"Answered a VIP escalation in under ten minutes with the fix, not just an acknowledgement.",
		"Kept the customer posted at every step of a three-day investigation without being asked.",
		"Answered within minutes on a Sunday outage and kept the customer updated every hour.",
		"Replied to the reopened ticket first thing in the morning with the full answer, not a holding note.",
		"Picked up a ticket that had been waiting in the wrong queue and answered it within the hour.",
	},
}

var generalCitations = []string{
	"Went the extra step to make sure the customer was completely sorted before closing the ticket.",
	"Wrote a reply so clear the customer thanked us for it in the survey.",
	"Followed up a week later to check the fix held; the customer was delighted.",
	"Took ownership from start to finish, although the cause was in another team's area.",
	"Turned a complaint into a thank-you by listening first and fixing second.",
}

var demoComments = []string{
	"So well deserved!",
	"This is exactly what we mean by it. Thank you.",
	"Learned something from reading this thread.",
	"Great job, the customer wrote to us about it too.",
	"Love this. Sharing it with the new starters.",
	"Bravo!",
}

// citationFor returns a citation for a value's badge.
func citationFor(r *mrand.Rand, value string) string {
	if list, ok := demoCitations[value]; ok && r.IntN(4) > 0 {
		return pick(r, list)
	}
	return pick(r, generalCitations)
}
