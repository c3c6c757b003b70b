package extract

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/fields"
	"github.com/portdocs/portdocs/extract/ocr"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/port"
)

// ocrFixture is fixtures/ocr/<name>/expected.json (the bills' format plus the kind).
type ocrFixture struct {
	name         string
	file         string
	Kind         string                     `json:"kind"`
	Source       string                     `json:"source"`
	Pages        int                        `json:"pages"`
	Fields       map[string]json.RawMessage `json:"fields"`
	PhoneNumbers []string                   `json:"phone_numbers"`
	NotCustomer  []string                   `json:"not_customer_numbers"`
}

func loadOCRFixtures(t *testing.T) []ocrFixture {
	t.Helper()
	dirs, _ := filepath.Glob("../fixtures/ocr/*/expected.json")
	if len(dirs) < 12 {
		t.Fatalf("%d OCR fixtures, want at least 12 (go run ./fixtures/ocrgen)", len(dirs))
	}
	var out []ocrFixture
	for _, exp := range dirs {
		b, err := os.ReadFile(exp)
		if err != nil {
			t.Fatal(err)
		}
		var f ocrFixture
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", exp, err)
		}
		f.name = filepath.Base(filepath.Dir(exp))
		files, _ := filepath.Glob(filepath.Join(filepath.Dir(exp), "bill.*"))
		if len(files) != 1 {
			t.Fatalf("%s: want exactly one bill.* file, have %v", f.name, files)
		}
		f.file = files[0]
		out = append(out, f)
	}
	return out
}

// fieldScore compares one extraction with the truth: every field the truth shows and
// every customer number is one point; a field or number reported that the truth does
// not show (or a carrier number) costs one.
type fieldScore struct {
	right, total int
	wrong        []string // field names only: values may be account numbers
	// byField counts right and total per field name ("phone_numbers": each number of
	// the truth and each extra one).
	byField map[string]*[2]int
	// phones: the truth's numbers found, missed, and numbers reported that the truth
	// does not list as the customer's (the carrier's, or misread).
	phones phoneCount
}

type phoneCount struct{ found, missed, extra int }

func (c *phoneCount) add(o phoneCount) {
	c.found += o.found
	c.missed += o.missed
	c.extra += o.extra
}

func (c phoneCount) precision() float64 { return ratio(c.found, c.found+c.extra) }
func (c phoneCount) recall() float64    { return ratio(c.found, c.found+c.missed) }
func (c phoneCount) f1() float64 {
	p, r := c.precision(), c.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s *fieldScore) count(field string, right bool) {
	if s.byField == nil {
		s.byField = map[string]*[2]int{}
	}
	c := s.byField[field]
	if c == nil {
		c = &[2]int{}
		s.byField[field] = c
	}
	c[1]++
	s.total++
	if right {
		c[0]++
		s.right++
	}
}

