package server

import "context"

// RunJobs runs every due job of the server's queue, as its workers would,
// so that tests can send queued mail without running the server.
func (s *Server) RunJobs(ctx context.Context) (int, error) { return s.jobs.RunDue(ctx) }
