package loa

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/port"
)

// testDate is the fixed LOA date of every test rendering.
var testDate = time.Date(2026, 11, 30, 15, 4, 5, 0, time.UTC)

func loadRequest(t testing.TB, name string) port.Request {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var r port.Request
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// numbersRequest is a request with n fiction numbers (NXX-555-01xx across many NXX).
func numbersRequest(n int) port.Request {
	r := port.Request{
		CarrierName: "Verizon",
		Customer:    port.Customer{FirstName: "Jane", LastName: "Doe", BusinessName: "Acme Plumbing LLC", AccountNumber: "555000111"},
		Signer:      port.Signer{FullName: "Jane Doe", Email: "jane@example.com"},
		Agreements:  port.Agreements{AuthorizePort: true, Terms: true},
	}
	for i := 0; i < n; i++ {
		r.Numbers = append(r.Numbers, port.Number{
			Number:          fictionNumber(i, 0),
			ReceivingNumber: fictionNumber(i, 50),
		})
	}
	return r
}

// fictionNumber is the i-th distinct fiction number NPA-555-01xx: fifty per area
// code, lines 0100..0149 (+offset 50 gives 0150..0199 for receiving numbers).
func fictionNumber(i, offset int) string {
	return fmt.Sprintf("+1%03d555%04d", 201+i/50, 100+offset+i%50)
}

// pdfText extracts the text of every page with pdftotext (poppler).
func pdfText(t testing.TB, b []byte) []string {
	t.Helper()
	tool := testenv.LookTool(t, "pdftotext")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// goText extracts page texts with ledongthuc/pdf, a second, independent reader.
func goText(t testing.TB, b []byte) []string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("ledongthuc/pdf: %v", err)
	}
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		var sb strings.Builder
		for _, row := range mustRows(t, p) {
			for _, w := range row.Content {
				sb.WriteString(w.S)
			}
			sb.WriteByte('\n')
		}
		pages = append(pages, sb.String())
	}
	return pages
}

func mustRows(t testing.TB, p pdf.Page) pdf.Rows {
	rows, err := p.GetTextByRow()
	if err != nil {
		t.Fatalf("ledongthuc/pdf rows: %v", err)
	}
	return rows
}
