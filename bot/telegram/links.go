package telegram

// QR codes are made with github.com/boombuler/barcode (its qr package).
// Of the QR libraries on the Go module proxy it is the one that is both
// maintained and small: v1.1.0 was released in July 2025, it has no
// dependencies, it offers error correction L, M, Q and H with automatic
// mode selection, and it gives the bare module matrix, which is all that
// is needed to draw a crisp PNG and an SVG here. The others considered:
// github.com/skip2/go-qrcode (last change 2020) and rsc.io/qr (2018) are
// unmaintained; github.com/yeqown/go-qrcode/v2 is maintained, but it
// draws PNGs through a separate writer module that pulls in fogleman/gg,
// freetype and x/image, and has no SVG writer either.

import (
	"bufio"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"regexp"
	"strconv"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// botUsername is the shape of a Telegram username: 5–32 characters of
// A–Z, a–z, 0–9 and _, starting with a letter
// (https://core.telegram.org/bots/features#botfather).
var botUsername = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{4,31}$`)

// DeepLink returns the link that opens a chat with the bot and sends
// "/start code", tagging the conversation with the source code
// (https://core.telegram.org/bots/features#deep-linking). username may
// start with "@".
func DeepLink(username, code string) (string, error) {
	if len(username) > 0 && username[0] == '@' {
		username = username[1:]
	}
	if !botUsername.MatchString(username) {
		return "", fmt.Errorf("telegram: %q is not a bot username", username)
	}
	if !ValidSource(code) {
		return "", fmt.Errorf("telegram: source code %q must be 1-64 characters of A-Z, a-z, 0-9, _ and -", code)
	}
	return "https://t.me/" + username + "?start=" + code, nil
}

// QuietZone is the light border, in modules, around a QR code: the four
// the QR standard (ISO/IEC 18004) asks for, so scanners find the code on a
// busy poster.
const QuietZone = 4

// QR is an encoded QR code, ready to draw.
type QR struct {
	content string
	size    int    // modules per side, without the quiet zone
	dark    []bool // size×size, row by row
}

// NewQR encodes content at error correction level Q (a quarter of the
// code can be lost to a scuff, a fold or a staple and it still scans).
func NewQR(content string) (*QR, error) {
	code, err := qr.Encode(content, qr.Q, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("encoding QR code: %w", err)
	}
	return fromBarcode(code), nil
}

func fromBarcode(code barcode.Barcode) *QR {
	b := code.Bounds()
	q := &QR{content: code.Content(), size: b.Dx(), dark: make([]bool, b.Dx()*b.Dy())}
	for y := range b.Dy() {
		for x := range b.Dx() {
			g := color.GrayModel.Convert(code.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			q.dark[y*q.size+x] = g.Y < 128
		}
	}
	return q
}

// Size is the number of modules per side, without the quiet zone.
func (q *QR) Size() int { return q.size }

// Dark reports whether the module at column x, row y is dark.
func (q *QR) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= q.size || y >= q.size {
		return false // the quiet zone
	}
	return q.dark[y*q.size+x]
}

// Image draws the code with its quiet zone on a px×px two-colour image,
// every module the same whole number of pixels and the code centred (any
// pixels left over widen the quiet zone). It fails when px is too small
// for one pixel per module.
func (q *QR) Image(px int) (image.Image, error) {
	n := q.size + 2*QuietZone
	scale := px / n
	if scale < 1 {
		return nil, fmt.Errorf("QR code: %d px is too small for %d modules", px, n)
	}
	off := (px-scale*n)/2 + QuietZone*scale
	img := image.NewPaletted(image.Rect(0, 0, px, px), color.Palette{color.White, color.Black})
	for y := range q.size {
		for x := range q.size {
			if !q.Dark(x, y) {
				continue
			}
			for dy := range scale {
				row := img.Pix[(off+y*scale+dy)*img.Stride:]
				for dx := range scale {
					row[off+x*scale+dx] = 1
				}
			}
		}
	}
	return img, nil
}

// PNG writes the code as a px×px PNG (see Image).
func (q *QR) PNG(w io.Writer, px int) error {
	img, err := q.Image(px)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("writing PNG: %w", err)
	}
	return nil
}

// SVG writes the code as a standalone SVG document: one unit per module,
// the quiet zone included, a white background and one path of dark runs,
// drawn with crisp edges. It scales to any print size. The encoded text
// is its title, for screen readers.
func (q *QR) SVG(w io.Writer) error {
	n := q.size + 2*QuietZone
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 %d %d" width="%dmm" height="%dmm" shape-rendering="crispEdges">`+"\n",
		n, n, 2*n, 2*n)
	fmt.Fprintf(bw, "<title>%s</title>\n", html.EscapeString(q.content))
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", n, n)
	bw.WriteString(`<path fill="#000" d="`)
	first := true
	for y := range q.size {
		for x := 0; x < q.size; {
			if !q.Dark(x, y) {
				x++
				continue
			}
			run := 1
			for q.Dark(x+run, y) {
				run++
			}
			if !first {
				bw.WriteByte(' ')
			}
			first = false
			bw.WriteString("M" + strconv.Itoa(x+QuietZone) + "," + strconv.Itoa(y+QuietZone) +
				"h" + strconv.Itoa(run) + "v1h-" + strconv.Itoa(run) + "z")
			x += run
		}
	}
	bw.WriteString("\"/>\n</svg>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing SVG: %w", err)
	}
	return nil
}
