package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/server"
)

// Engine is what the web chat needs from the engine.
type Engine interface {
	Handle(ctx context.Context, in bot.Inbound) ([]bot.Outbound, error)
}

// Options configure the web chat. Engine and Transcript are required.
type Options struct {
	Engine     Engine
	Transcript Transcript     // where the page reads its replies (the Sender writes them)
	Limiter    outbox.Limiter // per-IP and per-person request limits; nil: none
	// Secure marks the cookies Secure (the public URL is https). It also
	// lets the page work inside a school's iframe: see Cookies in session.go.
	Secure   bool
	Logger   *slog.Logger
	Salt     string // salts the hashed ids in logs and rate-limit keys
	Registry prometheus.Registerer
	Wake     func() // tells the outbox dispatcher a reply is queued

	// Done, when closed, ends every waiting long poll at once, so a
	// shutdown is not held up by open pages (pass the serve context's Done).
	Done <-chan struct{}
	// TrustedProxies is how many reverse proxies in front of Signpost
	// append to X-Forwarded-For; the client's IP for rate limits is the
	// entry that many places from the right. 0 (the default) uses the
	// connection's address and ignores the header, which a client can forge.
	TrustedProxies int
	// IPPerSecond limits requests to /, /chat/send, /chat/messages and
	// /chat/leave from one IP address (an IPv6 /64), with a burst of the
	// same size; default 20. A whole class behind one school network
	// shares it, so it is generous.
	IPPerSecond int
	// PersonPerSecond limits the messages one person sends, with a burst
	// of the same size; default 2.
	PersonPerSecond int
	// PollWait is how long GET /chat/messages waits for a reply before
	// answering with none; default 20 s (under the server's 30 s write
	// timeout and most proxies' idle timeouts).
	PollWait time.Duration
	// PollEvery is how often a waiting poll reads the transcript, for
	// replies sent by another process; default 300 ms. Replies sent by
	// this process's Sender end the wait at once.
	PollEvery time.Duration
}

// Chat serves the web chat: the page, its static files, the JSON endpoints
// the page talks to, and the embed script for schools' sites.
type Chat struct {
	o        Options
	log      *slog.Logger
	cop      *http.CrossOriginProtection
	waiters  *waiters
	requests *prometheus.CounterVec
}

// New returns the web chat.
func New(o Options) *Chat {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	if o.IPPerSecond <= 0 {
		o.IPPerSecond = 20
	}
	if o.PersonPerSecond <= 0 {
		o.PersonPerSecond = 2
	}
	if o.PollWait <= 0 {
		o.PollWait = 20 * time.Second
	}
	if o.PollEvery <= 0 {
		o.PollEvery = 300 * time.Millisecond
	}
	c := &Chat{o: o, log: o.Logger, cop: http.NewCrossOriginProtection(), waiters: newWaiters(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_web_requests_total",
			Help: "Web chat requests by route and result."}, []string{"route", "result"})}
	if o.Registry != nil {
		o.Registry.MustRegister(c.requests)
	}
	return c
}

// Register routes the web chat on srv:
//
//	GET  /               the chat page (?s=CODE tags the conversation with a source)
//	GET  /static/{file}  its stylesheet and script
//	GET  /embed.js       the script a school puts on its site
//	POST /chat/send      one message from the page
//	GET  /chat/messages  replies after ?after=SEQ (a long poll)
//	POST /chat/leave     forgets the person's cookies ("Leave quickly")
func (c *Chat) Register(srv *server.Server) {
	srv.Handle("GET /{$}", c.withHeaders(c.page))
	srv.Handle("GET /static/{file}", c.withHeaders(c.static))
	srv.Handle("GET /embed.js", c.withHeaders(c.embed))
	srv.Handle("POST /chat/send", c.withHeaders(c.send))
	srv.Handle("GET /chat/messages", c.withHeaders(c.messages))
	srv.Handle("POST /chat/leave", c.withHeaders(c.leave))
}

// ContentSecurityPolicy is sent with every web chat response. Nothing
// inline runs or styles (the page's script and stylesheet are files under
// /static/), nothing loads from elsewhere, the page cannot be given a
// <base> or post a form off the site, and any site may frame it: schools
// embed it with /embed.js. Framing is safe because the page acts only on
// the person's own clicks and every POST must come from the page's own
// origin (see send.go).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors *"

// withHeaders sets the security headers every response of the chat carries.
func (c *Chat) withHeaders(h server.HandlerFunc) server.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		return h(w, r)
	}
}

// count records one request's result.
func (c *Chat) count(route, result string) { c.requests.WithLabelValues(route, result).Inc() }
