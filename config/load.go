package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load builds the configuration: Default, then the YAML file at path (when
// path is not empty), then the environment variables in EnvTable, which win.
// env looks a variable up, like os.LookupEnv; nil means no environment.
//
// A key the file does not know is an error naming the file and line, with
// the nearest known key when there is one. Load does not call Validate.
func Load(path string, env func(string) (string, bool)) (Config, error) {
	c := Default()
	if path != "" {
		if err := loadFile(&c, path); err != nil {
			return Config{}, err
		}
	}
	if env != nil {
		if err := applyEnv(&c, env); err != nil {
			return Config{}, err // each line already names its variable
		}
	}
	c.normalise()
	return c, nil
}

// loadFile decodes the YAML file at path over c, refusing unknown keys.
func loadFile(c *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fileError(path, err)
	}
	return nil
}

// normalise tidies values that have one obvious meaning: trailing slashes
// on base URLs go, so callers can append paths.
func (c *Config) normalise() {
	c.Server.PublicURL = strings.TrimRight(c.Server.PublicURL, "/")
	c.Twilio.APIURL = strings.TrimRight(c.Twilio.APIURL, "/")
	c.Telegram.APIURL = strings.TrimRight(c.Telegram.APIURL, "/")
	c.Telegram.Mode = strings.ToLower(strings.TrimSpace(c.Telegram.Mode))
	c.Server.LogLevel = strings.ToLower(strings.TrimSpace(c.Server.LogLevel))
}

var (
	// lineMsg matches one yaml.v3 message, "line N: text", with or without
	// the "yaml: " prefix of a syntax error.
	lineMsg = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	// unknownField matches yaml.v3's KnownFields complaint.
	unknownField = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	// badValue matches yaml.v3's complaint about a value of the wrong type.
	badValue = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into (\\S+)$")
	// wanted words what a Go field type expects.
	wanted = map[string]string{
		"int":      "a whole number",
		"bool":     "true or false",
		"string":   "a single value",
		"[]string": "a list",
	}
)

// fileError rewrites a yaml.v3 error as "path:line: message" lines, the way
// compilers and `signpost flows validate` report, naming unknown keys
// plainly and suggesting the nearest known one.
func fileError(path string, err error) error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	errs := make([]error, 0, len(msgs))
	for _, m := range msgs {
		sub := lineMsg.FindStringSubmatch(m)
		if sub == nil {
			errs = append(errs, fmt.Errorf("%s: %s", path, strings.TrimPrefix(m, "yaml: ")))
			continue
		}
		line, text := sub[1], sub[2]
		if u := unknownField.FindStringSubmatch(text); u != nil {
			text = unknownKey(u[1], u[2])
		} else if b := badValue.FindStringSubmatch(text); b != nil && wanted[b[2]] != "" {
			text = fmt.Sprintf("%q is not valid here: use %s", b[1], wanted[b[2]])
		}
		errs = append(errs, fmt.Errorf("%s:%s: %s", path, line, text))
	}
	return errors.Join(errs...)
}

// unknownKey words the error for key, found in a section whose Go type is
// typeName, suggesting the section's closest key.
func unknownKey(key, typeName string) string {
	keys, section := sectionKeys(typeName)
	msg := fmt.Sprintf("unknown key %q", key)
	if section != "" {
		msg += " in " + section
	}
	if near := nearest(key, keys); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg
}

// sectionKeys returns the YAML keys of the struct type named typeName (as
// reflect prints it, e.g. "config.Twilio") found within Config, and the
// section's dotted key ("twilio"), or "top level" for Config itself.
func sectionKeys(typeName string) (keys []string, section string) {
	var walk func(t reflect.Type, at string) bool
	walk = func(t reflect.Type, at string) bool {
		if t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		if t.String() == typeName {
			for i := range t.NumField() {
				keys = append(keys, yamlName(t.Field(i)))
			}
			section = at
			if at == "" {
				section = "top level"
			}
			return true
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if walk(f.Type, strings.TrimPrefix(at+"."+yamlName(f), ".")) {
				return true
			}
		}
		return false
	}
	walk(reflect.TypeFor[Config](), "")
	return keys, section
}

// nearest returns the key in keys closest to s by edit distance, if it is
// close enough to be a likely typo (at most a third of its length away).
func nearest(s string, keys []string) string {
	best, bestD := "", len(s)/3+1
	for _, k := range keys {
		if d := editDistance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (YAML
// keys here are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
