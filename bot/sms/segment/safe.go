package segment

import "strings"

// safeReplacements pairs typographic characters that word processors and
// phones put in text with the GSM-7 characters that stand for them. Letters
// are never changed, so a name keeps its spelling even if that costs UCS-2.
var safeReplacements = []string{
	// Single quotes, apostrophes and primes.
	"\u2018", "'", // ‘ left single quotation mark
	"\u2019", "'", // ’ right single quotation mark, the usual apostrophe
	"\u201A", "'", // ‚ single low-9 quotation mark
	"\u201B", "'", // ‛ single high-reversed-9 quotation mark
	"\u2032", "'", // ′ prime
	"\u2039", "'", // ‹ single left-pointing angle quotation mark
	"\u203A", "'", // › single right-pointing angle quotation mark
	"\u02BC", "'", // ʼ modifier letter apostrophe
	"\u00B4", "'", // ´ acute accent
	"`", "'", // grave accent: ASCII, but not in GSM-7
	// Double quotes.
	"\u201C", "\"", // “ left double quotation mark
	"\u201D", "\"", // ” right double quotation mark
	"\u201E", "\"", // „ double low-9 quotation mark
	"\u201F", "\"", // ‟ double high-reversed-9 quotation mark
	"\u2033", "\"", // ″ double prime
	"\u00AB", "\"", // « left-pointing double angle quotation mark
	"\u00BB", "\"", // » right-pointing double angle quotation mark
	// Dashes, hyphens and minus.
	"\u2010", "-", // ‐ hyphen
	"\u2011", "-", // ‑ non-breaking hyphen
	"\u2012", "-", // ‒ figure dash
	"\u2013", "-", // – en dash
	"\u2014", "-", // — em dash
	"\u2015", "-", // ― horizontal bar
	"\u2212", "-", // − minus sign
	"\u2022", "-", // • bullet
	"\u2043", "-", // ⁃ hyphen bullet
	// Other punctuation.
	"\u2026", "...", // … horizontal ellipsis
	"\u2044", "/", // ⁄ fraction slash
	"\u2215", "/", // ∕ division slash
	"\u02C6", "^", // ˆ modifier letter circumflex
	"\u02DC", "~", // ˜ small tilde
	"\u00A6", "|", // ¦ broken bar
	// Spaces and line breaks.
	"\t", " ", // tab
	"\u00A0", " ", // no-break space
	"\u2000", " ", "\u2001", " ", "\u2002", " ", "\u2003", " ", "\u2004", " ",
	"\u2005", " ", "\u2006", " ", "\u2007", " ", "\u2008", " ", "\u2009", " ",
	"\u200A", " ", // en quad … hair space
	"\u202F", " ", // narrow no-break space
	"\u205F", " ", // medium mathematical space
	"\u3000", " ", // ideographic space
	"\u2028", "\n", // line separator
	"\u2029", "\n", // paragraph separator
	// Invisible characters, dropped.
	"\u00AD", "", // soft hyphen
	"\u200B", "", // zero width space
	"\u2060", "", // word joiner
	"\uFEFF", "", // zero width no-break space (byte order mark)
}

// safeReplacer applies safeReplacements; a strings.Replacer is safe for
// concurrent use.
var safeReplacer = strings.NewReplacer(safeReplacements...)

// GSMSafe replaces typographic punctuation and unusual spaces in s with
// their GSM-7 equivalents: curly quotes with straight ones, en and em dashes
// and bullets with '-', '…' with "...", no-break and other spaces with a
// plain space; invisible characters such as soft hyphens and zero-width
// spaces are dropped. Letters, digits and emoji are left alone, so the result
// is GSM-7 only if the letters were. Plain ASCII without '`' or tabs comes
// back unchanged, without copying.
func GSMSafe(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == '`' || c == '\t' {
			return safeReplacer.Replace(s)
		}
	}
	return s
}
