package config

import (
	"regexp"
	"strings"
)

// minSaltLen is the shortest SIGNPOST_HASH_SALT accepted.
const minSaltLen = 16

func (c Config) checkPrivacy(k *checks) {
	p := c.Privacy
	if p.HashSalt != "" && len(p.HashSalt) < minSaltLen {
		k.fail("SIGNPOST_HASH_SALT is too short (%d characters): use at least %d random characters", len(p.HashSalt), minSaltLen)
	}
	if p.HashSalt == "" && c.Store.RedisURL != "" {
		k.warn("SIGNPOST_HASH_SALT is empty but SIGNPOST_REDIS_URL is set: a generated salt changes on restart and differs between instances, so stored opt-outs would stop matching; set a fixed secret")
	}
	if p.SessionTTL <= 0 {
		k.fail("SIGNPOST_SESSION_TTL is %s: it must be more than 0, like 30d", p.SessionTTL)
	}
	if p.ReferralTTL <= 0 {
		k.fail("SIGNPOST_REFERRAL_TTL is %s: it must be more than 0, like 365d", p.ReferralTTL)
	}
	if p.EventTTL <= 0 {
		k.fail("SIGNPOST_EVENT_TTL is %s: it must be more than 0, like 400d", p.EventTTL)
	}
	switch {
	case p.SuppressBelow < 1:
		k.fail("SIGNPOST_REPORT_SUPPRESS_BELOW is %d: use 1 (show every count) or more; 5 is usual", p.SuppressBelow)
	case p.SuppressBelow < 5:
		k.warn("SIGNPOST_REPORT_SUPPRESS_BELOW is %d: counts under 5 can identify a young person in a small service; 5 or more is usual", p.SuppressBelow)
	}
}

func (c Config) checkBot(k *checks) {
	b := c.Bot
	if b.MinAge < 1 || b.MinAge > 25 {
		k.fail("SIGNPOST_MIN_AGE is %d: use an age between 1 and 25", b.MinAge)
	}
	if b.ReminderAfter < 0 {
		k.fail("SIGNPOST_REMINDER_AFTER is %s: use 0 to turn reminders off, or a positive duration like 24h", b.ReminderAfter)
	} else if b.ReminderAfter > 0 && c.Privacy.SessionTTL > 0 && b.ReminderAfter >= c.Privacy.SessionTTL {
		k.fail("SIGNPOST_REMINDER_AFTER (%s) is not shorter than SIGNPOST_SESSION_TTL (%s): the conversation would be erased before the reminder", b.ReminderAfter, c.Privacy.SessionTTL)
	}
}

// sourceCode is what a Telegram deep link's start parameter allows.
var sourceCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// smsKeyword is one word of letters and digits.
var smsKeyword = regexp.MustCompile(`^[\p{L}\p{N}]+$`)

// reservedKeywords are the global words and the carriers' and Twilio's
// default opt-out, opt-in and help words, which a source keyword must not
// shadow.
var reservedKeywords = map[string]bool{
	"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true,
	"START": true, "UNSTOP": true, "YES": true, "HELP": true, "INFO": true,
	"RESTART": true, "DELETE": true,
}

func (c Config) checkSources(k *checks) {
	codes := map[string]int{}
	keywords := map[string]int{}
	for i, s := range c.Sources {
		switch {
		case s.Code == "":
			k.fail("sources[%d]: code is empty", i)
		case !sourceCode.MatchString(s.Code):
			k.fail("sources[%d]: code %q must be 1-64 characters of A-Z, a-z, 0-9, _ and - (it goes in Telegram start links)", i, s.Code)
		default:
			if j, dup := codes[s.Code]; dup {
				k.fail("sources[%d]: code %q is already used by sources[%d]", i, s.Code, j)
			}
			codes[s.Code] = i
		}
		if strings.TrimSpace(s.Name) == "" {
			k.fail("sources[%d] (%s): name is empty", i, s.Code)
		}
		if s.Keyword == "" {
			continue
		}
		kw := strings.ToUpper(s.Keyword)
		switch {
		case !smsKeyword.MatchString(s.Keyword):
			k.fail("sources[%d] (%s): keyword %q must be one word of letters and digits", i, s.Code, s.Keyword)
		case reservedKeywords[kw]:
			k.fail("sources[%d] (%s): keyword %q is reserved for STOP, START, HELP and the other global words", i, s.Code, s.Keyword)
		default:
			if j, dup := keywords[kw]; dup {
				k.fail("sources[%d] (%s): keyword %q is already used by sources[%d]", i, s.Code, s.Keyword, j)
			}
			keywords[kw] = i
		}
	}
}
