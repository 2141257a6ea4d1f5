// Package team groups agents so that tickets can be routed to a group rather
// than a person. A ticket names its team; the team knows its members.
package team

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/centerdesk/centerdesk/internal/apperr"
)

// Team is a group of agents that tickets can be routed to.
type Team struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	MemberIDs   []int64   `json:"member_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// NewTeam is what it takes to create a team.
type NewTeam struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	MemberIDs   []int64 `json:"member_ids"`
}

// Patch changes a team; nil fields stay as they are. MemberIDs, when set,
// replaces the whole membership.
type Patch struct {
	Name        *string  `json:"name"`
	Description *string  `json:"description"`
	MemberIDs   *[]int64 `json:"member_ids"`
}

// Limits on what a team holds.
const (
	MaxName        = 100  // characters
	MaxDescription = 1000 // characters
)

func checkName(s string) (string, error) {
	return apperr.CheckText("name", s, MaxName, true)
}

func checkDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxDescription {
		return "", apperr.Invalid("description", "is longer than %d characters", MaxDescription)
	}
	return s, nil
}

// uniqueIDs de-duplicates and sorts member ids, refusing ones that cannot be
// ids at all; whether the users exist is checked against the database.
func uniqueIDs(ids []int64) ([]int64, error) {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, apperr.Invalid("member_ids", "%d is not a user id", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}
