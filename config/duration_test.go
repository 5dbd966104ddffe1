package config

import (
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "30d", want: 30 * 24 * time.Hour},
		{in: "365d", want: 365 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "24h", want: 24 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: " 2h30m ", want: 150 * time.Minute},
		{in: "0", want: 0},
		{in: "0d", want: 0},
		{in: "30", bad: true},
		{in: "1.5d", bad: true},
		{in: "d", bad: true},
		{in: "-1d", bad: true},
		{in: "1d-2h", bad: true},
		{in: "1dd", bad: true},
		{in: "99999999d", bad: true},
		{in: "", bad: true},
		{in: "soon", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseDuration(%q) = %s, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got.Duration() != tt.want {
			t.Errorf("ParseDuration(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[Duration]string{
		30 * Day:                          "30d",
		2 * Day:                           "2d",
		Day:                               "24h",
		Duration(90 * time.Minute):        "1h30m",
		Duration(36 * time.Hour):          "36h",
		Duration(45 * time.Second):        "45s",
		0:                                 "0s",
		Duration(1500 * time.Millisecond): "1.5s",
	} {
		if got := d.String(); got != want {
			t.Errorf("%d: got %q, want %q", d, got, want)
		}
		back, err := ParseDuration(want)
		if err != nil || back != d {
			t.Errorf("round trip of %q: %s, %v", want, back, err)
		}
	}
}

func TestDurationYAML(t *testing.T) {
	var v struct {
		A Duration `yaml:"a"`
		B Duration `yaml:"b"`
	}
	if err := yaml.Unmarshal([]byte("a: 7d\nb: 15m\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 7*Day || v.B != Duration(15*time.Minute) {
		t.Errorf("got %s %s", v.A, v.B)
	}
	out, err := yaml.Marshal(v)
	if err != nil || string(out) != "a: 7d\nb: 15m\n" {
		t.Errorf("Marshal = %q, %v", out, err)
	}
	if err := yaml.Unmarshal([]byte("a: [1]\n"), &v); err == nil {
		t.Error("a list decoded as a duration")
	}
}
