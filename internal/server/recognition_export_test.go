package server

import (
	"context"
	"time"
)

// QueueRecognitionDigest queues the weekly digest of the week starting at
// weekStart to run at runAt, for tests that cannot wait for Monday.
func (s *Server) QueueRecognitionDigest(ctx context.Context, weekStart, runAt time.Time) error {
	return s.recognition.QueueDigest(ctx, weekStart, runAt)
}
