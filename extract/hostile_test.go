package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/internal/pdfbuild"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Hostile input: every one gives one typed error (or a clean extraction) in bounded
// time, never a panic or a hang.
func TestHostileInput(t *testing.T) {
	good := pdfbuild.TextPDF(0, []string{"Account Number: 123 456 7890", "Bill Date: Oct 3, 2026"})

	cyclicKids := func() []byte {
		var b pdfbuild.Builder
		b.Add("<< /Type /Catalog /Pages 2 0 R >>")
		b.Add("<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>")
		b.Add("<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>")
		return b.Bytes("", false)
	}
	zeroPages := func() []byte {
		var b pdfbuild.Builder
		b.Add("<< /Type /Catalog /Pages 2 0 R >>")
		b.Add("<< /Type /Pages /Kids [] /Count 0 >>")
		return b.Bytes("", false)
	}
	manyPages := func(n int, count int) []byte {
		var b pdfbuild.Builder
		b.Add("<< /Type /Catalog /Pages 2 0 R >>")
		b.Add("")
		var kids []string
		for i := 0; i < n; i++ {
			kids = append(kids, fmt.Sprintf("%d 0 R", b.Add("<< /Type /Page /Parent 2 0 R >>")))
		}
		b.Set(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), count))
		return b.Bytes("", false)
	}
	cyclicPrev := func() []byte {
		b := pdfbuild.Builder{Objs: []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}}
		return b.Bytes("", true)
	}
	hugeXref := func() []byte {
		b := pdfbuild.Builder{Objs: []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}}
		out := b.Bytes("", false)
		// Renumber the table's only subsection to start at object 1,900,000,000.
		return bytes.Replace(out, []byte("xref\n0 3\n"), []byte("xref\n1900000000 3\n"), 1)
	}
	deepArray := strings.Repeat("[", 200000) + strings.Repeat("]", 200000)
	zeros := bytes.Repeat([]byte("0 "), 6<<20) // 12 MB decoded: over the 8 MB cap

	for _, tc := range []struct {
		name string
		data []byte
		want error // nil: must extract without error
	}{
		{"empty", nil, doc.ErrEmpty},
		{"garbage", []byte("this is not a bill at all, just text in a .pdf file"), doc.ErrUnsupportedType},
		{"header then garbage", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xde, 0xad}, 5000)...), doc.ErrCorrupt},
		{"truncated", good[:len(good)/2], doc.ErrCorrupt},
		{"truncated before the xref", good[:len(good)-60], doc.ErrCorrupt},
		{"zero pages", zeroPages(), doc.ErrEmpty},
		{"cyclic page tree", cyclicKids(), doc.ErrCorrupt},
		{"cyclic /Prev", cyclicPrev(), doc.ErrCorrupt},
		{"huge object numbers", hugeXref(), doc.ErrCorrupt},
		{"object stream inside itself", pdfbuild.XrefStreamPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>", "null"},
			map[int]int{2: 0, 3: 0}, 3), doc.ErrCorrupt},
		{"object stream claiming a trillion objects", pdfbuild.XrefStreamPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "", pdfbuild.StreamObj("/Type /ObjStm /N 999999999999 /First 4", []byte("2 0 << /Type /Pages /Kids [] /Count 0 >>"))},
			map[int]int{2: 0}, 3), doc.ErrCorrupt},
		{"objects in an object stream", pdfbuild.XrefStreamPDF([]string{"<< /Type /Catalog /Pages 2 0 R >>", "", pdfbuild.StreamObj("/Type /ObjStm /N 1 /First 4", []byte("2 0 << /Type /Pages /Kids [] /Count 0 >>"))},
			map[int]int{2: 0}, 3), doc.ErrEmpty},
		{"5,000 pages by count", manyPages(3, 5000), doc.ErrTooManyPages},
		{"more pages than the count says", manyPages(260, 1), doc.ErrTooManyPages},
		{"deeply nested object", onePage("/Foo " + deepArray), doc.ErrCorrupt},
		{"deeply nested content", onePage("/Contents 4 0 R", pdfbuild.StreamObj("", []byte(deepArray+" BT /F1 10 Tf (x) Tj ET"))), nil},
		{"unterminated hex string in content", onePage("/Contents 4 0 R", pdfbuild.StreamObj("", []byte("BT /F1 10 Tf <414243"))), nil},
		{"compression bomb", onePage("/Contents 4 0 R", pdfbuild.FlateObj("", zeros)), nil},
		{"self-calling form", onePage("/Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >>",
			pdfbuild.StreamObj("", []byte("/X Do /X Do")),
			pdfbuild.StreamObj("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >>", []byte("/X Do /X Do"))), nil},
		{"self-referencing object", onePage("/Contents 4 0 R", "4 0 R"), nil},
		{"unknown filter", onePage("/Contents 4 0 R", pdfbuild.StreamObj("/Filter /JBIG2Decode", []byte("xx"))), nil},
		{"PDF 2.0 header", append([]byte("%PDF-2.0"), good[8:]...), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			x, err := New(Options{}).Extract(ctx, tc.data)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			if tc.want == nil {
				if err != nil && !errors.Is(err, doc.ErrCorrupt) && !errors.Is(err, doc.ErrEmpty) {
					t.Fatalf("err = %v, want an extraction or a clean ErrCorrupt/ErrEmpty", err)
				}
				if err == nil && x == nil {
					t.Fatal("no extraction and no error")
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has more than one line: %q", err)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	data := make([]byte, 100<<20)
	copy(data, "%PDF-1.4\n")
	_, err := New(Options{}).Extract(context.Background(), data)
	if !errors.Is(err, doc.ErrTooLarge) {
		t.Fatalf("100 MB: err = %v, want ErrTooLarge", err)
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(Options{}).Extract(ctx, pdfbuild.TextPDF(0, []string{"Account Number: 123 456 7890"}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestImageWithoutOCR(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	_, err := New(Options{}).Extract(context.Background(), png)
	if !errors.Is(err, doc.ErrOCRUnavailable) {
		t.Fatalf("err = %v, want ErrOCRUnavailable", err)
	}
}

// TestEncrypted encrypts a bill with qpdf: a user password means password-protected;
// an owner password alone (the file opens without one) is read normally.
func TestEncrypted(t *testing.T) {
	qpdf, err := exec.LookPath("qpdf")
	if err != nil {
		t.Skip("qpdf is not installed; the hand-built /Encrypt case below still runs")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdfbuild.TextPDF(0, []string{"Account Number: 123 456 7890"}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want error
	}{
		{"AES-256 with a user password", []string{"--encrypt", "user", "owner", "256", "--"}, doc.ErrEncrypted},
		{"RC4-128 with a user password", []string{"--allow-weak-crypto", "--encrypt", "user", "owner", "128", "--use-aes=n", "--"}, doc.ErrEncrypted},
		{"AES-256 owner password only", []string{"--encrypt", "", "owner", "256", "--"}, doc.ErrEncrypted},
		{"RC4-128 owner password only", []string{"--allow-weak-crypto", "--encrypt", "", "owner", "128", "--use-aes=n", "--"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".pdf")
			args := append(append([]string{}, tc.args...), in, out)
			if b, err := exec.Command(qpdf, args...).CombinedOutput(); err != nil {
				t.Fatalf("qpdf: %v: %s", err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			x, err := New(Options{}).Extract(context.Background(), data)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if x.Fields.AccountNumber == nil || x.Fields.AccountNumber.Value != "123 456 7890" {
				t.Errorf("account = %+v, want 123 456 7890", x.Fields.AccountNumber)
			}
		})
	}
}

func TestHandBuiltEncryptDict(t *testing.T) {
	var b pdfbuild.Builder
	b.Add("<< /Type /Catalog /Pages 2 0 R >>")
	b.Add("<< /Type /Pages /Kids [] /Count 0 >>")
	b.Add("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" + strings.Repeat("ab", 32) + "> /U <" + strings.Repeat("cd", 32) + "> >>")
	data := b.Bytes("/Encrypt 3 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]", false)
	_, err := New(Options{}).Extract(context.Background(), data)
	if !errors.Is(err, doc.ErrEncrypted) {
		t.Fatalf("err = %v, want ErrEncrypted", err)
	}
}

// onePage is a one-page letter PDF: pageExtra goes into the page dictionary, extra are
// objects 4, 5, ...
func onePage(pageExtra string, extra ...string) []byte {
	var b pdfbuild.Builder
	b.Add("<< /Type /Catalog /Pages 2 0 R >>")
	b.Add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.Add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " + pageExtra + " >>")
	for _, e := range extra {
		b.Add(e)
	}
	return b.Bytes("", false)
}

// TestContentBombNotRendered: a page whose drawing instructions decode past the cap is a
// decompression bomb; it is reported, and not handed to OCR (rendering it would feed the
// bomb to poppler: 4.5 s for a 500 KB file).
func TestContentBombNotRendered(t *testing.T) {
	o := testEngine(t)
	lookPoppler(t)
	zeros := bytes.Repeat([]byte("0 "), 6<<20) // 12 MB decoded: over the 8 MB cap
	x, err := New(Options{OCR: o}).Extract(context.Background(), onePage("/Contents 4 0 R", pdfbuild.FlateObj("", zeros)))
	if err != nil {
		t.Fatal(err)
	}
	if x.Method != MethodText {
		t.Errorf("method %q: the page went to OCR", x.Method)
	}
	if len(x.Warnings) != 1 || !strings.Contains(x.Warnings[0], "page 1 was not read") {
		t.Errorf("warnings %q, want one saying page 1 was not read", x.Warnings)
	}
}
