package bot

import (
	"strconv"
	"strings"
	"time"
)

// Channel names.
const (
	ChannelSMS      = "sms"
	ChannelTelegram = "telegram"
	ChannelWeb      = "web"
	ChannelChat     = "chat"
)

// Inbound is one message from a young person, normalised by its channel.
type Inbound struct {
	Channel  string    `json:"c"`
	Address  string    `json:"a"`           // who, on that channel: phone number, Telegram chat id, web id
	ID       string    `json:"i,omitempty"` // provider message id; the dedupe key when set
	Text     string    `json:"t,omitempty"`
	NonText  bool      `json:"m,omitempty"`  // a picture, sticker, voice note… (any text with it is in Text)
	Language string    `json:"l,omitempty"`  // the channel's language hint, e.g. Telegram language_code
	Source   string    `json:"s,omitempty"`  // a school or link code given by the channel
	Choice   string    `json:"o,omitempty"`  // an option id chosen with a button
	Step     string    `json:"p,omitempty"`  // the step the button belonged to; a stale button changes nothing
	Timer    string    `json:"tm,omitempty"` // a timer firing (TimerReminder, TimerExpiry) instead of a message
	OptOut   bool      `json:"oo,omitempty"` // the provider says the person opted out: record it, send nothing
	Replied  bool      `json:"rp,omitempty"` // the provider already answered this STOP/START/HELP itself
	Notice   string    `json:"nt,omitempty"` // from the link team, not the person: NoticeClaimed or NoticeRelay
	Worker   string    `json:"wk,omitempty"` // the link worker's first name, with a notice
	Callback string    `json:"cb,omitempty"` // a button press to acknowledge (Telegram callback_query id)
	Message  string    `json:"mr,omitempty"` // the provider's id of the message whose button was pressed
	TimerAt  int64     `json:"ta,omitempty"` // the fired timer's due time, unix ms, as scheduled
	At       time.Time `json:"at"`
}

// Notices from the link team, delivered through the person's inbox so they
// are ordered with the conversation.
const (
	NoticeClaimed = "claimed" // a link worker claimed the referral: tell the person who has it
	NoticeRelay   = "relay"   // a link worker's reply (Text), signed with their first name
	// NoticeAfterHours: the referral arrived outside office hours; Text says
	// when the team is back ("at 9:00 on Monday").
	NoticeAfterHours = "after_hours"
)

// Key is the conversation key: one person on one channel.
func (in Inbound) Key() string { return ConversationKey(in.Channel, in.Address) }

// ConversationKey joins a channel and an address into a conversation key.
func ConversationKey(channel, address string) string { return channel + ":" + address }

// Outbound is one message to a young person.
type Outbound struct {
	ID       string   `json:"id,omitempty"` // unique; the outbox matches acknowledgements on it
	Attempts int      `json:"n,omitempty"`  // failed sends so far
	Always   bool     `json:"al,omitempty"` // send even to an opted-out person (the STOP confirmation)
	Channel  string   `json:"c"`
	Address  string   `json:"a"`
	Text     string   `json:"t"`
	Options  []Option `json:"o,omitempty"`  // the choices of a question, for buttons or a numbered list
	Multi    bool     `json:"x,omitempty"`  // several options may be picked
	Done     string   `json:"dn,omitempty"` // the label of the "done" button of a multi-pick question
	Step     string   `json:"p,omitempty"`  // the question's step, so a button press can be matched to it
	Urgent   bool     `json:"u,omitempty"`  // crisis signposting: send before anything else queued
	Ack      string   `json:"ak,omitempty"` // a button press to acknowledge first (Telegram callback_query id)
	Toast    string   `json:"to,omitempty"` // a short note shown with the acknowledgement
	Answered string   `json:"ad,omitempty"` // the provider's id of a question now answered: remove its buttons
}

// Option is one choice offered with a question.
type Option struct {
	ID    string `json:"i"`
	Label string `json:"l"`
}

// Plain renders the message for a text-only channel (SMS, the terminal): the
// text, then the options as a numbered list that the answer parser accepts.
func (o Outbound) Plain() string {
	if len(o.Options) == 0 {
		return o.Text
	}
	var b strings.Builder
	b.WriteString(o.Text)
	b.WriteString("\n")
	for i, opt := range o.Options {
		b.WriteString("\n")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(opt.Label)
	}
	if o.Multi {
		b.WriteString("\n\nReply with the numbers, like 1, 3.")
	} else {
		b.WriteString("\n\nReply with a number.")
	}
	return b.String()
}

// WebMessage is one reply in a web chat's transcript; Seq increases by one
// per reply for a person, so a page asks for what came after the last it saw.
type WebMessage struct {
	Seq int64    `json:"seq"`
	Out Outbound `json:"out"`
}
