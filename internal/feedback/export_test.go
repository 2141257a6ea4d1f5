package feedback

// Token is the link token of a survey, for tests.
func (s *Service) Token(sv *Survey) string { return s.token(sv.tokenNonce) }
