package memory

import (
	"context"
	"slices"
	"time"

	"github.com/signpost-app/signpost/bot"
)

var _ bot.EventLog = (*Store)(nil)

// Record implements bot.EventLog.
func (m *Store) Record(_ context.Context, person string, evs ...bot.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events[person] = append(m.events[person], evs...)
	return nil
}

// Events implements bot.EventLog.
func (m *Store) Events(_ context.Context, from time.Time, fn func(bot.Event) error) error {
	now := m.o.Now()
	m.mu.Lock()
	var out []bot.Event
	for person, evs := range m.events {
		for _, ev := range evs {
			if !ev.At.Before(from) && now.Before(ev.At.Add(m.o.EventTTL)) {
				ev.Person = person
				out = append(out, ev)
			}
		}
	}
	m.mu.Unlock()
	for _, ev := range out {
		if err := fn(ev); err != nil {
			return err
		}
	}
	return nil
}

// gcEvents drops events older than the event TTL, at most once an hour:
// a person's events are in time order, so only people whose oldest event
// expired are touched. m.mu is held.
func (m *Store) gcEvents(now time.Time) {
	if now.Sub(m.eventsGC) < time.Hour {
		return
	}
	m.eventsGC = now
	for person, evs := range m.events {
		if len(evs) == 0 || now.Before(evs[0].At.Add(m.o.EventTTL)) {
			continue
		}
		evs = slices.DeleteFunc(evs, func(ev bot.Event) bool { return !now.Before(ev.At.Add(m.o.EventTTL)) })
		if len(evs) == 0 {
			delete(m.events, person)
		} else {
			m.events[person] = evs
		}
	}
}
