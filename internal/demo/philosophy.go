package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/user"
)

// The team's philosophy: the first agent is promoted to lead and writes
// the CENTER values (six of them, one more than the five the product
// suggests, so its note shows), then rewords the vision a month and a half
// later, which makes two versions; and the team answers the survey that
// seeded the vision. It goes through the quality service, as a lead would;
// the versions are then dated back to when they would have been written.

// philosophy writes the demo's philosophy and survey. A database that has
// values already (a second demo loaded with Force) keeps its philosophy.
func (g *generator) philosophy(ctx context.Context) error {
	lead, err := g.o.Users.Update(ctx, g.agents[0], user.Patch{Role: ptr(string(user.RoleLead))})
	if err != nil {
		return fmt.Errorf("demo: make a lead: %w", err)
	}
	q := quality.NewService(g.d)
	if err := g.survey(ctx, q, lead); err != nil {
		return err
	}
	ph, err := q.Philosophy(ctx)
	if err != nil {
		return err
	}
	if len(ph.Values) > 0 {
		return nil
	}
	if _, err := q.PutPhilosophy(as(ctx, lead), lead, centerPhilosophy); err != nil {
		return fmt.Errorf("demo: philosophy: %w", err)
	}
	if err := g.dateLastVersion(ctx, g.o.Now.AddDate(0, 0, -min(g.o.Days, 90))); err != nil {
		return err
	}
	if _, err := q.SetVision(as(ctx, lead), lead, centerVision); err != nil {
		return fmt.Errorf("demo: vision: %w", err)
	}
	return g.dateLastVersion(ctx, g.o.Now.AddDate(0, 0, -min(g.o.Days, 90)/2))
}

func ptr[T any](v T) *T { return &v }

// dateLastVersion moves the newest version of the philosophy to at.
func (g *generator) dateLastVersion(ctx context.Context, at time.Time) error {
	_, err := g.d.Writer(ctx).ExecContext(ctx, `UPDATE philosophy_versions SET created_at = $1
		WHERE id = (SELECT MAX(id) FROM philosophy_versions)`, db.Time(at))
	if err != nil {
		return fmt.Errorf("demo: date version: %w", err)
	}
	_, err = g.d.Writer(ctx).ExecContext(ctx, `UPDATE philosophy SET updated_at = $1 WHERE id = 1`, db.Time(at))
	if err != nil {
		return fmt.Errorf("demo: date philosophy: %w", err)
	}
	return nil
}

// survey asks the default question; every demo agent and the admin answer.
func (g *generator) survey(ctx context.Context, q *quality.Service, lead *user.User) error {
	sv, err := q.CreateSurvey(as(ctx, lead), lead, quality.NewSurvey{})
	if err != nil {
		return fmt.Errorf("demo: survey: %w", err)
	}
	admin, err := g.o.Users.GetByEmail(ctx, g.res.AdminEmail)
	if err != nil {
		return fmt.Errorf("demo: survey: %w", err)
	}
	respondents := []*user.User{admin}
	for _, id := range g.agents {
		u, err := g.o.Users.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("demo: survey: %w", err)
		}
		respondents = append(respondents, u)
	}
	for i, u := range respondents {
		if err := q.Answer(ctx, u, sv.ID, surveyAnswers[i%len(surveyAnswers)]); err != nil {
			return fmt.Errorf("demo: survey answer: %w", err)
		}
	}
	_, err = g.d.Writer(ctx).ExecContext(ctx, `UPDATE surveys SET created_at = $1 WHERE id = $2`,
		db.Time(g.o.Now.AddDate(0, 0, -min(g.o.Days, 90)-7)), sv.ID)
	return err
}

// surveyAnswers are what a support team writes when asked what customers
// should think of its service.
var surveyAnswers = []string{
	"That we listened, understood the real problem and fixed it fast.",
	"Honest. Even when the answer is no, they are honest and explain why.",
	"Fast, friendly and they actually care. I never had to explain twice.",
	"I trust them: they are honest and they follow up without me chasing.",
	"Easy. Getting help was easy and the person understood me straight away.",
	"They listened, they cared, and they treated me like a person, not a ticket.",
	"Fast answers, honest answers, and they listened before they replied.",
	"Someone owned my problem from start to finish and kept me informed.",
	"Helpful and human: they found a creative way around a real limitation.",
	"I felt understood, and I learned how to fix it myself next time.",
	"Reliable and honest: when they promise an update, the update comes.",
	"They care about my business, not just about closing the ticket fast.",
	"Friendly, patient and clear. They explained everything in plain words.",
	"That asking for help is easy and always worth it.",
	"Honest, fast and kind, even on a bad day for both of us.",
}

// centerVision is the vision as the lead reworded it after the survey.
const centerVision = "Every customer leaves feeling heard, helped and trusted, and finds asking us for help " +
	"easier than they expected. We want people to think of our service as honest, human and quick: " +
	"someone owned their problem, understood it, and left them more able than before."

