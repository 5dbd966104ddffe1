package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/server"
)

func TestWrapperTurnsErrorsAndPanicsIntoResponses(t *testing.T) {
	var logs strings.Builder
	ready := errors.New("redis down")
	s := server.New(server.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Registry: prometheus.NewRegistry(),
		Ready: func(context.Context) error { return ready }})
	s.Handle("GET /ok", func(w http.ResponseWriter, r *http.Request) error { _, err := io.WriteString(w, "fine"); return err })
	s.Handle("GET /forbidden", func(w http.ResponseWriter, r *http.Request) error {
		return &server.Error{Status: http.StatusForbidden, Msg: "bad signature", Err: errors.New("detail for the log")}
	})
	s.Handle("GET /boom", func(w http.ResponseWriter, r *http.Request) error { panic("boom") })
	s.Handle("GET /plain", func(w http.ResponseWriter, r *http.Request) error { return errors.New("secret detail") })
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	cases := []struct {
		path   string
		status int
		body   string
	}{
		{"/ok", 200, "fine"},
		{"/forbidden", 403, "bad signature"},
		{"/boom", 500, "internal error"},
		{"/plain", 500, "internal error"},
		{"/healthz", 200, "ok"},
		{"/readyz", 503, "not ready"},
		{"/metrics", 200, ""},
		{"/nope", 404, ""},
	}
	for _, c := range cases {
		resp, err := http.Get(ts.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.body) {
			t.Errorf("%s: %d %q, want %d %q", c.path, resp.StatusCode, b, c.status, c.body)
		}
		if strings.Contains(string(b), "detail") {
			t.Errorf("%s: internal detail leaked to the client: %s", c.path, b)
		}
	}
	for _, want := range []string{`"status":403`, `"error":"bad signature: detail for the log"`, `"msg":"panic in handler"`, `redis down`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
	ready = nil
	resp, _ := http.Get(ts.URL + "/readyz")
	if resp.StatusCode != 200 {
		t.Errorf("/readyz after recovery: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
