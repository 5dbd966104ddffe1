package answer

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSpec is the spec FuzzParse uses for answer type number typ.
func fuzzSpec(typ uint8, optional bool) Spec {
	spec := Spec{Type: Types[int(typ)%len(Types)], Optional: optional}
	switch spec.Type {
	case Number:
		if optional { // bounds on every other run
			spec.Min, spec.Max = ptr(-100), ptr(1e6)
		}
	case Choice, Choices:
		spec.Options = testOptions
	case Text:
		spec.MaxLength = 200
	}
	return spec
}

// reply is the reply that should give v back.
func reply(v Value) string {
	switch v.Type {
	case YesNo, Number:
		return v.String()
	case Choices:
		return strings.Join(v.IDs, ", ")
	}
	return v.Text
}

// FuzzParse checks that Parse never panics, that a refusal is always an
// *Error with a known reason, that values are valid UTF-8 of the asked
// type, and that parsing a value's own text gives the value back.
func FuzzParse(f *testing.F) {
	for typ := range Types {
		for _, s := range []string{"", "yes", "no thanks", "15", "twenty-one", "2", "1, 3", "all",
			"12/03/2010", "29 feb", "SW1A 1AA", "m1", "+44 7700 900123", "sam@example.com",
			"skip", "\xff\xfe", "\x00\x1b", "😀", "👍🏽", "1-3"} {
			f.Add(uint8(typ), typ%2 == 0, s)
		}
	}
	known := map[Reason]bool{}
	for _, r := range allReasons {
		known[r] = true
	}
	f.Fuzz(func(t *testing.T, typ uint8, optional bool, in string) {
		spec := fuzzSpec(typ, optional)
		v, err := Parse(spec, in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Reason == "" || !known[e.Reason] {
				t.Fatalf("Parse(%s, %q): error %#v is not an *Error with a known reason", spec.Type, in, err)
			}
			if !reflect.DeepEqual(v, Value{}) {
				t.Fatalf("Parse(%s, %q) refused with %s but returned %#v", spec.Type, in, e.Reason, v)
			}
			return
		}
		if v.Type != spec.Type {
			t.Fatalf("Parse(%s, %q) gave a %s value", spec.Type, in, v.Type)
		}
		if !utf8.ValidString(v.Text) {
			t.Fatalf("Parse(%s, %q) gave invalid UTF-8 %q", spec.Type, in, v.Text)
		}
		for _, id := range v.IDs {
			if !utf8.ValidString(id) {
				t.Fatalf("Parse(%s, %q) gave invalid UTF-8 id %q", spec.Type, in, id)
			}
		}
		if v.Skipped {
			if !optional {
				t.Fatalf("Parse(%s, %q) skipped a required answer", spec.Type, in)
			}
			return
		}
		if spec.Type == Text && utf8.RuneCountInString(v.Text) > spec.MaxLength {
			t.Fatalf("Parse(%s, %q) gave text longer than the cap", spec.Type, in)
		}
		again, err := Parse(spec, reply(v))
		if err != nil || !reflect.DeepEqual(again, v) {
			t.Fatalf("Parse(%s, %q) = %#v, but parsing %q gives %#v, %v", spec.Type, in, v, reply(v), again, err)
		}
	})
}
