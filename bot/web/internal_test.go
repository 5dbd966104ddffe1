package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCapText(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello", 4, "hell"},
		{"ééé", 2, "éé"},
		{"👍👍", 1, "👍"},
		{"", 3, ""},
	}
	for _, c := range cases {
		if got := capText(c.in, c.n); got != c.want {
			t.Errorf("capText(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
	long := strings.Repeat("é", maxText+10)
	if got := capText(long, maxText); utf8.RuneCountInString(got) != maxText || !utf8.ValidString(got) {
		t.Errorf("capped to %d runes, valid %v", utf8.RuneCountInString(got), utf8.ValidString(got))
	}
}

func TestClientIP(t *testing.T) {
	cases := []struct {
		name    string
		remote  string
		xff     []string
		proxies int
		want    string
	}{
		{"connection", "203.0.113.7:5555", nil, 0, "203.0.113.7"},
		{"forged header ignored without proxies", "203.0.113.7:5555", []string{"198.51.100.1"}, 0, "203.0.113.7"},
		{"one proxy", "10.0.0.2:80", []string{"198.51.100.1, 203.0.113.9"}, 1, "203.0.113.9"},
		{"two proxies", "10.0.0.2:80", []string{"198.51.100.1, 203.0.113.9", "10.0.0.1"}, 2, "203.0.113.9"},
		{"fewer entries than proxies", "10.0.0.2:80", nil, 1, "10.0.0.2"},
		{"IPv6 by /64", "[2001:db8:1:2:3:4:5:6]:443", nil, 0, "2001:db8:1:2::/64"},
		{"IPv4 in IPv6", "[::ffff:203.0.113.7]:443", nil, 0, "203.0.113.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientIP(r, c.proxies); got != c.want {
				t.Errorf("clientIP = %q, want %q", got, c.want)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"cy-GB,cy;q=0.9,en;q=0.8": "cy-GB",
		"en":                      "en",
		"":                        "",
		"*":                       "",
		"en_GB<script>":           "",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", in)
		if got := language(r); got != want {
			t.Errorf("language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidToken(t *testing.T) {
	for s, want := range map[string]bool{
		"oakwood": true, "Oak_wood-2": true, strings.Repeat("a", 64): true,
		"": false, strings.Repeat("a", 65): false, "oak wood": false, "oak/wood": false, "ök": false,
	} {
		if got := validToken(s, 64); got != want {
			t.Errorf("validToken(%q) = %v", s, got)
		}
	}
}
