package builtin

// Exchange is one message to the built-in youth self-referral flow and a
// piece of the reply it must get.
type Exchange struct{ Say, Want string }

// HappyPath walks the default flow from "hi" to a referral by SMS-style
// typing (numbers, ids and words), skipping the wellbeing questions and the
// check-in. The tests of every channel and store share it, so a change to
// the flow is one edit here; the read-back's "send" is the last exchange.
var HappyPath = []Exchange{
	{"hi", "not an emergency service"},
	{"yes", "How old"},
	{"15", "share your answers"},
	{"yep", "call you"},
	{"Sam", "hear about"},
	{"2", "what matters"},
	{"I want to find a job and I feel stuck at home", "help with"},
	{"1, 8", "fits you best"},
	{"not in work, school or training", "get in touch"},
	{"text", "phone number"},
	{"07700 900123", "safe and ok"},
	{"after 4pm, no voicemail", "postcode"},
	{"m1", "4 quick questions"},
	{"no", "8 weeks"},
	{"no", "Is that right"},
	{"yes, send it", "Thank you, Sam"},
}
