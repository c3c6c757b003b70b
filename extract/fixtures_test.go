package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/fields"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/internal/fixtures"
)

var updateGolden = flag.Bool("update", false, "rewrite fixtures/bills/*/golden.json from the current extraction")

const billsDir = "../fixtures/bills"

// accountsDir holds the bills of several accounts (fixtures/accountsgen).
const accountsDir = "../fixtures/accounts"

// fixtureBills reads the fixture folders (each a bill and its truth) of both sets; a
// broken fixture fails the test.
func fixtureBills(t testing.TB) []fixtures.Bill {
	t.Helper()
	var all []fixtures.Bill
	for _, dir := range []string{billsDir, accountsDir} {
		bills, err := fixtures.Bills(dir)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, bills...)
	}
	return all
}

// TestFixtures extracts every fixture bill and compares every field, the set of the
// customer's numbers and the evidence with the truth, then the whole extraction with
// its golden file.
func TestFixtures(t *testing.T) {
	bills := fixtureBills(t)
	if len(bills) == 0 {
		t.Skip("no fixture bills yet")
	}
	for _, b := range bills {
		t.Run(b.Name, func(t *testing.T) {
			data, err := os.ReadFile(b.PDF)
			if err != nil {
				t.Fatal(err)
			}
			x, err := New(Options{}).Extract(context.Background(), data)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			compareExpected(t, x, b.Expected)
			compareGolden(t, b.Golden(), x)
		})
	}
}

func checkFieldEvidence(t *testing.T, name string, x *Extraction, page int, box doc.BBox, conf float64, src doc.Source) {
	t.Helper()
	if page < 1 || page > x.Pages {
		t.Errorf("%s: page %d outside 1..%d", name, page, x.Pages)
	}
	if box[0] < -1 || box[1] < -1 || box[0] >= box[2] || box[1] >= box[3] || box[2] > 2000 || box[3] > 2000 {
		t.Errorf("%s: bbox %v is not a box on the page", name, box)
	}
	if conf <= 0 || conf > 1 {
		t.Errorf("%s: confidence %v outside (0, 1]", name, conf)
	}
	if src != doc.SourceText && src != doc.SourceOCR {
		t.Errorf("%s: source %q", name, src)
	}
}

// compareGolden compares the extraction with its golden file, or rewrites it with
// -update.
func compareGolden(t *testing.T, path string, x *Extraction) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // as the CLI prints it: "AT&T"
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("no golden file %s; run go test ./extract -run Fixtures -update", path)
		return
	}
	if !bytes.Equal(got, want) {
		g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		line := func(ls []string) string {
			if i < len(ls) {
				return strings.TrimSpace(ls[i])
			}
			return "(end)"
		}
		t.Errorf("extraction differs from %s at line %d: got %s, want %s; if the change is right, run go test ./extract -run Fixtures -update",
			path, i+1, line(g), line(w))
	}
}

// compareField checks one field against its truth (nil: the bill does not print it)
// and, when found, its evidence.
func compareField[T comparable](t *testing.T, x *Extraction, name string, got *fields.Field[T], want *T) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %#v, want absent", name, got.Value)
	case want != nil && got == nil:
		t.Errorf("%s absent, want %#v", name, *want)
	case want != nil && got.Value != *want:
		t.Errorf("%s = %#v, want %#v", name, got.Value, *want)
	}
	if got != nil {
		checkFieldEvidence(t, name, x, got.Page, got.BBox, got.Confidence, got.Source)
	}
}

