package quality

import (
	"net/http"

	"github.com/centerdesk/centerdesk/internal/web/kit"
)

// changePhilosophy is what the philosophy's editor tells an agent.
const changePhilosophy = "only leads and admins may change the philosophy"

// routes is the quality surface's route table: every route with who may open
// it, checked by the kit before the handler runs.
func (wb *Pages) routes() []kit.Route {
	return []kit.Route{
		{Pattern: "GET /badges/{file}", Level: kit.Public, Raw: http.HandlerFunc(wb.badgeImage)},
		{Pattern: "GET /philosophy", Level: kit.Agent, Handler: wb.philosophyPage},
		{Pattern: "GET /philosophy.md", Level: kit.Agent, Handler: wb.philosophyMarkdown},
		{Pattern: "GET /philosophy/edit", Level: kit.Lead, Handler: wb.philosophyEditor, Refusal: changePhilosophy},
		{Pattern: "POST /philosophy/vision", Level: kit.Lead, Handler: wb.saveVision, Refusal: changePhilosophy},
		{Pattern: "POST /philosophy/values", Level: kit.Lead, Handler: wb.createValue, Refusal: changePhilosophy},
		{Pattern: "GET /philosophy/values/{id}", Level: kit.Lead, Handler: wb.valueEditor, Refusal: changePhilosophy},
		{Pattern: "POST /philosophy/values/{id}", Level: kit.Lead, Handler: wb.saveValue, Refusal: changePhilosophy},
		{Pattern: "POST /philosophy/values/{id}/delete", Level: kit.Lead, Handler: wb.deleteValue, Refusal: changePhilosophy},
		{Pattern: "GET /philosophy/versions", Level: kit.Agent, Handler: wb.philosophyVersions},
		{Pattern: "GET /philosophy/versions/{id}", Level: kit.Agent, Handler: wb.philosophyVersion},
		{Pattern: "GET /surveys", Level: kit.Agent, Handler: wb.surveysPage},
		{Pattern: "POST /surveys", Level: kit.Agent, Handler: wb.createSurvey},
		{Pattern: "GET /surveys/{id}", Level: kit.Agent, Handler: wb.surveyPage},
		{Pattern: "POST /surveys/{id}/answers", Level: kit.Agent, Handler: wb.answerSurvey},
		{Pattern: "GET /recognition", Level: kit.Agent, Handler: wb.recognitionFeed},
		{Pattern: "POST /recognition/awards", Level: kit.Agent, Handler: wb.awardOrNominate},
		{Pattern: "POST /recognition/awards/{id}/reactions", Level: kit.Agent, Handler: wb.reactToAward},
		{Pattern: "POST /recognition/awards/{id}/comments", Level: kit.Agent, Handler: wb.commentOnAward},
		{Pattern: "POST /recognition/awards/{id}/withdraw", Level: kit.Agent, Handler: wb.withdrawAward},
		{Pattern: "GET /recognition/nominate", Level: kit.Agent, Handler: wb.nominateForm},
		{Pattern: "GET /recognition/nominations", Level: kit.Agent, Handler: wb.nominationsPage},
		{Pattern: "POST /recognition/nominations/{id}/approve", Level: kit.Agent, Handler: wb.approveNomination},
		{Pattern: "POST /recognition/nominations/{id}/decline", Level: kit.Agent, Handler: wb.declineNomination},
		{Pattern: "POST /recognition/proposals/{id}/confirm", Level: kit.Agent, Handler: wb.confirmProposal},
		{Pattern: "POST /recognition/proposals/{id}/dismiss", Level: kit.Agent, Handler: wb.dismissProposal},
		{Pattern: "GET /reviews", Level: kit.Agent, Handler: wb.reviews.reviewsHome},
		{Pattern: "POST /reviews", Level: kit.Agent, Handler: wb.reviews.startReview},
		{Pattern: "GET /reviews/{id}", Level: kit.Agent, Handler: wb.reviews.reviewPage},
		{Pattern: "POST /reviews/{id}", Level: kit.Agent, Handler: wb.reviews.saveReview},
		{Pattern: "POST /reviews/{id}/acknowledge", Level: kit.Agent, Handler: wb.reviews.acknowledgeReview},
		{Pattern: "POST /reviews/{id}/dispute", Level: kit.Agent, Handler: wb.reviews.disputeReview},
		{Pattern: "POST /reviews/{id}/resolve", Level: kit.Agent, Handler: wb.reviews.resolveDispute},
		{Pattern: "GET /reviews/disputes", Level: kit.Agent, Handler: wb.reviews.disputesPage},
		{Pattern: "GET /reviews/periods", Level: kit.Lead, Handler: wb.reviews.periodsPage},
		{Pattern: "POST /reviews/periods", Level: kit.Lead, Handler: wb.reviews.createPeriod},
		{Pattern: "GET /reviews/periods/{id}", Level: kit.Lead, Handler: wb.reviews.periodPage},
		{Pattern: "POST /reviews/periods/{id}/draw", Level: kit.Lead, Handler: wb.reviews.drawPeriod},
		{Pattern: "GET /reviews/scorecards", Level: kit.Lead, Handler: wb.reviews.scorecardsPage},
		{Pattern: "POST /reviews/scorecards", Level: kit.Lead, Handler: wb.reviews.createScorecard},
		{Pattern: "GET /reviews/calibrations", Level: kit.Agent, Handler: wb.reviews.calibrationsPage},
		{Pattern: "POST /reviews/calibrations", Level: kit.Lead, Handler: wb.reviews.createCalibration},
		{Pattern: "GET /reviews/calibrations/{id}", Level: kit.Agent, Handler: wb.reviews.calibrationPage},
		{Pattern: "POST /reviews/calibrations/{id}/close", Level: kit.Lead, Handler: wb.reviews.closeCalibration},
		{Pattern: "GET /reviews/agreement", Level: kit.Lead, Handler: wb.reviews.agreementPage},
	}
}
