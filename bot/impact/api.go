package impact

import (
	"bytes"
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/server"
)

// API serves the impact figures to a dashboard or a case system. Every
// request needs "Authorization: Bearer <token>" (SIGNPOST_API_TOKEN); with
// no token configured the routes are not registered at all (404).
//
//	GET /api/reports           the whole report
//	GET /api/reports/{figure}  one figure by its JSON name (see Figures); 404 lists them
//
// Query: from and to (YYYY-MM-DD, both days included; see Period for the
// defaults) and format (json, the default; csv; md). A bad date, from
// after to, or a period over 3 years is a 400. Answers are never cached:
// the figures of a recent period change as referrals are followed up.
type API struct {
	Token    string
	Log      bot.EventLog
	Location *time.Location // the service's time zone, for days and weeks; nil: UTC
	// Options fills in what the period leaves out (SuppressBelow, Labels,
	// Steps); nil keeps the defaults.
	Options func(Options) Options
	Now     func() time.Time // nil: time.Now
	Logger  *slog.Logger
}

// contentTypes are the Content-Type of each format.
var contentTypes = map[string]string{
	"json": "application/json",
	"csv":  "text/csv; charset=utf-8",
	"md":   "text/markdown; charset=utf-8",
}

// Register routes the API on srv, unless no token is configured.
func (a *API) Register(srv *server.Server) {
	if a.Token == "" {
		return
	}
	srv.Handle("GET /api/reports", server.Bearer(a.Token, a.serve))
	srv.Handle("GET /api/reports/{figure}", server.Bearer(a.Token, a.serve))
}

func (a *API) serve(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("figure")
	if name != "" {
		if _, err := lookup(name); err != nil {
			return server.Errorf(http.StatusNotFound, "no such figure: want one of %s", strings.Join(Figures(), ", "))
		}
	}
	q := r.URL.Query()
	format := cmp.Or(q.Get("format"), "json")
	if !slices.Contains(Formats(), format) {
		return server.Errorf(http.StatusBadRequest, "format must be one of %s", strings.Join(Formats(), ", "))
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	o, err := Period(q.Get("from"), q.Get("to"), a.Location, now())
	if err != nil {
		return server.Errorf(http.StatusBadRequest, "%s", err) // Period's messages are for the asker
	}
	if a.Options != nil {
		o = a.Options(o)
	}
	rep, err := Build(r.Context(), a.Log, o)
	if errors.Is(err, ErrEmptyPeriod) {
		return server.Errorf(http.StatusBadRequest, "the period must start before it ends")
	}
	if err != nil {
		return &server.Error{Status: http.StatusServiceUnavailable, Msg: "the figures could not be worked out; try again", Err: err}
	}
	var buf bytes.Buffer // whole, so a failure is an error response rather than half a file
	if name == "" {
		err = rep.Write(&buf, format)
	} else {
		err = rep.WriteFigure(&buf, name, format)
	}
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", contentTypes[format])
	h.Set("Cache-Control", "no-store")
	a.log().Info("impact figures read", "figure", cmp.Or(name, "all"), "format", format, "via", "api",
		"from", o.From.Format(time.DateOnly), "to", rep.lastDay().Format(time.DateOnly))
	_, err = w.Write(buf.Bytes())
	return err
}

func (a *API) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.New(slog.DiscardHandler)
}
