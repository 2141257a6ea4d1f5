package feedback

import (
	"context"
	"time"
)

// Token is the link token of a survey, for tests.
func (s *Service) Token(sv *Survey) string { return s.token(sv.tokenNonce) }

// SummarizeFromSurveys is Summarize counted from the surveys alone, never
// from the daily sums: what the fast path must always agree with.
func (s *Service) SummarizeFromSurveys(ctx context.Context, groupBy string, from, to time.Time) (*Summary, error) {
	q := s.db.Reader(ctx)
	sums := map[string]tally{}
	if err := s.surveySums(ctx, q, groupBy, from, to, sums); err != nil {
		return nil, err
	}
	return s.summaryOf(ctx, q, groupBy, from, to, sums)
}

// OverallFromSurveys is Overall counted from the surveys alone.
func (s *Service) OverallFromSurveys(ctx context.Context, from, to time.Time) (Group, error) {
	sums := map[string]tally{}
	if err := s.surveySums(ctx, s.db.Reader(ctx), "", from, to, sums); err != nil {
		return Group{}, err
	}
	return sums["all"].group("all"), nil
}
