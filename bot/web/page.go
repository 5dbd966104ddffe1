package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/signpost-app/signpost/server"
)

// staticFS holds the page, its stylesheet and script, and the embed script.
// They are plain files: no front-end build step.
//
//go:embed static
var staticFS embed.FS

// maxSource is the longest ?s= source code taken.
const maxSource = 64

// asset is one embedded file, with its content hash for cache busting.
type asset struct {
	body  []byte
	etag  string
	ctype string
}

// assets are the files served under /static/ (the page refers to them
// with ?v=<hash>, so they can be cached for a year).
var assets = func() map[string]asset {
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	m := map[string]asset{}
	for _, name := range []string{"chat.css", "chat.js", "embed.js"} {
		b, err := fs.ReadFile(staticFS, "static/"+name)
		if err != nil {
			panic(err) // the files are embedded: missing means a broken build
		}
		sum := sha256.Sum256(b)
		m[name] = asset{body: b, etag: hex.EncodeToString(sum[:6]), ctype: types[path.Ext(name)]}
	}
	return m
}()

var pageTmpl = template.Must(template.ParseFS(staticFS, "static/index.html"))

// pageData fills index.html.
type pageData struct {
	CSS, JS string // versioned URLs of the stylesheet and script
}

// page handles GET /: sets the person's cookie (a new random id on the
// first visit; renewed after), stores ?s=CODE as the conversation's
// source, and serves the page. It has no rate limit: it is a file from
// memory and a cookie, and a whole class may open it in the same minute. The page itself says "hi" when the
// transcript is empty, so the welcome appears.
func (c *Chat) page(w http.ResponseWriter, r *http.Request) error {
	src := r.URL.Query().Get("s")
	if !validToken(src, maxSource) {
		src = "" // a bad code is ignored: the chat still works, untagged
	}
	c.setSession(w, r, src)
	var buf bytes.Buffer
	data := pageData{CSS: "/static/chat.css?v=" + assets["chat.css"].etag, JS: "/static/chat.js?v=" + assets["chat.js"].etag}
	if err := pageTmpl.Execute(&buf, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // it sets a cookie, and a shared device's back button should not show it
	c.count("page", "ok")
	_, err := w.Write(buf.Bytes())
	return err
}

// static handles GET /static/{file}: the stylesheet and the script. A
// request with the current ?v= hash may be cached for a year; any other
// revalidates with the ETag.
func (c *Chat) static(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	a, ok := assets[name]
	if !ok || name == "embed.js" {
		c.count("static", "not_found")
		return server.Errorf(http.StatusNotFound, "not found")
	}
	cache := "no-cache" // revalidate with the ETag
	if r.URL.Query().Get("v") == a.etag {
		cache = "public, max-age=31536000, immutable"
	}
	serveAsset(w, r, a, cache)
	c.count("static", "ok")
	return nil
}

// embed handles GET /embed.js: the script a school puts on its site. It
// adds a "Talk to Signpost" button that opens the chat in an iframe:
//
//	<script src="https://signpost.example/embed.js" data-source="oakwood" async></script>
//
// Its address cannot carry a version, so it is cached for an hour.
func (c *Chat) embed(w http.ResponseWriter, r *http.Request) error {
	a := assets["embed.js"]
	// Loaded by other sites' pages, including ones that require it.
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	serveAsset(w, r, a, "public, max-age=3600")
	c.count("embed", "ok")
	return nil
}

// serveAsset writes a with its type, ETag and Cache-Control; conditional
// requests get 304.
func serveAsset(w http.ResponseWriter, r *http.Request, a asset, cache string) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", `"`+a.etag+`"`)
	h.Set("Cache-Control", cache)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
