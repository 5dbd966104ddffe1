package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// Bearer wraps next so that it runs only for a request with
// "Authorization: Bearer <token>"; any other gets 401 with a
// WWW-Authenticate challenge. The token is compared in constant time, so
// the answer's timing says nothing about how much of a guess was right.
// An empty token lets nobody in.
func Bearer(token string, next HandlerFunc) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="signpost"`)
			return Errorf(http.StatusUnauthorized, "missing or wrong bearer token")
		}
		return next(w, r)
	}
}