// centerPhilosophy is the CENTER philosophy as first written.
var centerPhilosophy = quality.PhilosophyInput{
	Vision: "Every customer leaves feeling heard, helped and a little surprised by how easy it was.",
	Values: []quality.ValueInput{
		{
			Name: "Creative", Code: "C", Colour: "#7b3fa0",
			Description:   "We look for the answer that fits this customer, not only the one in the macro.",
			Meaning:       "The rules and the macros are where we start, not where we stop. When the usual answer does not solve the customer's real problem, we look for one that does.",
			InAction:      "Suggesting a workaround while a bug is fixed; rewriting a macro so it fits the customer's situation; drawing a quick diagram when words are not enough.",
			Misread:       "Creative is not improvising policy or promising what the product cannot do. A creative answer stays honest and is one a colleague could repeat.",
			JudgedBy:      "Reviews look for tickets where the first answer would not have solved it and the agent found one that did, and for macros improved after such a ticket.",
			Relationships: "Customers learn that a limitation is not the end of the conversation; they bring us harder problems earlier, because they expect us to help find a way.",
		},
		{
			Name: "Empowering", Code: "E", Colour: "#1f5fae",
			Description:   "We leave customers, and each other, more able than before.",
			Meaning:       "We solve the problem and, where it helps, show how it was solved, so the customer can do it next time. Inside the team, we share what we learn.",
			InAction:      "Linking the knowledge-base article we used; explaining the why behind a setting; writing up a tricky case for the team.",
			Misread:       "Empowering is not pushing work back to the customer or answering with a link alone. We never make self-service the price of help.",
			JudgedBy:      "Fewer repeat questions from the same customer on the same topic; reviews that find the answer taught something; articles written from tickets.",
			Relationships: "Customers feel capable rather than dependent, and come back to us for the problems that need us, not for the ones they can now solve.",
		},
		{
			Name: "Nimble", Code: "N", Colour: "#0f7b6c",
			Description:   "We move quickly and change course when the situation asks for it.",
			Meaning:       "We do not let a ticket wait on a process that does not serve it. When we learn something new about the problem, we change our approach straight away.",
			InAction:      "Pulling in a colleague from another team within the hour; escalating as soon as a pattern appears; replying with what we know now rather than waiting for everything.",
			Misread:       "Nimble is not rushing or skipping the steps that protect customers (verification, privacy). Speed that leads to a second contact is not speed.",
			JudgedBy:      "Time to a useful first reply, tickets solved without being bounced between teams, and incidents spotted from tickets before customers had to tell us twice.",
			Relationships: "Customers stop bracing for a long process when they write in; they see us adapt to them rather than the other way round.",
		},
		{
			Name: "Trustful", Code: "T", Colour: "#8a5a00",
			Description:   "We tell the truth, keep our promises and trust each other to do the same.",
			Meaning:       "We say what we know, what we do not know and when we will know more, and we do what we said. We give colleagues and customers the benefit of the doubt.",
			InAction:      "Admitting a mistake plainly; giving a realistic date rather than a hopeful one; following up when we said we would, even to say there is no news yet.",
			Misread:       "Trustful is not telling customers everything about our internals, nor trusting blindly: we still verify who we are talking to before we change an account.",
			JudgedBy:      "Promises in replies kept on time; no review finding a misleading answer; this value is critical on the scorecard, so failing it fails the review.",
			Relationships: "Customers believe our answers the first time, so conversations get shorter, and they forgive the occasional bad news because it comes straight.",
		},
		{
			Name: "Empathetic", Code: "EM", Colour: "#b3261e",
			Description:   "We understand how the customer feels before we answer what they asked.",
			Meaning:       "Behind every ticket is someone whose day is affected. We acknowledge that, in our own words, and let it shape how we help.",
			InAction:      "Noticing the deadline in the customer's message and working to it; acknowledging frustration without a script; adjusting tone to the person.",
			Misread:       "Empathetic is not apologising in every sentence or agreeing with everything. Real empathy still gives a clear answer, including no.",
			JudgedBy:      "Reviews weigh this value double: does the reply show the agent understood the customer's situation, and did it change how they helped?",
			Relationships: "Customers feel they are talking to people who get it; they tell us more about what they really need, and stay with us through problems.",
		},
		{
			Name: "Responsive", Code: "R", Colour: "#35618f",
			Description:   "We answer promptly and keep customers informed until it is done.",
			Meaning:       "A customer should never wonder whether anyone is working on their problem. We reply within our service level and keep the conversation moving.",
			InAction:      "Updating a pending ticket before the customer asks; closing the loop when a fix ships; handing over clearly when a shift ends.",
			Misread:       "Responsive is not replying instantly with nothing to say, nor measuring ourselves on handle time alone. A quick empty answer costs the customer effort.",
			JudgedBy:      "Service level against its goal, tickets with no customer chasers, and reviews that find each reply moved the ticket forward.",
			Relationships: "Customers relax once they have written to us, because they know they will hear back; silence no longer reads as neglect.",
		},
	},
}
