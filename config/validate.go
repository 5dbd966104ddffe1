package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Validate checks the whole configuration and returns every problem found,
// joined with errors.Join, or nil. Each message names the environment
// variable to change (EnvTable gives its YAML key), or the sources[i] entry.
// Validate does no I/O: files and folders it names are checked by whatever
// opens them.
func (c Config) Validate() error { return errors.Join(c.check().errs...) }

// Warnings returns settings that work but are probably not what is wanted in
// production, such as a plain-http public URL.
func (c Config) Warnings() []string { return c.check().warns }

// checks collects the findings of one pass over a Config.
type checks struct {
	errs  []error
	warns []string
}

func (k *checks) fail(format string, args ...any) {
	k.errs = append(k.errs, fmt.Errorf(format, args...))
}

func (k *checks) warn(format string, args ...any) {
	k.warns = append(k.warns, fmt.Sprintf(format, args...))
}

// check runs every rule.
func (c Config) check() *checks {
	k := &checks{}
	c.checkServer(k)
	c.checkStore(k)
	c.checkFlows(k)
	c.checkTwilio(k)
	c.checkTelegram(k)
	c.checkHandoff(k)
	c.checkPrivacy(k)
	c.checkBot(k)
	c.checkSources(k)
	return k
}

func (c Config) checkServer(k *checks) {
	s := c.Server
	if s.TrustedProxies < 0 {
		k.fail("SIGNPOST_TRUSTED_PROXIES must be 0 or more, not %d", s.TrustedProxies)
	}
	if s.Addr == "" {
		k.fail("SIGNPOST_ADDR is empty: set a listen address like :8080")
	} else if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		k.fail("SIGNPOST_ADDR %q is not host:port: use something like :8080 or 127.0.0.1:8080", s.Addr)
	}
	if s.PublicURL != "" {
		if u := checkURL(k, "SIGNPOST_PUBLIC_URL", s.PublicURL); u != nil {
			if u.RawQuery != "" || u.Fragment != "" {
				k.fail("SIGNPOST_PUBLIC_URL %q has a query or fragment: give only the base URL", s.PublicURL)
			}
			if u.Scheme == "http" {
				k.warn("SIGNPOST_PUBLIC_URL uses plain http: fine for local testing, but use https in production (Twilio and Telegram send personal data to it, and Telegram only calls https webhooks)")
			}
		}
	}
	switch s.LogLevel {
	case "debug", "info", "warn", "warning", "error":
	default:
		k.fail("SIGNPOST_LOG_LEVEL is %q: use debug, info, warn or error", s.LogLevel)
	}
}

func (c Config) checkFlows(k *checks) {
	if c.Flows.Start == "" {
		k.fail("SIGNPOST_FLOW is empty: name the flow new conversations start in, like youth-self-referral")
	}
	if r := c.Flows.ReadingAge; r < 5 || r > 25 {
		k.fail("SIGNPOST_READING_AGE is %d: use a reading age between 5 and 25 years", r)
	}
}

func (c Config) checkStore(k *checks) {
	raw := c.Store.RedisURL
	if raw == "" {
		return
	}
	for _, addr := range splitList(raw) {
		if strings.Contains(addr, "://") {
			u, err := url.Parse(addr)
			if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
				k.fail("SIGNPOST_REDIS_URL: %q is not a redis://, rediss:// or unix:// URL", redactURLs(addr))
			}
			continue
		}
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			k.fail("SIGNPOST_REDIS_URL: %q is neither a redis:// URL nor a host:port address", addr)
		}
	}
}

// checkURL fails unless raw is an absolute http or https URL with a host,
// and returns it parsed, or nil.
func checkURL(k *checks, name, raw string) *url.URL {
	if raw == "" {
		k.fail("%s is empty: set an absolute https:// URL", name)
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		k.fail("%s %q is not an absolute http(s) URL, like https://example.org", name, raw)
		return nil
	}
	return u
}
