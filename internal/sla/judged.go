package sla

import (
	"context"
	"strconv"
)

// Judged is a level with the goal it is judged against and its colour.
type Judged struct {
	GroupLevel
	Goal   Goal   `json:"goal"`
	Colour string `json:"colour"`
}

// TeamLevels answers the level of each of teamIDs for the clocks f
// chooses (f.TeamID is ignored), each judged against the team's goal, in
// the order given; a team with no clock due has an empty level, grey. The
// clocks of tickets of no team follow, under key "" and the desk's goal,
// when there are any.
func (s *Service) TeamLevels(ctx context.Context, f LevelFilter, teamIDs []int64) ([]Judged, error) {
	f.TeamID = 0
	groups, err := s.ServiceLevelBy(ctx, f, "team")
	if err != nil {
		return nil, err
	}
	byKey := map[string]Level{}
	for _, g := range groups {
		byKey[g.Key] = g.Level
	}
	out := make([]Judged, 0, len(teamIDs)+1)
	for _, id := range teamIDs {
		goal, err := s.TeamGoal(ctx, id)
		if err != nil {
			return nil, err
		}
		key := strconv.FormatInt(id, 10)
		l, ok := byKey[key]
		if !ok {
			l = LevelOf(0, 0, 0)
		}
		out = append(out, Judged{GroupLevel: GroupLevel{Key: key, Level: l}, Goal: goal, Colour: goal.Colour(l)})
	}
	if l, ok := byKey[""]; ok {
		desk, err := s.DeskGoal(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, Judged{GroupLevel: GroupLevel{Key: "", Level: l}, Goal: desk, Colour: desk.Colour(l)})
	}
	return out, nil
}

// Judge answers the level of the clocks f chooses against the goal of
// f's team, or the desk's without one.
func (s *Service) Judge(ctx context.Context, f LevelFilter) (Judged, error) {
	l, err := s.ServiceLevel(ctx, f)
	if err != nil {
		return Judged{}, err
	}
	var goal Goal
	if f.TeamID != 0 {
		goal, err = s.TeamGoal(ctx, f.TeamID)
	} else {
		goal, err = s.DeskGoal(ctx)
	}
	if err != nil {
		return Judged{}, err
	}
	key := ""
	if f.TeamID != 0 {
		key = strconv.FormatInt(f.TeamID, 10)
	}
	return Judged{GroupLevel: GroupLevel{Key: key, Level: l}, Goal: goal, Colour: goal.Colour(l)}, nil
}