func scoreExtraction(x *Extraction, f ocrFixture) fieldScore {
	var s fieldScore
	got := map[string]any{}
	str := func(name string, fl *fields.Field[string]) {
		if fl != nil {
			got[name] = fl.Value
		}
	}
	addr := func(name string, fl *fields.Field[port.Address]) {
		if fl != nil {
			got[name] = fl.Value
		}
	}
	str("carrier_name", x.Fields.CarrierName)
	str("account_number", x.Fields.AccountNumber)
	str("account_pin", x.Fields.AccountPIN)
	str("billing_name", x.Fields.BillingName)
	str("business_name", x.Fields.BusinessName)
	addr("billing_address", x.Fields.BillingAddress)
	addr("service_address", x.Fields.ServiceAddress)
	str("bill_date", x.Fields.BillDate)
	names := make([]string, 0, len(f.Fields))
	for k := range f.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		raw := f.Fields[k]
		g, present := got[k]
		if string(raw) == "null" {
			if present {
				s.count(k, false)
				s.wrong = append(s.wrong, k+" (not on these pages)")
			}
			continue
		}
		ok := false
		switch v := g.(type) {
		case string:
			var want string
			ok = json.Unmarshal(raw, &want) == nil && v == want
		case port.Address:
			var want port.Address
			ok = json.Unmarshal(raw, &want) == nil && v == want
		}
		s.count(k, ok)
		if !ok {
			s.wrong = append(s.wrong, k)
		}
	}
	var numbers []string
	for _, n := range x.PhoneNumbers {
		numbers = append(numbers, n.Number)
	}
	for _, n := range f.PhoneNumbers {
		found := slices.Contains(numbers, n)
		s.count("phone_numbers", found)
		if found {
			s.phones.found++
		} else {
			s.phones.missed++
		}
		if !found {
			s.wrong = append(s.wrong, "phone "+n[len(n)-4:])
		}
	}
	for _, n := range numbers {
		if !slices.Contains(f.PhoneNumbers, n) {
			s.count("phone_numbers", false)
			s.phones.extra++
			s.wrong = append(s.wrong, "extra phone "+n[max(0, len(n)-4):])
		}
	}
	return s
}

// ocrKindThreshold is issue 3's bar: 95% of fields on scans, 90% on faxes and photos.
// Screenshots are crisp renders, held to the scans' bar. A viewer screenshot draws the
// page at 60 to 110 pixels an inch (a fifth to a third of a scan's), inside window
// chrome: 85% (issue 14, item 5).
var ocrKindThreshold = map[string]float64{"scan": 0.95, "fax": 0.90, "photo": 0.90, "screenshot": 0.95, "viewer": 0.85}

