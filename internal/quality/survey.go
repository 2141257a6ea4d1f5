package quality

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/centerdesk/centerdesk/internal/apperr"
	"github.com/centerdesk/centerdesk/internal/audit"
	"github.com/centerdesk/centerdesk/internal/db"
	"github.com/centerdesk/centerdesk/internal/user"
)

// DefaultSurveyQuestion is the question a survey asks unless the lead
// writes another.
const DefaultSurveyQuestion = "What do you want our customers to think when they think of the service we provide?"

// Survey asks the team one question; answers are anonymous.
type Survey struct {
	ID        int64     `json:"id"`
	Question  string    `json:"question"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Answers   int       `json:"answers"`
	Answered  bool      `json:"answered"` // whether the caller has answered
}

// NewSurvey is what it takes to start a survey.
type NewSurvey struct {
	Question string `json:"question"`
}

// SurveyResults are a survey's words, most frequent first.
type SurveyResults struct {
	Survey Survey      `json:"survey"`
	Words  []WordCount `json:"words"`
}

// Limits on surveys.
const (
	MaxQuestion     = 500
	MaxSurveyAnswer = 2000
	DefaultTopWords = 50
	MaxTopWords     = 500
)

// CreateSurvey starts a survey; leads only.
func (s *Service) CreateSurvey(ctx context.Context, who *user.User, in NewSurvey) (*Survey, error) {
	if err := requireLead(who); err != nil {
		return nil, err
	}
	q, err := apperr.CheckText("question", in.Question, MaxQuestion, false)
	if err != nil {
		return nil, err
	}
	if q == "" {
		q = DefaultSurveyQuestion
	}
	sv := &Survey{Question: q, CreatedBy: &who.ID, CreatedAt: s.now()}
	err = s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO surveys (question, created_by, created_at) VALUES ($1, $2, $3)
			RETURNING id`, sv.Question, who.ID, db.Time(sv.CreatedAt)).Scan(&sv.ID)
		if err != nil {
			return fmt.Errorf("quality: insert survey: %w", err)
		}
		return audit.Record(ctx, tx, "survey.created", "survey", sv.ID, map[string]any{"question": q})
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

const surveyColumns = `s.id, s.question, s.created_by, s.created_at,
	(SELECT COUNT(*) FROM survey_answers a WHERE a.survey_id = s.id),
	EXISTS (SELECT 1 FROM survey_respondents r WHERE r.survey_id = s.id AND r.user_id = $1)`

func scanSurvey(row scanner) (*Survey, error) {
	var sv Survey
	err := row.Scan(&sv.ID, &sv.Question, &sv.CreatedBy, db.ScanTime(&sv.CreatedAt), &sv.Answers, &sv.Answered)
	return &sv, err
}

// Surveys lists the surveys, newest first.
func (s *Service) Surveys(ctx context.Context, who *user.User) ([]*Survey, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader(ctx).QueryContext(ctx, `SELECT `+surveyColumns+` FROM surveys s ORDER BY s.id DESC`, who.ID)
	if err != nil {
		return nil, fmt.Errorf("quality: list surveys: %w", err)
	}
	defer rows.Close()
	var out []*Survey
	for rows.Next() {
		sv, err := scanSurvey(rows)
		if err != nil {
			return nil, fmt.Errorf("quality: scan survey: %w", err)
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

func getSurvey(ctx context.Context, q db.Queryer, who *user.User, id int64) (*Survey, error) {
	sv, err := scanSurvey(q.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM surveys s WHERE s.id = $2`, who.ID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("survey")
	}
	if err != nil {
		return nil, fmt.Errorf("quality: get survey %d: %w", id, err)
	}
	return sv, nil
}

// Answer records who's answer anonymously: the answer row carries neither
// the user nor a time, and who answered is written to a separate table
// (with no link to the answer) only to refuse a second answer.
func (s *Service) Answer(ctx context.Context, who *user.User, surveyID int64, body string) error {
	if err := requireUser(who); err != nil {
		return err
	}
	body, err := apperr.CheckText("answer", body, MaxSurveyAnswer, true)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := getSurvey(ctx, tx, who, surveyID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO survey_respondents (survey_id, user_id) VALUES ($1, $2)`,
			surveyID, who.ID)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("answer", "you have already answered this survey")
		}
		if err != nil {
			return fmt.Errorf("quality: record respondent: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO survey_answers (survey_id, body) VALUES ($1, $2)`, surveyID, body)
		if err != nil {
			return fmt.Errorf("quality: insert answer: %w", err)
		}
		return nil
	})
}

// SurveyResults counts the words of a survey's answers; top bounds how
// many words come back (0 for the default).
func (s *Service) SurveyResults(ctx context.Context, who *user.User, surveyID int64, top int) (*SurveyResults, error) {
	if err := requireUser(who); err != nil {
		return nil, err
	}
	switch {
	case top == 0:
		top = DefaultTopWords
	case top < 0 || top > MaxTopWords:
		return nil, apperr.Invalid("top", "must be between 1 and %d", MaxTopWords)
	}
	q := s.db.Reader(ctx)
	sv, err := getSurvey(ctx, q, who, surveyID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT body FROM survey_answers WHERE survey_id = $1`, surveyID)
	if err != nil {
		return nil, fmt.Errorf("quality: survey answers: %w", err)
	}
	defer rows.Close()
	var texts []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("quality: scan answer: %w", err)
		}
		texts = append(texts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return &SurveyResults{Survey: *sv, Words: CountWords(texts, top)}, nil
}
