package quality_test

import (
	"strings"
	"testing"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/user"
)

func TestEveryPhilosophyChangeSavesAVersion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := e.ctx(e.lead)
		p, err := e.q.PutPhilosophy(ctx, e.lead, quality.PhilosophyInput{Vision: " Effortless help. ",
			Values: []quality.ValueInput{{Name: "Creative", Code: "c", Colour: "#FF8800", Meaning: "We try new ways."}}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Vision != "Effortless help." || len(p.Values) != 1 || p.Values[0].Code != "C" ||
			p.Values[0].Colour != "#ff8800" || p.Warning != "" {
			t.Fatalf("put %+v", p)
		}
		creative := p.Values[0].ID
		colours := []string{"#000001", "#000002", "#000003", "#000004"}
		for i, code := range []string{"E", "N", "T", "R"} {
			res, err := e.q.CreateValue(ctx, e.lead, quality.ValueInput{Name: "Value " + code, Code: code, Colour: colours[i]})
			if err != nil {
				t.Fatal(err)
			}
			if res.Warning != "" || res.Position != i+1 {
				t.Fatalf("value %d: %+v", i, res)
			}
		}
		// A sixth is allowed, with a warning that says why five.
		sixth, err := e.q.CreateValue(ctx, e.lead, quality.ValueInput{Name: "Extra", Code: "X", Colour: "#123456"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sixth.Warning, "at most 5 are suggested") {
			t.Fatalf("no warning for a sixth value: %+v", sixth)
		}
		newName := "Creative thinking"
		if _, err := e.q.UpdateValue(ctx, e.lead, creative, quality.ValuePatch{Name: &newName}); err != nil {
			t.Fatal(err)
		}
		if err := e.q.DeleteValue(ctx, e.lead, sixth.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.q.CreateValue(ctx, e.lead, quality.ValueInput{Name: "Dup", Code: "e", Colour: "#123456"})
		if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindConflict || e.Field != "code" {
			t.Fatalf("duplicate code: %v", err)
		}

		versions, err := e.q.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// put, 4 creates, sixth, rename, delete: 8 versions, newest first.
		if len(versions) != 8 || versions[0].Change != "value.deleted" || versions[7].Change != "philosophy.updated" ||
			*versions[0].AuthorID != e.lead.ID {
			t.Fatalf("versions %+v", versions)
		}
		first, err := e.q.Version(ctx, versions[7].ID)
		if err != nil {
			t.Fatal(err)
		}
		if first.Philosophy.Vision != "Effortless help." || len(first.Philosophy.Values) != 1 ||
			first.Philosophy.Values[0].Name != "Creative" || first.Philosophy.Values[0].Meaning != "We try new ways." {
			t.Fatalf("first version %+v", first.Philosophy)
		}
		withSix, err := e.q.Version(ctx, versions[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(withSix.Philosophy.Values) != 6 || withSix.Philosophy.Warning == "" {
			t.Fatalf("sixth version %+v", withSix.Philosophy)
		}

		// Replacing the set: keep and reorder two (swapping codes), drop the rest, add one.
		now, err := e.q.Philosophy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a, b := now.Values[0], now.Values[1]
		p, err = e.q.PutPhilosophy(ctx, e.lead, quality.PhilosophyInput{Vision: "Help that feels easy.", Values: []quality.ValueInput{
			{ID: b.ID, Name: b.Name, Code: a.Code, Colour: b.Colour},
			{ID: a.ID, Name: a.Name, Code: b.Code, Colour: a.Colour},
			{Name: "Nimble", Code: "NB", Colour: "#abcdef"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Values) != 3 || p.Values[0].ID != b.ID || p.Values[0].Code != a.Code || p.Values[2].Code != "NB" {
			t.Fatalf("replaced %+v", p.Values)
		}
		md := p.Markdown()
		if !strings.Contains(md, "## Vision\n\nHelp that feels easy.") || !strings.Contains(md, "### NB — Nimble") {
			t.Fatalf("markdown:\n%s", md)
		}
		if vs, _ := e.q.Versions(ctx); len(vs) != 9 {
			t.Fatalf("%d versions after the second put", len(vs))
		}
	})
}

func TestOnlyLeadsWriteThePhilosophy(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		agent := e.user("agent")
		_, err := e.q.CreateValue(e.ctx(agent), agent, quality.ValueInput{Name: "Mine", Code: "M", Colour: "#000000"})
		if !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent created a value: %v", err)
		}
		cases := map[string]quality.ValueInput{
			"name":   {Code: "A", Colour: "#000000"},
			"code":   {Name: "A", Code: "A-B", Colour: "#000000"},
			"colour": {Name: "A", Code: "A", Colour: "red"},
		}
		for field, in := range cases {
			_, err := e.q.CreateValue(e.ctx(e.lead), e.lead, in)
			if ae, ok := apperr.As(err); !ok || ae.Field != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		if vs, _ := e.q.Versions(e.ctx(e.lead)); len(vs) != 0 {
			t.Fatalf("failed changes saved %d versions", len(vs))
		}
	})
}

func TestSurveyAnswersAreAnonymous(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sv, err := e.q.CreateSurvey(e.ctx(e.lead), e.lead, quality.NewSurvey{})
		if err != nil {
			t.Fatal(err)
		}
		if sv.Question != quality.DefaultSurveyQuestion {
			t.Fatalf("question %q", sv.Question)
		}
		answers := []string{"Fast and friendly help!", "They're friendly, and they listen.", "FAST. Honest."}
		var agents []int64
		for _, a := range answers {
			agent := e.user("agent")
			agents = append(agents, agent.ID)
			if err := e.q.Answer(e.ctx(agent), agent, sv.ID, a); err != nil {
				t.Fatal(err)
			}
			err := e.q.Answer(e.ctx(agent), agent, sv.ID, "again")
			if !apperr.Is(err, apperr.KindConflict) {
				t.Fatalf("second answer: %v", err)
			}
		}
		// The answers table has no column that could name or date its author.
		rows, err := d.Read().Query(`SELECT * FROM survey_answers`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		if strings.Join(cols, ",") != "id,survey_id,body" {
			t.Fatalf("answer columns %v", cols)
		}
		if n := testutil.Count(t, d, "survey_respondents"); n != 3 {
			t.Fatalf("%d respondents", n)
		}
		res, err := e.q.SurveyResults(e.ctx(e.lead), e.lead, sv.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := []quality.WordCount{{Word: "fast", Count: 2}, {Word: "friendly", Count: 2}}
		if len(res.Words) != 2 || res.Words[0] != want[0] || res.Words[1] != want[1] || res.Survey.Answers != 3 {
			t.Fatalf("results %+v", res)
		}
		if _, err := e.q.SurveyResults(e.ctx(e.lead), e.lead, sv.ID, 10000); !apperr.Is(err, apperr.KindInvalid) {
			t.Fatalf("top 10000: %v", err)
		}
		agent := e.user("agent")
		if _, err := e.q.CreateSurvey(e.ctx(agent), agent, quality.NewSurvey{}); !apperr.Is(err, apperr.KindForbidden) {
			t.Fatalf("agent created a survey: %v", err)
		}
		first := &user.User{ID: agents[0], Role: user.RoleAgent}
		for _, u := range []*user.User{first, agent} {
			list, err := e.q.Surveys(e.ctx(u), u)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Answered != (u == first) {
				t.Fatalf("surveys for %d: %+v", u.ID, list[0])
			}
		}
	})
}
