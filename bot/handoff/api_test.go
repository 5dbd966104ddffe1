package handoff_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/server"
)

func TestAPI(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		run(t, r.dispatcher("p1", nil))
		h, _ := r.delivered(t, "+447700900501")
		ref := "/api/referrals/" + h.ID
		for _, tc := range []struct {
			name, method, path, body, token string
			status                          int
			field, want                     string // a field of the JSON answer
		}{
			{"no token", http.MethodGet, ref, "", "", http.StatusUnauthorized, "", ""},
			{"wrong token", http.MethodGet, ref, "", "case-system-tokeN", http.StatusUnauthorized, "", ""},
			{"read", http.MethodGet, ref, "", apiToken, http.StatusOK, "status", bot.StatusNotified},
			{"read an unknown id", http.MethodGet, "/api/referrals/r-0123456789abcdef-nope", "", apiToken, http.StatusNotFound, "", ""},
			{"read garbage", http.MethodGet, "/api/referrals/garbage", "", apiToken, http.StatusNotFound, "", ""},
			{"claim without a worker", http.MethodPost, ref + "/claim", `{}`, apiToken, http.StatusBadRequest, "", ""},
			{"claim with a bad body", http.MethodPost, ref + "/claim", `{"worker":`, apiToken, http.StatusBadRequest, "", ""},
			{"claim an unknown id", http.MethodPost, "/api/referrals/r-0123456789abcdef-nope/claim", `{"worker":"Sam Jones"}`, apiToken, http.StatusNotFound, "", ""},
			{"claim", http.MethodPost, ref + "/claim", `{"worker":"Sam Jones"}`, apiToken, http.StatusOK, "assignee", "Sam Jones"},
			{"claim again, by the same worker", http.MethodPost, ref + "/claim", `{"worker":"Sam Jones"}`, apiToken, http.StatusOK, "assignee", "Sam Jones"},
			{"claim by another", http.MethodPost, ref + "/claim", `{"worker":"Alex Brown"}`, apiToken, http.StatusConflict, "assignee", "Sam"},
			{"unknown outcome", http.MethodPost, ref + "/outcome", `{"outcome":"fixed"}`, apiToken, http.StatusBadRequest, "", ""},
			{"outcome", http.MethodPost, ref + "/outcome", `{"outcome":"employment_training","note":"starts college in September"}`, apiToken, http.StatusOK, "outcome", "employment_training"},
			{"read after", http.MethodGet, ref, "", apiToken, http.StatusOK, "status", bot.StatusClosed},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := r.apiCall(t, tc.method, tc.path, tc.body, tc.token)
				if status != tc.status {
					t.Fatalf("status %d, want %d (%v)", status, tc.status, body)
				}
				if tc.field != "" && body[tc.field] != tc.want {
					t.Errorf("%s = %v, want %q", tc.field, body[tc.field], tc.want)
				}
			})
		}
		if rec := r.record(t, h.ID); strings.Contains(rec.Summary+rec.Outcome, "college") {
			t.Error("the outcome note was kept")
		}
	})
}

func TestAPIDisabledWithoutToken(t *testing.T) {
	srv := server.New(server.Options{})
	(&handoff.API{Claims: &handoff.Claims{}}).Register(srv)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	var wg sync.WaitGroup
	for _, path := range []string{"/api/referrals/r-0123456789abcdef-x", "/api/referrals/r-0123456789abcdef-x/claim"} {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer ")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			}
		})
	}
	wg.Wait()
}
