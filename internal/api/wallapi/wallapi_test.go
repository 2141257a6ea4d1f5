package wallapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/centerdesk/centerdesk/internal/config"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/quality"
	"github.com/centerdesk/centerdesk/internal/secret"
	"github.com/centerdesk/centerdesk/internal/server"
	"github.com/centerdesk/centerdesk/internal/testutil"
	"github.com/centerdesk/centerdesk/internal/ticket"
	"github.com/centerdesk/centerdesk/internal/user"
	"github.com/centerdesk/centerdesk/internal/wall"
)

type bench struct {
	t     *testing.T
	d     *db.DB
	h     http.Handler
	users *user.Service
}

func newBench(t *testing.T, d *db.DB) *bench {
	t.Helper()
	box, err := secret.NewBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	params := user.PasswordParams{Memory: 1024, Time: 1, Threads: 1}
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SessionLifetime: time.Hour,
		SessionIdle: time.Hour, ShutdownTimeout: 10 * time.Second}
	srv, err := server.New(cfg, testutil.Logger(t), d, box, server.Options{PasswordParams: params})
	if err != nil {
		t.Fatal(err)
	}
	return &bench{t: t, d: d, h: srv.Handler(), users: user.NewService(d, box, params)}
}

// token makes a user of role and returns their id and API token.
func (b *bench) token(role string) (int64, string) {
	b.t.Helper()
	id := testutil.NewUser(b.t, b.d, role)
	_, tok, err := b.users.CreateToken(context.Background(), id, "tests")
	if err != nil {
		b.t.Fatal(err)
	}
	return id, tok
}

func (b *bench) do(token, method, path, body string) *httptest.ResponseRecorder {
	b.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, r)
	return rec
}

func TestWallOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := newBench(t, d)
		leadID, lead := b.token("lead")
		anaID, ana := b.token("agent")
		ctx := testutil.As(leadID)
		p, err := quality.NewService(d).PutPhilosophy(ctx, &user.User{ID: leadID, Role: user.RoleLead},
			quality.PhilosophyInput{Vision: "Heard.", Values: []quality.ValueInput{{Name: "Empathetic", Code: "E", Colour: "#aa0000"}}})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := ticket.NewService(d).Create(ctx, ticket.NewTicket{Subject: "Parcel", Body: "Lost", Channel: "email",
			Requester: ticket.Requester{Email: "maria@example.com", Name: "Maria Lopez"}})
		if err != nil {
			t.Fatal(err)
		}
		var survey int64
		now := db.Time(db.Now())
		if err := d.Write().QueryRow(`INSERT INTO feedback_surveys (ticket_id, solve_event_id, customer_id, channel,
			assignee_id, status, token_nonce, solved_at, sent_at, answered_at, csat, ces, comment, created_at, updated_at)
			SELECT id, 1, requester_id, channel, $2, 'answered', 'n', $3, $3, $3, 5, 7, 'Ana was <script>kind</script>', $3, $3
			FROM tickets WHERE id = $1 RETURNING id`, tk.ID, anaID, now).Scan(&survey); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().Exec(`INSERT INTO feedback_survey_agents (survey_id, user_id, is_assignee) VALUES ($1, $2, true)`,
			survey, anaID); err != nil {
			t.Fatal(err)
		}

		rec := b.do(ana, "GET", "/api/v1/feedback/wall?band=positive&has_comment=true&from=2020-01-01", "")
		var page wall.Page
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &page) != nil || len(page.Items) != 1 ||
			page.Items[0].Customer != "Maria" || strings.Contains(rec.Body.String(), "Lopez") ||
			strings.Contains(rec.Body.String(), "maria@") {
			t.Fatalf("wall: %d %s", rec.Code, rec.Body)
		}
		for q, field := range map[string]string{"band=great": "band", "has_comment=maybe": "has_comment",
			"from=2026-02-01&to=2026-01-01": "to", "team_id=x": "team_id", "limit=0": "limit", "from=soon": "from"} {
			rec := b.do(ana, "GET", "/api/v1/feedback/wall?"+q, "")
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"`+field+`"`) {
				t.Errorf("%s: %d %s", q, rec.Code, rec.Body)
			}
		}
		path := "/api/v1/feedback/wall/" + strconv.FormatInt(survey, 10) + "/recognize"
		body := `{"value_id": ` + strconv.FormatInt(p.Values[0].ID, 10) + `, "message": "Empathy in action"}`
		if rec := b.do(ana, "POST", path, body); rec.Code != http.StatusForbidden {
			t.Fatalf("an agent recognised: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do(lead, "POST", path, `{"value_id": 0, "message": "x"}`); rec.Code != http.StatusBadRequest ||
			!strings.Contains(rec.Body.String(), `"field":"value_id"`) {
			t.Fatalf("no value: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do(lead, "POST", path, body); rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `"ticket_id":`+strconv.FormatInt(tk.ID, 10)) {
			t.Fatalf("recognise: %d %s", rec.Code, rec.Body)
		}
		if rec := b.do(lead, "POST", path, body); rec.Code != http.StatusConflict {
			t.Fatalf("twice: %d %s", rec.Code, rec.Body)
		}
	})
}