// TestOCRFixtures runs the whole pipeline (New(...).Extract) on every OCR fixture and
// scores the fields per kind. The source bill's text layer is scored the same way, so
// the table shows what OCR loses against what the finders miss anyway.
func TestOCRFixtures(t *testing.T) {
	o := testEngine(t)
	lookPoppler(t)
	fixtures := loadOCRFixtures(t)
	if _, err := exec.LookPath("heif-convert"); err != nil && !testenv.Required() {
		// HEIC photos need libheif-examples; without it (and outside CI) the others run.
		fixtures = slices.DeleteFunc(fixtures, func(f ocrFixture) bool {
			return strings.HasSuffix(f.file, ".heic") || strings.HasSuffix(f.file, ".avif")
		})
		t.Log("heif-convert is not installed: the HEIC and AVIF fixtures are left out")
	}
	if only := os.Getenv("PORTDOCS_OCR_ONLY"); only != "" {
		// A tool for work on a few fixtures: PORTDOCS_OCR_ONLY=REGEXP keeps those whose
		// name matches (the totals and the kinds' thresholds are then theirs only).
		re := regexp.MustCompile(only)
		fixtures = slices.DeleteFunc(fixtures, func(f ocrFixture) bool { return !re.MatchString(f.name) })
		t.Logf("PORTDOCS_OCR_ONLY=%s: %d fixtures", only, len(fixtures))
	}
	ex := New(Options{OCR: o})
	type row struct {
		f            ocrFixture
		ocr, text    fieldScore
		method       string
		elapsed      time.Duration
		err, textErr error
		viewErr      error
		sources      []doc.Source
	}
	rows := make([]row, len(fixtures))
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.Workers()) // whole documents in flight; pages share the pool
	for i, f := range fixtures {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := row{f: f}
			data, err := os.ReadFile(f.file)
			if err != nil {
				r.err = err
				rows[i] = r
				return
			}
			t0 := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			x, err := ex.Extract(ctx, data)
			r.elapsed = time.Since(t0)
			if r.err = err; err == nil {
				r.ocr, r.method = scoreExtraction(x, f), x.Method
				r.viewErr = checkPageViews(data, x)
				for _, fl := range []*fields.Field[string]{x.Fields.CarrierName, x.Fields.AccountNumber, x.Fields.BillingName, x.Fields.BusinessName, x.Fields.BillDate} {
					if fl != nil {
						r.sources = append(r.sources, fl.Source)
					}
				}
			}
			if src, err := os.ReadFile(filepath.Join("../fixtures", f.Source, "bill.pdf")); err == nil {
				if tx, err := New(Options{}).Extract(ctx, src); err == nil {
					r.text = scoreExtraction(tx, f)
				} else {
					r.textErr = err
				}
			}
			rows[i] = r
		}()
	}
	wg.Wait()

	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-34s %-10s %5s %9s %9s %7s  %s\n", "fixture", "kind", "pages", "ocr", "text", "time", "wrong (ocr)")
	perKind := map[string]*[4]int{} // ocr right, ocr total, text right, text total
	for _, r := range rows {
		if r.err != nil {
			t.Errorf("%s: %v", r.f.name, r.err)
			continue
		}
		if r.method != MethodOCR {
			t.Errorf("%s: method %q, want ocr (no text layer)", r.f.name, r.method)
		}
		if r.viewErr != nil {
			t.Errorf("%s: %v", r.f.name, r.viewErr)
		}
		for _, s := range r.sources {
			if s != doc.SourceOCR {
				t.Errorf("%s: a field has source %q, want ocr", r.f.name, s)
				break
			}
		}
		k := perKind[r.f.Kind]
		if k == nil {
			k = &[4]int{}
			perKind[r.f.Kind] = k
		}
		k[0] += r.ocr.right
		k[1] += r.ocr.total
		k[2] += r.text.right
		k[3] += r.text.total
		fmt.Fprintf(&sb, "%-34s %-10s %5d %4d/%-4d %4d/%-4d %6.1fs  %s\n", r.f.name, r.f.Kind, r.f.Pages,
			r.ocr.right, r.ocr.total, r.text.right, r.text.total, r.elapsed.Seconds(), strings.Join(r.ocr.wrong, ", "))
	}
	kinds := make([]string, 0, len(perKind))
	for k := range perKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(&sb, "\n%-10s %14s %14s %9s\n", "kind", "ocr fields", "text layer", "required")
	for _, k := range kinds {
		v := perKind[k]
		ocr := float64(v[0]) / float64(max(1, v[1]))
		fmt.Fprintf(&sb, "%-10s %5d/%-4d %5.1f%% %5d/%-4d %5.1f%% %6.0f%%\n", k, v[0], v[1], 100*ocr,
			v[2], v[3], 100*float64(v[2])/float64(max(1, v[3])), 100*ocrKindThreshold[k])
		if want, ok := ocrKindThreshold[k]; !ok {
			t.Errorf("fixture kind %q has no threshold", k)
		} else if ocr < want {
			t.Errorf("%s: %.1f%% of fields right, want at least %.0f%%", k, 100*ocr, 100*want)
		}
	}
	scores := make([][2]any, 0, len(rows))
	for _, r := range rows {
		scores = append(scores, [2]any{r.f.Kind, r.ocr})
	}
	sb.WriteString(accuracyTable(scores))
	sb.WriteString(phoneTable(rows, func(r row) (string, string, fieldScore, fieldScore) { return r.f.Kind, r.f.Source, r.ocr, r.text }))
	t.Log(sb.String())
}

