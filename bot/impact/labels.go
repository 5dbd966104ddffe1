package impact

import "github.com/signpost-app/signpost/bot"

// notGiven is the row key of referrals without the answer (not asked, or
// skipped).
const notGiven = "not_given"

// skipped is the coded value of a skipped answer.
const skipped = "skipped"

// Saved-answer names the figures read.
const (
	ansAge       = "age"
	ansSupport   = "support"
	ansSituation = "situation"
	ansGotHelp   = "got_help"
)

// situationNEET is the situation id of people not in work, education or
// training; situationOther is "something else", which is not counted as in
// work, education or training either.
const (
	situationNEET  = "neet"
	situationOther = "other"
)

// Fixed rows: shown even when zero, so that charts from different periods
// line up.
var (
	situations  = []string{"school", "college", "work", "apprenticeship", "training", situationNEET, situationOther}
	channels    = []string{bot.ChannelSMS, bot.ChannelTelegram, bot.ChannelWeb}
	ageBands    = []string{"11-13", "14-15", "16-17", "18-21", "22-25"} // the rest of bot.AgeBands only when not zero
	gotHelpIDs  = []string{"money", "work", "neither"}
	awaiting    = "awaiting"
	outcomeRows = []string{"connected_activity", "employment_training", "money_advice", "other_service", "declined", "no_contact", awaiting}
)

// measures are the four ONS personal wellbeing questions, by save name.
var measures = []struct{ name, label string }{
	{"life_satisfaction", "Life satisfaction"},
	{"worthwhile", "Feeling what you do is worthwhile"},
	{"happy", "Happiness"},
	{"anxious", "Anxiety (lower is better)"},
}

// builtinLabels are the words used when Options.Labels gives none, by
// saved-answer name (or figure) and key.
var builtinLabels = map[string]map[string]string{
	ansSituation: {
		"school": "At school", "college": "At college or uni", "work": "In work",
		"apprenticeship": "On an apprenticeship", "training": "On a training course",
		situationNEET: "Not in work, education or training", situationOther: "Something else",
	},
	ansGotHelp: {"money": "Help with money", "work": "Help with work or training", "neither": "Neither"},
	"channel": {
		bot.ChannelSMS: "SMS", bot.ChannelTelegram: "Telegram", bot.ChannelWeb: "Web chat",
		bot.ChannelChat: "Terminal (testing)",
	},
	"outcome": {
		"connected_activity": "Connected to an activity or group", "employment_training": "Into employment or training",
		"money_advice": "Money advice", "other_service": "Referred to another service", "declined": "Declined",
		"no_contact": "Could not make contact", awaiting: "Awaiting an outcome",
	},
	"risk": {
		"suicide": "Suicide", "self_harm": "Self-harm", "sexual_exploitation": "Sexual exploitation",
		"abuse": "Abuse", "unsafe_home": "Unsafe at home", "violence": "Violence",
	},
	"source": {"direct": "No school or link code"},
	"age":    {"under 11": "Under 11", "over 25": "Over 25"},
	"claim": {
		"under_1h": "Under 1 hour", "1_4h": "1 to 4 hours", "4_24h": "4 to 24 hours",
		"1_2d": "1 to 2 days", "over_2d": "Over 2 days",
	},
}
