package safeguard

import "testing"

func TestNormalise(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"Hello", "helo"},
		{"I'm gonna k1lll myself!!!", "i am going to kil myself"},
		{"kiiiilll", "kil"},
		{"don't", "do not"},
		{"I’m fine", "i am fine"}, // curly apostrophe
		{"café naïve résumé", "cafe naive resume"},
		{"Straße", "strase"},
		{"æ œuvre þing", "ae oeuvre thing"}, // two-letter folds
		{"ＫＩＬＬ", "kil"},                     // fullwidth
		{"𝐤𝐢𝐥𝐥 𝓶𝔂𝓼𝓮𝓵𝓯", "kil myself"},       // "fancy text" maths letters
		{"ⓚⓘⓛⓛ", "kil"},                     // circled
		{"wαnt", "want"},                    // Greek alpha
		{"е", "e"},                          // Cyrillic e
		{"e\u0301", "e"},                    // combining accent
		{"ki\u200bll", "kil"},               // zero-width space inside a word
		{"$u1c1d3", "suicide"},              // leetspeak
		{"k!ll", "kil"},                     // ! inside a word
		{"help!", "help"},                   // ! at the end is punctuation
		{"!!!", ""},                         // no word at all
		{"f*ck", "fck"},                     // * inside a word dropped
		{"@home", "ahome"},                  // @ in a word with letters
		{"I'm 15", "i am 15"},               // numbers stay numbers
		{"£5.50", "5 50"},                   // currency: digits only
		{"b4", "ba"},                        // 4 is leetspeak in a word
		{"want 2 die", "want to die"},       // text speak via misspellings
		{"u r", "you are"},                  // text speak via misspellings
		{"sucide", "suicide"},               // misspelling
		{"kms", "kil myself"},               // slang expands
		{"self-harm", "self harm"},          // hyphen separates
		{"me&you", "me and you"},            // & is "and"
		{"dead💀lol", "dead lol"},            // emoji separate words
		{"tl;dr", "tl dr"},
		{"WANNA", "want to"},
		{"ßß", "s"}, // folds to ssss, then collapses
		{"日本語", "日本語"},
		{"ДОМ", "дom"}, // Cyrillic lower-cased; look-alikes folded
	} {
		if got := Normalise(c.in); got != c.want {
			t.Errorf("Normalise(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMisspellingsClosed checks that no replacement in the default list
// holds a word that is itself a misspelling, which keeps Normalise
// idempotent (FuzzNormalise checks that too).
func TestMisspellingsClosed(t *testing.T) {
	m := Default()
	for k, v := range m.misspell {
		for _, w := range words(v) {
			if _, ok := m.misspell[w]; ok {
				t.Errorf("misspelling %q → %q: %q is itself a misspelling", k, v, w)
			}
		}
	}
}
