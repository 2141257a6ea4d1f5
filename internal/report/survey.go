package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/centerdesk/centerdesk/internal/db"
)

// CSATSatisfied is the lowest CSAT answer (of 5) counted as satisfied, as
// the feedback summary counts it.
const CSATSatisfied = 4

// surveyFact is one answered survey's share of the roll-up: at the hour of
// its first answer, under the team, agent and channel frozen at the solve
// and the ticket's tags now.
type surveyFact struct {
	surveyID, ticketID int64
	hour               int64
	team, agent        string
	channel            string
	tags               []string
	csat, ces          *int64
}

func (f surveyFact) keys() [][2]string {
	ks := [][2]string{{DimAll, ""}, {DimTeam, f.team}, {DimAgent, f.agent}, {DimChannel, f.channel}}
	for _, t := range f.tags {
		ks = append(ks, [2]string{DimTag, t})
	}
	return ks
}

func (f surveyFact) same(o surveyFact) bool {
	eq := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return f.hour == o.hour && f.team == o.team && f.agent == o.agent && f.channel == o.channel &&
		slices.Equal(f.tags, o.tags) && eq(f.csat, o.csat) && eq(f.ces, o.ces)
}

// addSurvey puts sign times the answer's share into d.
func (d deltas) addSurvey(f surveyFact, sign int64) {
	for _, k := range f.keys() {
		c := d.at(cellKey{k[0], f.hour, k[1]})
		if f.csat != nil {
			c.csatN += sign
			if *f.csat >= CSATSatisfied {
				c.csatSat += sign
			}
		}
		if f.ces != nil {
			c.cesN += sign
			c.cesSum += sign * *f.ces
		}
	}
}

// readSurveys reads the answered surveys of the tickets (read-only; the
// surveys belong to internal/feedback), with each ticket's tags.
func readSurveys(ctx context.Context, q db.Queryer, ids []int64, tickets map[int64]fact) (map[int64]surveyFact, error) {
	out := map[int64]surveyFact{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.InList(1, ids)
	rows, err := q.QueryContext(ctx, `SELECT id, ticket_id, answered_at, team_id, assignee_id, channel, csat, ces
		FROM feedback_surveys WHERE ticket_id IN (`+in+`) AND answered_at IS NOT NULL`, args...)
	if err != nil {
		return nil, fmt.Errorf("report: read surveys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f surveyFact
		var answered time.Time
		var team, agent sql.NullInt64
		if err := rows.Scan(&f.surveyID, &f.ticketID, db.ScanTime(&answered), &team, &agent, &f.channel,
			&f.csat, &f.ces); err != nil {
			return nil, fmt.Errorf("report: read surveys: %w", err)
		}
		if f.csat == nil && f.ces == nil {
			continue
		}
		f.hour, f.team, f.agent, f.tags = hourOf(answered), idKey(team), idKey(agent), tickets[f.ticketID].tags
		out[f.surveyID] = f
	}
	return out, rows.Err()
}

func idKey(id sql.NullInt64) string {
	if !id.Valid {
		return ""
	}
	return strconv.FormatInt(id.Int64, 10)
}

// loadSurveyFacts reads the stored shares of the tickets' surveys.
func loadSurveyFacts(ctx context.Context, q db.Queryer, ids []int64) (map[int64]surveyFact, error) {
	out := map[int64]surveyFact{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.InList(1, ids)
	rows, err := q.QueryContext(ctx, `SELECT survey_id, ticket_id, answered_hour, team_key, agent_key, channel, tags, csat, ces
		FROM report_survey_facts WHERE ticket_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("report: load survey facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f surveyFact
		var tags string
		if err := rows.Scan(&f.surveyID, &f.ticketID, &f.hour, &f.team, &f.agent, &f.channel, &tags,
			&f.csat, &f.ces); err != nil {
			return nil, fmt.Errorf("report: load survey facts: %w", err)
		}
		if tags != "" {
			f.tags = strings.Split(tags, "\n")
		}
		out[f.surveyID] = f
	}
	return out, rows.Err()
}

func saveSurveyFact(ctx context.Context, tx *sql.Tx, f surveyFact) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO report_survey_facts (survey_id, ticket_id, answered_hour, team_key, agent_key, channel, tags, csat, ces)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (survey_id) DO UPDATE SET ticket_id = excluded.ticket_id, answered_hour = excluded.answered_hour,
			team_key = excluded.team_key, agent_key = excluded.agent_key, channel = excluded.channel,
			tags = excluded.tags, csat = excluded.csat, ces = excluded.ces`,
		f.surveyID, f.ticketID, f.hour, f.team, f.agent, f.channel, strings.Join(f.tags, "\n"), f.csat, f.ces)
	if err != nil {
		return fmt.Errorf("report: save survey %d: %w", f.surveyID, err)
	}
	return nil
}

// refreshSurveys moves the roll-up from the tickets' stored survey shares
// to their current ones.
func refreshSurveys(ctx context.Context, tx *sql.Tx, ids []int64, tickets map[int64]fact, d deltas) error {
	old, err := loadSurveyFacts(ctx, tx, ids)
	if err != nil {
		return err
	}
	cur, err := readSurveys(ctx, tx, ids, tickets)
	if err != nil {
		return err
	}
	for id, f := range old {
		if c, ok := cur[id]; ok && c.same(f) {
			continue
		}
		d.addSurvey(f, -1)
		if _, ok := cur[id]; !ok {
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_survey_facts WHERE survey_id = $1`, id); err != nil {
				return fmt.Errorf("report: drop survey %d: %w", id, err)
			}
		}
	}
	for id, f := range cur {
		if o, ok := old[id]; ok && o.same(f) {
			continue
		}
		d.addSurvey(f, 1)
		if err := saveSurveyFact(ctx, tx, f); err != nil {
			return err
		}
	}
	return nil
}
