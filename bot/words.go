package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Global words work at every step on every channel. They are matched on the
// whole message, in any case, with or without a leading "/" (Telegram
// commands) and trailing punctuation. The STOP and START words are the UK
// and Twilio opt-out keywords.
var GlobalWords = map[string]string{
	"stop": wordStop, "stopall": wordStop, "unsubscribe": wordStop, "cancel": wordStop,
	"end": wordStop, "quit": wordStop,
	"start": wordStart, "unstop": wordStart,
	"help": wordHelp, "info": wordHelp,
	"restart": wordRestart,
	"delete":  wordDelete,
}

const (
	wordStop    = "stop"
	wordStart   = "start"
	wordHelp    = "help"
	wordRestart = "restart"
	wordDelete  = "delete"
	wordYes     = "yes" // only a global word while opted out: Twilio re-subscribes on YES

	confirmDelete = "delete"
)

// maxText caps what the engine reads of one message; longer messages are
// cut (a text answer then gets the flow's "too long" message).
const maxText = 10000

// cleanText makes a message safe to handle: valid UTF-8, no control
// characters except new lines and tabs, trimmed, at most maxText bytes.
// readable is false when invalid bytes or control characters were removed.
func cleanText(s string) (text string, readable bool) {
	readable = true
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
		readable = false
	}
	if strings.IndexFunc(s, isControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isControl(r) {
				return -1
			}
			return r
		}, s)
		readable = false
	}
	s = strings.TrimSpace(s)
	if len(s) > maxText {
		cut := maxText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s, readable
}

func isControl(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || r == utf8.RuneError)
}

// globalWord returns the global word a message is (or ""), and the argument
// of a Telegram-style command ("/start oakwood" → start, oakwood).
func globalWord(text string) (word, arg string) {
	// A command may carry a deep-link payload of up to 64 characters.
	if len(text) > 40 && !(strings.HasPrefix(text, "/") && len(text) <= 100) {
		return "", ""
	}
	t := strings.TrimPrefix(text, "/")
	if t != text { // a command: "/start@SignpostBot oakwood"
		t, arg, _ = strings.Cut(t, " ")
		t, _, _ = strings.Cut(t, "@")
		arg = strings.TrimSpace(arg)
	}
	t = strings.TrimRightFunc(t, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	t = strings.ToLower(t)
	if w, ok := GlobalWords[t]; ok {
		return w, arg
	}
	if t == "yes" || t == "y" {
		return wordYes, ""
	}
	return "", ""
}
