package demo

// What the demo's reviewers and agents write.

var (
	reviewComments = []string{
		"Clear, kind and quick: the customer knew what would happen next.",
		"Solid work. The first reply could have asked for the order number straight away.",
		"Good tone throughout; the fix was explained in plain words.",
		"Took ownership and followed up without being asked.",
		"Correct answer, but it took three replies to get there.",
		"Lovely touch offering the replacement before the customer asked.",
	}
	weakComments = []string{
		"The reply reads like a template; the customer's worry was not answered.",
		"Two days without an update while the customer waited.",
		"Asked the customer for information they had already given.",
	}
	strongComments = []string{
		"Spotted the real problem behind the question.",
		"Exactly the right amount of warmth.",
		"Answered within minutes and solved it in one reply.",
	}
	disputeReasons = []string{
		"The delay was the warehouse's, not mine: I chased them twice (see the internal notes).",
		"The customer asked for a short answer, so I kept it short.",
		"I did offer a call-back; it is in the second message.",
	}
)