// accuracyTable is the README's table: per field, the share read right on each kind
// of OCR fixture (phone_numbers: the truth's numbers found, against the truth's plus
// the extra ones reported).
func accuracyTable(rows [][2]any) string { // (kind, ocr score)
	fields := []string{"carrier_name", "account_number", "account_pin", "billing_name", "business_name", "billing_address", "service_address", "bill_date", "phone_numbers"}
	per := map[string]map[string]*[2]int{} // kind → field → right/total
	var kinds []string
	for _, r := range rows {
		kind, s := r[0].(string), r[1].(fieldScore)
		if per[kind] == nil {
			per[kind] = map[string]*[2]int{}
			kinds = append(kinds, kind)
		}
		for f, c := range s.byField {
			if per[kind][f] == nil {
				per[kind][f] = &[2]int{}
			}
			per[kind][f][0] += c[0]
			per[kind][f][1] += c[1]
		}
	}
	sort.Strings(kinds)
	var sb strings.Builder
	sb.WriteString("\n| field | " + strings.Join(kinds, " | ") + " |\n|---|" + strings.Repeat("---:|", len(kinds)) + "\n")
	for _, f := range fields {
		sb.WriteString("| " + f)
		for _, k := range kinds {
			c := per[k][f]
			if c == nil || c[1] == 0 {
				sb.WriteString(" | –")
				continue
			}
			fmt.Fprintf(&sb, " | %.2f (%d/%d)", float64(c[0])/float64(c[1]), c[0], c[1])
		}
		sb.WriteString(" |\n")
	}
	return sb.String()
}

// phoneTable is the README's table of the customer's numbers: precision (numbers
// reported that are the customer's), recall (the customer's numbers reported) and F1
// per kind, and on the text layer of the bills the fixtures were made from (each
// bill once).
func phoneTable[R any](rows []R, get func(R) (kind, source string, ocr, text fieldScore)) string {
	per := map[string]*phoneCount{}
	var text phoneCount
	seen := map[string]bool{}
	var kinds []string
	for _, r := range rows {
		kind, source, ocr, tx := get(r)
		if per[kind] == nil {
			per[kind] = &phoneCount{}
			kinds = append(kinds, kind)
		}
		per[kind].add(ocr.phones)
		if !seen[source] {
			seen[source] = true
			text.add(tx.phones)
		}
	}
	sort.Strings(kinds)
	var sb strings.Builder
	sb.WriteString("\n| phone numbers | precision | recall | F1 | found / missed / extra |\n|---|---:|---:|---:|---:|\n")
	line := func(name string, c phoneCount) {
		fmt.Fprintf(&sb, "| %s | %.3f | %.3f | %.3f | %d / %d / %d |\n", name, c.precision(), c.recall(), c.f1(), c.found, c.missed, c.extra)
	}
	for _, k := range kinds {
		line(k, *per[k])
	}
	line("text layer of the source bills", text)
	return sb.String()
}

// checkPageViews: every page has a view, and for an image bill the view agrees with
// what ImageInfo tells the reviewer's page from the headers alone (the same EXIF
// orientation, and the same size in points once OCR's own turn is undone).
func checkPageViews(data []byte, x *Extraction) error {
	if len(x.PageViews) != x.Pages {
		return fmt.Errorf("%d page views for %d pages", len(x.PageViews), x.Pages)
	}
	if sniff(data) == kindPDF {
		return nil
	}
	info, err := ocr.ImageInfo(context.Background(), data)
	if err != nil {
		return fmt.Errorf("ImageInfo: %v", err)
	}
	for i, v := range x.PageViews {
		// The page from the headers, turned as the view says: a quarter turn swaps the
		// sides, the deskewing turn grows the canvas around the rotated page.
		w, h := info[i].Width, info[i].Height
		if v.Rotate == 90 || v.Rotate == 270 {
			w, h = h, w
		}
		s, c := math.Sincos(v.Skew * math.Pi / 180)
		w, h = w*math.Abs(c)+h*math.Abs(s), w*math.Abs(s)+h*math.Abs(c)
		if max(1, v.EXIF) != info[i].EXIF || math.Abs(w-v.Width) > 2 || math.Abs(h-v.Height) > 2 {
			return fmt.Errorf("page %d read as %+v; from ImageInfo (EXIF %d, %.1f×%.1f pt) it should be %.1f×%.1f",
				i+1, v, info[i].EXIF, info[i].Width, info[i].Height, w, h)
		}
	}
	return nil
}
