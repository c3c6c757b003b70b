package loa

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/port"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// squash removes the white space a text extractor puts between or inside table cells.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderShowsEveryField(t *testing.T) {
	for _, tc := range []struct {
		file    string
		opts    Options
		want    []string
		notWant []string
	}{
		{
			file: "request.json",
			opts: Options{Date: testDate, CompanyName: "Acme Calls Ltd"},
			want: []string{"Letter of Authorization", "Date: November 30, 2026", "AT&T", "Zoë O'Brien",
				"Núñez & O'Brien Plumbing LLC", "287654321098", "1234 North Main Street, Suite 200",
				"Baltimore, MD 21201", "+14105550142", "+14105550199", "+14105550143", "+14105550198",
				"José Núñez", "jose@example.com", "Acme Calls Ltd", "text version " + TextVersion,
				"☑ authorization to port", "☑ the terms of service", "Page 1 of 1", "Numbers to port (2)"},
			notWant: []string{"123456", "Account PIN", "Google Ads"},
		},
		{
			file: "request-intl.json",
			opts: Options{Date: testDate, ShowPIN: true},
			want: []string{"Téléphone Québec", "Ξανθή Παπαδοπούλου", "ООО «Ромашка»", "AB-99 001",
				"12 Rue de l'Église", "Montréal, QC H2X 1Y4", "+15145550101", "+15145550150",
				"xanthi@example.com", "Account PIN ••••", "☐ the terms of service of the receiving provider — NOT accepted"},
			notWant: []string{"9876"},
		},
		{
			file:    "request.json",
			opts:    Options{Date: testDate, ShowPIN: true, AuthorizationText: "Custom wording for {signer} at {carrier}.", AuthorizationVersion: "acme-7"},
			want:    []string{"Account PIN ••••56", "Custom wording for José Núñez at AT&T.", "text version acme-7"},
			notWant: []string{"123456", "I authorize"},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := Render(loadRequest(t, tc.file), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, reader := range []struct {
				name string
				text func(testing.TB, []byte) []string
			}{{"pdftotext", pdfText}, {"ledongthuc/pdf", goText}} {
				text := squash(strings.Join(reader.text(t, b), "\n"))
				for _, w := range tc.want {
					if reader.name == "ledongthuc/pdf" && !latin1(w) {
						// ledongthuc/pdf keeps only the low byte of each code of a
						// whole-range Identity ToUnicode map (gofpdf's); poppler reads
						// it right, so non-Latin-1 text is checked with pdftotext only.
						continue
					}
					if !strings.Contains(text, squash(w)) {
						t.Errorf("%s: LOA lacks %q", reader.name, w)
					}
				}
				for _, w := range tc.notWant {
					if strings.Contains(text, w) {
						t.Errorf("%s: LOA shows %q, which must not be on it", reader.name, w)
					}
				}
			}
		})
	}
}

func latin1(s string) bool {
	for _, r := range s {
		if r > 0xFF {
			return false
		}
	}
	return true
}

func TestRenderIsDeterministic(t *testing.T) {
	req := loadRequest(t, "request.json")
	logo := pngBytes(t, 120, 40)
	opts := Options{Date: testDate, CompanyName: "Acme Calls Ltd", LogoPNG: logo}
	a, err := Render(req, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(req, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same request differ")
	}
	later := opts
	later.Date = testDate.Add(24 * time.Hour)
	c, err := Render(req, later)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Error("a different date gave the same bytes")
	}

	// The golden hash pins the bytes across runs and machines; rewrite it with -update
	// when the layout or text changes on purpose.
	sum := sha256.Sum256(a)
	got := hex.EncodeToString(sum[:])
	golden := filepath.Join("testdata", "golden-request.sha256")
	if *update {
		if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./loa -run Deterministic -update)", err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("LOA bytes changed: sha256 %s, golden %s (run with -update if intended)", got, strings.TrimSpace(string(want)))
	}
}

func TestRenderTenThousandNumbers(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 200 pages")
	}
	const n = 10000
	req := numbersRequest(n)
	b, err := Render(req, Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfText(t, b)
	text := strings.Join(pages, "\n")
	seen := make(map[string]bool, 2*n)
	for _, w := range strings.Fields(text) {
		if strings.HasPrefix(w, "+1") {
			seen[w] = true
		}
	}
	missing := 0
	for i, num := range req.Numbers {
		for _, s := range []string{num.Number, num.ReceivingNumber} {
			if !seen[s] {
				missing++
				if missing < 5 {
					t.Errorf("number %d: %s is not on the LOA", i+1, s)
				}
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d numbers missing", missing, 2*n)
	}
	last := pages[len(pages)-1]
	wantFooter := "Page " + itoa(len(pages)) + " of " + itoa(len(pages))
	if !strings.Contains(last, wantFooter) {
		t.Errorf("last page lacks %q", wantFooter)
	}
	if !strings.Contains(pages[1], "(continued)") || !strings.Contains(pages[1], "Number to port") {
		t.Error("the table header is not repeated on page 2")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRenderRejects(t *testing.T) {
	good := loadRequest(t, "request.json")
	for _, tc := range []struct {
		name string
		edit func(*port.Request, *Options)
		want error
	}{
		{"no numbers", func(r *port.Request, _ *Options) { r.Numbers = nil }, ErrInvalidRequest},
		{"no signer", func(r *port.Request, _ *Options) { r.Signer.FullName = " " }, ErrInvalidRequest},
		{"no carrier", func(r *port.Request, _ *Options) { r.CarrierName = "" }, ErrInvalidRequest},
		{"too many numbers", func(r *port.Request, _ *Options) { r.Numbers = make([]port.Number, MaxNumbers+1) }, ErrInvalidRequest},
		{"custom text without version", func(_ *port.Request, o *Options) { o.AuthorizationText = "x" }, errAuthVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, o := good, Options{Date: testDate}
			r.Numbers = append([]port.Number(nil), good.Numbers...)
			tc.edit(&r, &o)
			if _, err := Render(r, o); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v; want %v", err, tc.want)
			}
		})
	}
	t.Run("bad logo is an error, not a panic", func(t *testing.T) {
		if _, err := Render(good, Options{Date: testDate, LogoPNG: []byte("\x89PNG\r\n\x1a\nnot really")}); err == nil {
			t.Fatal("no error for a corrupt logo")
		}
	})
}

func TestCleanAndMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Zoë O'Brien", "Zoë O'Brien"},
		{"line\nbreak\ttab", "line break tab"},
		{"emoji 📞 here", "emoji ? here"},
		{"bell\x07", "bell"},
		{"Ньютон Αθήνα", "Ньютон Αθήνα"},
	} {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"1234", "••••"},
		{"12345", "•••••"},
		{"123456", "••••56"},
		{"", ""},
	} {
		if got := MaskPIN(tc.in); got != tc.want {
			t.Errorf("MaskPIN(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// TestRenderConcurrently: the server renders many LOAs at once; the shared font
// bytes and glyph table must not be written to (run with -race).
func TestRenderConcurrently(t *testing.T) {
	req := loadRequest(t, "request-intl.json")
	want, err := Render(req, Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := Render(req, Options{Date: testDate})
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
