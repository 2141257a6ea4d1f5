package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// startMetrics serves /metrics without authentication on cfg.MetricsAddr,
// when set, for a scraper inside the operator's network; done yields what
// Serve returned. It serves nothing else there.
func (s *Server) startMetrics(ctx context.Context) (*http.Server, <-chan error, error) {
	if s.cfg.MetricsAddr == "" {
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", s.cfg.MetricsAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: listen on %s: %w", s.cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	s.log.Info("metrics: serving /metrics without authentication", "addr", ln.Addr().String())
	return srv, done, nil
}

// stopMetrics closes the metrics listener; a scrape in flight gets the
// shutdown timeout to finish.
func (s *Server) stopMetrics(srv *http.Server, done <-chan error) error {
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	var err error
	if serr := srv.Shutdown(ctx); serr != nil {
		err = fmt.Errorf("metrics: shutdown: %w", serr)
		srv.Close()
	}
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("metrics: serve: %w", serveErr))
	}
	return err
}
