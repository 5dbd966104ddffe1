package web

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

// SlowDown is the error the page shows when a limit is hit.
const SlowDown = "Slow down a little: wait a few seconds, then try again."

// limitedResponse is the body of a 429.
type limitedResponse struct {
	Error      string `json:"error"`
	RetryAfter int    `json:"retry_after"` // seconds
}

// ipLimit is the limit for the request's client address. The address is
// hashed (it is personal data); IPv6 addresses count by /64, the block
// one household or phone usually has.
func (c *Chat) ipLimit(r *http.Request) outbox.Limit {
	return outbox.Limit{Key: "rate:web:ip:" + bot.HashID(c.o.Salt, clientIP(r, c.o.TrustedProxies)),
		PerSecond: c.o.IPPerSecond, Cost: 1}
}

// personLimit is the limit on one person's messages.
func (c *Chat) personLimit(id string) outbox.Limit {
	return outbox.Limit{Key: "rate:web:p:" + bot.HashID(c.o.Salt, bot.ConversationKey(bot.ChannelWeb, id)),
		PerSecond: c.o.PersonPerSecond, Cost: 1}
}

// allow takes the limits in order and reports whether the request may go
// on; when one is spent it has answered 429 with a JSON error the page
// shows. A limiter that fails lets the request through: a young person
// should not be turned away because the limiter is down.
func (c *Chat) allow(w http.ResponseWriter, r *http.Request, route string, limits ...outbox.Limit) bool {
	if c.o.Limiter == nil {
		return true
	}
	for _, l := range limits {
		wait, err := c.o.Limiter.Reserve(r.Context(), l.Key, l.PerSecond, l.Cost)
		if err != nil {
			c.log.Warn("web chat rate limiter failed; request allowed", "route", route, "error", err)
			continue
		}
		if wait > 0 {
			c.count(route, "rate_limited")
			secs := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			_ = writeJSON(w, http.StatusTooManyRequests, limitedResponse{Error: SlowDown, RetryAfter: secs})
			return false
		}
	}
	return true
}

// clientIP returns the address rate limits count against: the
// connection's, or with trusted proxies in front the X-Forwarded-For entry
// the nearest of them received the request from. IPv6 addresses are cut
// to their /64.
func clientIP(r *http.Request, trustedProxies int) string {
	addr := r.RemoteAddr
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	if trustedProxies > 0 {
		var hops []string
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for h := range strings.SplitSeq(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
		if len(hops) >= trustedProxies {
			addr = hops[len(hops)-trustedProxies]
		}
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
