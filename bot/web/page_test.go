package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	h := newHarness(t, nil)
	_, resp, body := h.open("/")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("page Cache-Control %q, want no-store", cc)
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, "")
	for _, want := range []string{
		"Signpost is not an emergency service. In danger? Call 999. Text SHOUT to 85258 · Childline 0800 1111 · Samaritans 116 123",
		"Leave quickly",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	for _, want := range []string{
		`<html lang="en">`,
		`name="viewport"`,
		`role="note"`,
		`id="log" class="log" role="log" aria-live="polite"`,
		`role="alert" aria-live="assertive"`,
		`<label for="message">`,
		`<input id="message"`,
		`<button id="send" type="submit">`,
		`<button type="button" id="leave"`,
		`<form id="form"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Nothing inline: the CSP allows only files from the site.
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(tag, ` src="/static/`) {
			t.Errorf("page has %s: scripts must be files under /static/", tag)
		}
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`), // a script with a body
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`(?:src|href)="(?:https?:)?//`),
	} {
		if m := bad.FindString(body); m != "" {
			t.Errorf("page has %q: nothing inline or from elsewhere allowed", m)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	h := newHarness(t, nil)
	p, _, body := h.open("/")
	refs := regexp.MustCompile(`(?:href|src)="(/static/chat\.(?:css|js)\?v=[0-9a-f]+)"`).FindAllStringSubmatch(body, -1)
	if len(refs) != 2 {
		t.Fatalf("page refers to %v, want chat.css and chat.js with ?v=", refs)
	}
	for _, ref := range refs {
		resp, content := p.do(http.MethodGet, ref[1], nil)
		want := "text/css; charset=utf-8"
		if strings.Contains(ref[1], ".js") {
			want = "text/javascript; charset=utf-8"
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != want || content == "" {
			t.Errorf("GET %s: %d %s", ref[1], resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable", ref[1], cc)
		}
		etag := resp.Header.Get("ETag")
		resp, _ = p.do(http.MethodGet, ref[1], nil, "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", ref[1], resp.StatusCode)
		}
	}
	// Without the current version: cacheable, but revalidated.
	if resp, _ := p.do(http.MethodGet, "/static/chat.js", nil); resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("unversioned Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	for _, path := range []string{"/static/nope.js", "/static/index.html", "/static/embed.js", "/nope"} {
		if resp, _ := p.do(http.MethodGet, path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	// The script writes replies as text, never as HTML.
	_, js := p.do(http.MethodGet, "/static/chat.js", nil)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(js, bad) {
			t.Errorf("chat.js uses %s", bad)
		}
	}
	for _, id := range []string{"'log'", "'message'", "'leave'", "'status'", "'alert'", "'form'", "/chat/send", "/chat/messages", "/chat/leave", "'hi'"} {
		if !strings.Contains(js, id) {
			t.Errorf("chat.js does not mention %s", id)
		}
	}
}

func TestEmbedScript(t *testing.T) {
	h := newHarness(t, nil)
	p := &page{h: h, cookies: map[string]*http.Cookie{}}
	resp, js := p.do(http.MethodGet, "/embed.js", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("GET /embed.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if got := resp.Header.Get("Cross-Origin-Resource-Policy"); got != "cross-origin" {
		t.Errorf("Cross-Origin-Resource-Policy %q", got)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("Cache-Control %q", cc)
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("embed.js set cookies %v: a school's visitors get none until they open the chat", resp.Cookies())
	}
	for _, want := range []string{"data-source", "Talk to Signpost", "iframe", "'?s='", "encodeURIComponent", "aria-expanded"} {
		if !strings.Contains(js, want) {
			t.Errorf("embed.js lacks %s", want)
		}
	}
}
