package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// RunPolling receives updates by long polling (getUpdates) until ctx
// ends, for a bot without a public URL. It removes any webhook first,
// since Telegram refuses getUpdates while one is set.
//
// It does not use the library's GetUpdatesChan, which confirms updates
// before they are handled. Here each update of a batch is handed to the
// engine in order, and the offset moves past an update only once the
// engine has taken it (Handle returned nil: the message is in the store).
// When the engine or the store fails, the rest of the batch waits and the
// same updates are fetched again after a backoff. A crash therefore loses
// nothing: the next poller fetches every update not taken, and the dedupe
// marks drop the ones that were.
//
// It returns nil when ctx ends, and an error only when Telegram refuses
// the bot token.
func RunPolling(ctx context.Context, o Options) error {
	if o.PollTimeout <= 0 {
		o.PollTimeout = 25 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	p := &poller{r: newReceiver(o), o: o}
	return p.run(ctx)
}

type poller struct {
	r        *receiver
	o        Options
	failures int // consecutive failures, for the backoff
}

func (p *poller) run(ctx context.Context) error {
	for {
		// Spec: https://core.telegram.org/bots/api#deletewebhook
		err := p.o.API.DeleteWebhook(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if badToken(err) {
			return fmt.Errorf("deleting webhook: %w", err)
		}
		p.r.log.Warn("telegram deleteWebhook failed; will retry", "error", err)
		if !p.wait(ctx, err) {
			return nil
		}
	}
	p.failures = 0
	offset := 0
	for ctx.Err() == nil {
		// Spec: https://core.telegram.org/bots/api#getupdates
		batch, err := p.o.API.GetUpdates(ctx, offset, p.o.PollTimeout, AllowedUpdates)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if badToken(err) {
				return fmt.Errorf("getting updates: %w", err)
			}
			p.r.log.Warn("telegram getUpdates failed; will retry", "error", err)
			if !p.wait(ctx, err) {
				return nil
			}
			continue
		}
		offset, err = p.take(ctx, batch, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			p.r.log.Error("telegram update not taken; will fetch it again", "error", err)
			if !p.wait(ctx, err) {
				return nil
			}
			continue
		}
		p.failures = 0
	}
	return nil
}

// take hands a batch to the engine in order and returns the offset to ask
// for next: one past the last update taken. It stops at the first update
// that was not taken.
func (p *poller) take(ctx context.Context, batch []json.RawMessage, offset int) (int, error) {
	unreadable := false
	for _, raw := range batch {
		if err := ctx.Err(); err != nil {
			return offset, err // shutting down: the rest come again to the next poller
		}
		id, err := UpdateID(raw)
		if unreadable = err != nil; unreadable {
			// Not an update at all; nothing to confirm it by. The next
			// good update's offset confirms it.
			p.r.log.Error("telegram sent something that is not an update", "error", err)
			continue
		}
		if int(id) < offset {
			continue // already taken (Telegram resends nothing below the offset, but be safe)
		}
		if err := p.r.process(ctx, raw); err != nil && !errors.Is(err, errBadUpdate) {
			return offset, err
		}
		offset = int(id) + 1
	}
	if unreadable {
		// Nothing after it confirms it, so it will come again: back off
		// rather than spin.
		return offset, errors.New("telegram: the batch ends with something that is not an update")
	}
	return offset, nil
}

// wait sleeps for the backoff (or Telegram's retry_after) and reports
// whether ctx is still live.
func (p *poller) wait(ctx context.Context, err error) bool {
	d := p.o.Backoff << min(p.failures, 16)
	d = min(d, p.o.MaxBackoff)
	d = d/2 + rand.N(d/2+1)
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		d = e.RetryAfter
	}
	p.failures++
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// badToken reports whether Telegram refused the bot token (401, or 404
// for a token it does not know), which no retry will change.
func badToken(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound)
}
