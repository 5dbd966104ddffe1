package telegram

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestDeepLink(t *testing.T) {
	for _, tt := range []struct {
		user, code, want string
	}{
		{"SignpostBot", "oakwood", "https://t.me/SignpostBot?start=oakwood"},
		{"@SignpostBot", "Riverside_College-2", "https://t.me/SignpostBot?start=Riverside_College-2"},
		{"signpost_youth_bot", strings.Repeat("a", 64), "https://t.me/signpost_youth_bot?start=" + strings.Repeat("a", 64)},
	} {
		got, err := DeepLink(tt.user, tt.code)
		if err != nil || got != tt.want {
			t.Errorf("DeepLink(%q, %q) = %q, %v", tt.user, tt.code, got, err)
		}
	}
	for _, tt := range []struct{ user, code string }{
		{"", "oakwood"}, {"bot", "oakwood"}, {"Signpost Bot", "oakwood"}, {"t.me/SignpostBot", "oakwood"}, {"1SignpostBot", "oakwood"},
		{"SignpostBot", ""}, {"SignpostBot", "oak wood"}, {"SignpostBot", "oakwood&x=1"}, {"SignpostBot", strings.Repeat("a", 65)},
	} {
		if got, err := DeepLink(tt.user, tt.code); err == nil {
			t.Errorf("DeepLink(%q, %q) = %q, want an error", tt.user, tt.code, got)
		}
	}
}

// scan reads a QR code from an image as a phone would.
func scan(t *testing.T, img image.Image) (text, level string) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: false})
	if err != nil {
		t.Fatalf("the QR code does not scan: %v", err)
	}
	level, _ = res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	return res.GetText(), level
}

func TestQRPNGScansAsTheDeepLink(t *testing.T) {
	link := "https://t.me/SignpostTestBot?start=oakwood"
	q, err := NewQR(link)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := q.PNG(&buf, 1024); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1024 || b.Dy() != 1024 {
		t.Fatalf("size %v, want 1024×1024", b)
	}
	text, level := scan(t, img)
	if text != link {
		t.Fatalf("scanned %q, want %q", text, link)
	}
	if level != "Q" {
		t.Errorf("error correction %q, want Q", level)
	}
	// The quiet zone: at least four modules of white on every side.
	scale := 1024 / (q.Size() + 2*QuietZone)
	edge := (1024-scale*(q.Size()+2*QuietZone))/2 + QuietZone*scale
	for i := range 1024 {
		for _, p := range [][2]int{{i, edge - 1}, {edge - 1, i}, {i, 1024 - edge}, {1024 - edge, i}} {
			if gray(img.At(p[0], p[1])) < 128 {
				t.Fatalf("dark pixel in the quiet zone at %v", p)
			}
		}
	}
	// Modules are whole pixels: the first finder pattern's corner is dark
	// exactly from the edge.
	if gray(img.At(edge, edge)) >= 128 || gray(img.At(edge-1, edge)) < 128 {
		t.Error("the code is not aligned to whole pixels")
	}
}

func gray(c color.Color) uint8 { return color.GrayModel.Convert(c).(color.Gray).Y }

func TestQRTooSmall(t *testing.T) {
	q, err := NewQR("https://t.me/SignpostTestBot?start=oakwood")
	if err != nil {
		t.Fatal(err)
	}
	if err := q.PNG(io.Discard, q.Size()); err == nil {
		t.Error("no error for an image smaller than the code and its quiet zone")
	}
	if err := q.PNG(io.Discard, q.Size()+2*QuietZone); err != nil {
		t.Errorf("one pixel per module: %v", err)
	}
}

var svgRun = regexp.MustCompile(`^M(\d+),(\d+)h(\d+)v1h-(\d+)z$`)

func TestQRSVGIsWellFormedAndScans(t *testing.T) {
	link := "https://t.me/SignpostTestBot?start=riverside-college_2"
	q, err := NewQR(link)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := q.SVG(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Title   string   `xml:"title"`
		Rect    struct {
			Fill string `xml:"fill,attr"`
		} `xml:"rect"`
		Path struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, buf.String())
	}
	n := q.Size() + 2*QuietZone
	if doc.XMLName.Space != "http://www.w3.org/2000/svg" || doc.ViewBox != fmt.Sprintf("0 0 %d %d", n, n) || doc.Title != link || doc.Rect.Fill != "#fff" {
		t.Fatalf("svg %+v", doc)
	}
	// Draw the path's runs back into an image, 8 px a module, and scan it.
	const px = 8
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, run := range strings.Fields(doc.Path.D) {
		m := svgRun.FindStringSubmatch(run)
		if m == nil || m[3] != m[4] {
			t.Fatalf("unexpected path segment %q", run)
		}
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for mx := x; mx < x+w; mx++ {
			if !q.Dark(mx-QuietZone, y-QuietZone) {
				t.Fatalf("module %d,%d drawn dark but is light", mx, y)
			}
			for dy := range px {
				for dx := range px {
					img.SetGray(mx*px+dx, y*px+dy, color.Gray{})
				}
			}
		}
	}
	if text, _ := scan(t, img); text != link {
		t.Fatalf("scanned %q, want %q", text, link)
	}
}

func TestQRSVGEscapesItsTitle(t *testing.T) {
	q, err := NewQR(`a<b>&"c"`)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := q.SVG(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Title string `xml:"title"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Title != `a<b>&"c"` {
		t.Fatalf("title %q, %v", doc.Title, err)
	}
}
