package redis

// Keys. Every key about one person shares the person's hash tag, the salted
// hash of their conversation key ({3fa9…}), so the multi-key scripts of a
// turn work in Redis Cluster and no phone number or chat id appears in a key
// name. Global keys (the timer index) have no person in them.
//
//	<prefix>{h}:session   string  the Session as JSON; expires after the session TTL (+ grace)
//	<prefix>{h}:inbox     list    messages waiting to be handled, oldest first
//	<prefix>{h}:lock      string  the token of the caller handling the person; expires after the lock TTL
//	<prefix>{h}:seen      zset    provider message ids seen, scored by when the mark expires (dedupe)
//	<prefix>{h}:refs      hash    referral and alert records by id (JSON); expires after the referral TTL
//	<prefix>{h}:optout    string  "1" while the person has opted out; never expires, survives DELETE
//	<prefix>{h}:outbox    list    replies waiting to be sent, oldest first (channels with a dispatcher)
//	<prefix>{h}:olease    string  the token of the dispatcher sending the person's oldest reply
//	<prefix>outq          zset    hints: person hash h scored by when their outbox is due (unix ms)
//	<prefix>{h}:web       list    a web chat's replies for its page, with sequence numbers (last 200)
//	<prefix>{h}:webseq    string  the web transcript's last sequence number
//	<prefix>{h}:events    zset    the person's anonymous monitoring events (JSON) scored by when (unix ms); expires after the event TTL
//	<prefix>events:<day>  set     person hashes with events on a UTC day (2006-01-02): the index the figures read
//	<prefix>referrals     zset    referral and alert ids by creation time (the inbox list)
//	<prefix>timers        zset    timers "kind|channel|address" scored by when they are due (unix ms)
//	<prefix>salt          string  the generated hash salt, when none is configured

type keys struct {
	session, inbox, lock, seen, refs, optout, outbox, olease, web, webseq, events string
}

func (s *Store) personKeys(convKey string) keys { return s.hashKeys(s.hash(convKey)) }

// hashKeys are the keys of the person whose hash tag is h.
func (s *Store) hashKeys(h string) keys {
	p := s.o.Prefix + "{" + h + "}:"
	return keys{session: p + "session", inbox: p + "inbox", lock: p + "lock", seen: p + "seen",
		refs: p + "refs", optout: p + "optout", outbox: p + "outbox", olease: p + "olease",
		web: p + "web", webseq: p + "webseq", events: p + "events"}
}

func (s *Store) outqKey() string { return s.o.Prefix + "outq" }

func (s *Store) timersKey() string { return s.o.Prefix + "timers" }

func saltKey(prefix string) string { return prefix + "salt" }
