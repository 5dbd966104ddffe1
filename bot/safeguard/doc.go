// Package safeguard finds risk in a young person's message: the first thing
// every inbound message goes through, before any referral flow sees it.
//
//	m := safeguard.Default()
//	if hit, ok := m.Check(in.Text); ok {
//		// stop the flow, signpost crisis support for hit.Category, alert a human
//	}
//
// It is a phrase matcher, not a classifier: it finds known risky phrasings,
// written by people, in a data file ([Default] uses the embedded
// phrases.yaml; [LoadFile] or [Parse] read another one from configuration).
// The categories of the default list are suicide, self_harm,
// sexual_exploitation, abuse, unsafe_home and violence (threats, weapons,
// gangs and criminal exploitation).
//
// # Phrase list format
//
// A phrase list is YAML:
//
//	max_gap: 2                      # optional, 0-3: filler words allowed between phrase words
//	fillers: [really, just, ...]    # optional: the only words that may fill a gap
//	misspellings:                   # optional: word → replacement, for messages and phrases
//	  sucide: suicide
//	  kms: kill myself
//	  im: i am
//	groups:                         # optional: name → words, used as <name> in phrases
//	  carer: [mum, dad, step dad, nan]
//	categories:                     # required: name → phrases and exceptions
//	  abuse:
//	    phrases:                    # required, not empty
//	      - (<carer>|he|she) (hits|beats) me
//	      - domestic (abuse|violence)
//	    except:                     # optional: idioms that must not trigger this category
//	      - (beat|beats) me at (fifa|chess)
//
// A phrase is a sequence of whole words. "(a|b c|)" is a choice: one word,
// several, or (empty) none; "<name>" is any entry of a group. Choices cannot
// nest, but may hold groups. An entry may stand for at most 2000 phrases
// and a phrase may have at most 12 words. Phrases, exceptions, fillers and
// misspellings are normalised like messages (see [Normalise]), so they are
// written in plain spelling. Category and group names are lower_snake_case.
// Unknown keys, empty phrases, bad choices and unknown groups are errors
// that name the line: "safeguard: line 12: category "abuse" phrases: empty
// phrase".
//
// # Matching
//
// A message matches a phrase when its normalised words contain the
// phrase's words in order, with at most max_gap words between two phrase
// words, each of them a filler or a repeat of the word before it. So "i
// really really want to die" and "he has been hitting me" match "want to
// die" and "he hitting me", but "i cut my hair myself" does not match "cut
// myself": "my" and "hair" are not fillers. Words match whole, so "skill
// myself" is not "kill myself".
//
// [Matcher.Check] returns the hit that starts earliest in the message and,
// of those, the one first in the list; [Matcher.CheckAll] returns every
// distinct phrase that matched. [Hit.Phrase] is the entry as written, with
// the choices that matched ("dad hits me" for "(<carer>|he) (hits|beats) me").
//
// # Decisions
//
// Negations still trigger. "I'm not suicidal", "I would never kill myself"
// and "I'm not going to hurt myself" are hits: a young person who writes
// the words is often testing the water, and a caring check-in costs little
// while a miss can cost a life. The matcher has no notion of negation.
//
// Idioms. "This homework is killing me", "killing it", "dying of laughter",
// "I'm dead 💀", "kill time", "to die for", "dead tired", "killer workout",
// "cut my hair" and "cut the grass" must not trigger, but "kill myself"
// always does, even next to an idiom. The list does this two ways. First,
// phrases are specific: there is no bare "kill", "die", "dead" or "cut",
// only "kill myself", "want to die", "better off dead", "cut myself" and
// so on, which the idioms never contain. Second, each category's except
// phrases name idioms that a phrase would otherwise catch ("i want to die
// my hair", "my brother beat me at fifa", "killing myself laughing", "got
// kicked out of class"). An except only cancels a hit that shares a word
// with it, so "this homework is killing me, i want to kill myself" and "he
// beat me at fifa then beat me up" still trigger. Hyperbole that uses a
// risky phrase itself ("kms I have three exams") triggers: the words are
// the risk signal, and the reply is a check-in, not an alarm.
//
// A message with no hit and up to 128 words is checked without allocating.
package safeguard
