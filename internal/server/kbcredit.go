package server

import (
	"context"
	"log/slog"

	"github.com/centerdesk/centerdesk/internal/kb"
	"github.com/centerdesk/centerdesk/internal/recognition"
	"github.com/centerdesk/centerdesk/internal/user"
)

// creditAuthor posts a published knowledge-base submission made from a
// ticket in the recognition feed: the team's chosen value's badge, given by
// the editor who approved it to the agent who wrote it. The article is
// published whatever happens here; a failure is logged.
func creditAuthor(log *slog.Logger, users *user.Service, rec *recognition.Service) kb.PublishedHook {
	return func(ctx context.Context, a *kb.Article, editorID, valueID int64) {
		editor, err := users.Get(ctx, editorID)
		if err == nil {
			_, err = rec.CreateAward(ctx, editor, recognition.NewAward{ValueID: valueID, TicketID: *a.SourceTicket,
				AgentID: *a.AuthorID, Citation: "Turned this ticket into the knowledge-base article “" + a.Title + "”."})
		}
		if err != nil {
			log.Error("kb: credit the author of a published article", "article", a.ID, "err", err)
		}
	}
}
