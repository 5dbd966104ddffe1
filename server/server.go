// Package server is Signpost's one HTTP wrapper: it owns timeouts, panic
// recovery, the error log line and the error response, and serves the
// operational routes (/healthz, /readyz, /metrics). Handlers return errors.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing
// one. The wrapper turns the error into a response and one log line.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Error is an error with the HTTP status to answer with. Its message is
// sent to the client, so it must not carry personal data.
type Error struct {
	Status int
	Msg    string
	Err    error // logged, not sent
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Msg, e.Err)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a status and a client-safe message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// Options configure a Server.
type Options struct {
	Addr     string
	Logger   *slog.Logger
	Registry *prometheus.Registry
	Ready    func(ctx context.Context) error // nil → always ready
}

// Server is the HTTP server.
type Server struct {
	o   Options
	mux *http.ServeMux
	log *slog.Logger
	srv *http.Server
}

// New returns a Server with /healthz, /readyz and /metrics routed.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{o: o, mux: http.NewServeMux(), log: o.Logger}
	s.Handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) error {
		_, err := w.Write([]byte("ok\n"))
		return err
	})
	s.Handle("GET /readyz", s.ready)
	if o.Registry != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{}))
	}
	s.srv = &http.Server{Addr: o.Addr, Handler: s.mux, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10}
	return s
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	if s.o.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.o.Ready(ctx); err != nil {
			return &Error{Status: http.StatusServiceUnavailable, Msg: "not ready", Err: err}
		}
	}
	_, err := w.Write([]byte("ready\n"))
	return err
}

// Handle routes pattern (a net/http pattern such as "POST /webhooks/twilio")
// to h through the wrapper.
func (s *Server) Handle(pattern string, h HandlerFunc) {
	s.mux.Handle(pattern, s.wrap(pattern, h))
}

// Handler returns the server's root handler (for tests with httptest).
func (s *Server) Handler() http.Handler { return s.mux }

func (s *Server) wrap(route string, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in handler", "route", route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		err := h(w, r)
		if err == nil {
			return
		}
		status, msg := http.StatusInternalServerError, "internal error"
		var he *Error
		if errors.As(err, &he) {
			status, msg = he.Status, he.Msg
		}
		level := slog.LevelWarn
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request failed", "route", route, "status", status, "error", err)
		http.Error(w, msg, status)
	})
}

// Run listens on the configured address until ctx ends, then shuts down
// gracefully, letting requests in flight finish for up to 10 seconds.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.o.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.o.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.log.Info("listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down http: %w", err)
	}
	return nil
}
