package handoff

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/signpost-app/signpost/server"
)

// API is the case-system API: claim a referral, record its outcome, read
// it. Every request needs "Authorization: Bearer <token>"
// (SIGNPOST_API_TOKEN); with no token configured the routes are not
// registered at all (404).
//
//	POST /api/referrals/{id}/claim    {"worker": "Sam Jones"}
//	     200 the record · 409 {"error": "already claimed", "assignee": "Alex"} · 404
//	POST /api/referrals/{id}/outcome  {"outcome": "money_advice", "note": "…"}
//	     200 the record · 400 unknown outcome · 404
//	     (the note is accepted but not kept)
//	GET  /api/referrals/{id}
//	     200 the record · 404
//
// Records are JSON as bot.Handoff, contact details in full: the token
// stands for a case system that may hold them. Each action is logged with
// the id only.
type API struct {
	Claims *Claims
	Token  string
	Logger *slog.Logger
}

// maxAPIBody bounds a request body.
const maxAPIBody = 64 << 10

// Register routes the API on srv, unless no token is configured.
func (a *API) Register(srv *server.Server) {
	if a.Token == "" {
		return
	}
	srv.Handle("POST /api/referrals/{id}/claim", a.auth(a.claim))
	srv.Handle("POST /api/referrals/{id}/outcome", a.auth(a.outcome))
	srv.Handle("GET /api/referrals/{id}", a.auth(a.get))
}

// auth checks the bearer token in constant time.
func (a *API) auth(next server.HandlerFunc) server.HandlerFunc { return server.Bearer(a.Token, next) }

func (a *API) claim(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Worker string `json:"worker"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	h, err := a.Claims.Claim(r.Context(), r.PathValue("id"), body.Worker, "api")
	var already *AlreadyClaimedError
	switch {
	case errors.As(err, &already):
		return writeJSON(w, http.StatusConflict, map[string]string{"error": "already claimed", "assignee": already.By})
	case errors.Is(err, ErrNoWorker):
		return server.Errorf(http.StatusBadRequest, `"worker" is required`)
	case err != nil:
		return apiError(err)
	}
	return writeJSON(w, http.StatusOK, h)
}

func (a *API) outcome(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"` // accepted, not kept: no personal free text in the record
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	h, err := a.Claims.Outcome(r.Context(), r.PathValue("id"), body.Outcome, "api")
	if errors.Is(err, ErrUnknownOutcome) {
		return server.Errorf(http.StatusBadRequest, "unknown outcome: want one of %s", strings.Join(Outcomes, ", "))
	}
	if err != nil {
		return apiError(err)
	}
	return writeJSON(w, http.StatusOK, h)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	h, err := a.Claims.Referral(r.Context(), id)
	if err != nil {
		return apiError(err)
	}
	a.log().Info("referral read", "id", id, "via", "api")
	return writeJSON(w, http.StatusOK, h)
}

// apiError maps an error to its answer: 404 for an unknown id, else 503
// (a store or engine failure; a retry is safe).
func apiError(err error) error {
	if errors.Is(err, ErrNotFound) {
		return &server.Error{Status: http.StatusNotFound, Msg: "no such referral"}
	}
	return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable; try again", Err: err}
}

// decode reads a small JSON body into v.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return &server.Error{Status: http.StatusBadRequest, Msg: "body must be a JSON object", Err: err}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func (a *API) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}