// compareExpected checks every field, the customer's numbers and the evidence of an
// extraction against a fixture's truth.
func compareExpected(t *testing.T, x *Extraction, want fixtures.Expected) {
	t.Helper()
	if want.Pages != 0 && x.Pages != want.Pages {
		t.Errorf("pages = %d, want %d", x.Pages, want.Pages)
	}
	f := x.Fields
	compareField(t, x, "carrier_name", f.CarrierName, want.Fields.CarrierName)
	compareField(t, x, "account_number", f.AccountNumber, want.Fields.AccountNumber)
	compareField(t, x, "account_pin", f.AccountPIN, want.Fields.AccountPIN)
	compareField(t, x, "billing_name", f.BillingName, want.Fields.BillingName)
	compareField(t, x, "business_name", f.BusinessName, want.Fields.BusinessName)
	compareField(t, x, "bill_date", f.BillDate, want.Fields.BillDate)
	compareField(t, x, "billing_address", f.BillingAddress, want.Fields.BillingAddress)
	compareField(t, x, "service_address", f.ServiceAddress, want.Fields.ServiceAddress)
	var got []string
	for _, p := range x.PhoneNumbers {
		got = append(got, p.Number)
		checkFieldEvidence(t, "phone "+p.Number, x, p.Page, p.BBox, p.Confidence, p.Source)
	}
	wantNums := append([]string(nil), want.PhoneNumbers...)
	sort.Strings(got)
	sort.Strings(wantNums)
	if !reflect.DeepEqual(got, wantNums) && !(len(got) == 0 && len(wantNums) == 0) {
		t.Errorf("phone numbers = %v, want %v", got, wantNums)
	}
	var accounts []fixtures.ExpectedAccount
	for _, a := range x.Accounts {
		accounts = append(accounts, fixtures.ExpectedAccount{AccountNumber: a.AccountNumber, Numbers: a.Numbers})
	}
	if !reflect.DeepEqual(accounts, want.Accounts) {
		t.Errorf("accounts = %v, want %v", accounts, want.Accounts)
	}
	for _, n := range want.NotCustomerNumbers {
		for _, g := range got {
			if g == n {
				t.Errorf("carrier number %s reported as the customer's", n)
			}
		}
	}
}

// TestFixturesAsOCRWords runs every fixture's words through the finders again the way
// OCR would give them (no font size, baselines wandering by up to a point, confidence
// 0.9, source ocr): the finders must not depend on the text layer's precision.
func TestFixturesAsOCRWords(t *testing.T) {
	for _, b := range fixtureBills(t) {
		t.Run(b.Name, func(t *testing.T) {
			data, err := os.ReadFile(b.PDF)
			if err != nil {
				t.Fatal(err)
			}
			pages, _, _, err := New(Options{}).readPages(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			asOCRWords(pages)
			fields, phones, accounts, _, err := safeFindFields(pages)
			if err != nil {
				t.Fatal(err)
			}
			x := &Extraction{Pages: len(pages), Method: MethodOCR, Fields: fields, PhoneNumbers: phones, Accounts: accounts}
			want := b.Expected
			want.Pages = 0 // the words alone say nothing of the page count
			compareExpected(t, x, want)
		})
	}
}

// TestFixturesWithStrayBytes: bytes before the header or after the end-of-file marker
// (mail gateways, download managers, scanners) change nothing in what is read.
func TestFixturesWithStrayBytes(t *testing.T) {
	ex := New(Options{})
	prefix := []byte("\xef\xbb\xbfContent-Type: application/pdf\r\n\r\n")
	suffix := []byte("\r\n--=_boundary_7f3a--\r\nsent by a mail gateway\x00\x00")
	for _, b := range fixtureBills(t) {
		t.Run(b.Name, func(t *testing.T) {
			data, err := os.ReadFile(b.PDF)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ex.Extract(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			wantJSON, _ := json.Marshal(want)
			for name, variant := range map[string][]byte{
				"prefix": slices.Concat(prefix, data),
				"suffix": slices.Concat(data, suffix),
				"both":   slices.Concat(prefix, data, suffix),
			} {
				got, err := ex.Extract(context.Background(), variant)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if gotJSON, _ := json.Marshal(got); !bytes.Equal(gotJSON, wantJSON) {
					t.Errorf("%s: the extraction differs from the clean file's", name)
				}
			}
		})
	}
}

// asOCRWords turns text-layer pages into words as OCR gives them: no font size,
// confidence below 1, baselines a little uneven.
func asOCRWords(pages []doc.Page) {
	for pi := range pages {
		pages[pi].Source = doc.SourceOCR
		for wi := range pages[pi].Words {
			w := &pages[pi].Words[wi]
			dy := float64((wi*7)%5-2) * 0.5
			w.BBox[1] += dy
			w.BBox[3] += dy
			w.FontSize, w.Confidence = 0, 0.9
		}
	}
}
