package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Day is 24 hours, the unit of the "d" suffix in a Duration.
const Day = Duration(24 * time.Hour)

// Duration is a time.Duration that is written either as a Go duration
// ("90m", "24h") or as whole days ("30d"), or both together ("1d12h"). It
// decodes from YAML and from environment variables the same way.
type Duration time.Duration

// ParseDuration reads a Duration: an optional whole number of days with the
// suffix "d", followed by an optional Go duration (see time.ParseDuration).
// "30d", "1d12h", "36h" and "0" are all accepted; "1.5d" and "30" are not.
func ParseDuration(s string) (Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("invalid duration %q: empty", s)
	}
	if in == "0" {
		return 0, nil
	}
	var d time.Duration
	rest := in
	days, after, hasDays := strings.Cut(in, "d")
	if hasDays {
		n, err := strconv.ParseUint(days, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: days must be a whole number, like 30d", s)
		}
		d, rest = time.Duration(n)*24*time.Hour, after
	}
	if rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || (hasDays && r < 0) {
			return 0, fmt.Errorf("invalid duration %q: use a number with a unit, like 30d, 24h or 90m", s)
		}
		d += r
	}
	return Duration(d), nil
}

// Duration returns d as a time.Duration.
func (d Duration) Duration() time.Duration { return time.Duration(d) }

// String formats d the way ParseDuration reads it: whole numbers of days of
// two days or more as "30d", anything else as a Go duration without trailing
// zero units ("24h", "1h30m").
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%(24*time.Hour) == 0 && (td >= 48*time.Hour || td <= -48*time.Hour) {
		return strconv.FormatInt(int64(td/(24*time.Hour)), 10) + "d"
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// UnmarshalYAML reads a Duration from a YAML scalar; a bad value is reported
// with its line, alongside any other field errors in the file.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a duration must be a single value, like 30d or 24h", n.Line)}}
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = v
	return nil
}

// MarshalYAML writes d as its String.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }
