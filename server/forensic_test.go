package server

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/forensic"
	"github.com/portdocs/portdocs/port"
)

// An altered bill uploaded as proof of ownership goes to a reviewer with the
// document's signals in the stored Check, and the reviewer's page shows the evidence.
func TestAlteredBillGoesToReview(t *testing.T) {
	exr := extract.New(extract.Options{})
	e := newTestEnv(t, func(c *Config) {
		c.Extractor = exr
		c.Check = func(ctx context.Context, req port.Request, ex *extract.Extraction, bill []byte, _ []extract.BillSummary, now time.Time) (json.RawMessage, error) {
			return json.Marshal(check.Bill(ctx, req, ex, bill, now, forensic.Options{Extractor: exr}))
		}
	})
	data, err := os.ReadFile(filepath.Join("..", "fixtures", "altered", "qpdf-name-wkhtmltopdf", "bill.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	id := e.signedPort()
	rec := e.uploadBill(id, data)
	if rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d %s", rec.Code, rec.Body)
	}
	var got struct {
		Status string `json:"status"`
		Check  struct {
			Flags []struct {
				Code, Field string
			} `json:"flags"`
			Document struct {
				Signals []struct{ Kind string } `json:"signals"`
			} `json:"document"`
		} `json:"check"`
	}
	mustJSON(t, rec.Body.Bytes(), &got)
	found := false
	for _, f := range got.Check.Flags {
		found = found || f.Code == check.CodeAlteredDocument && f.Field == check.FieldDocument
	}
	if !found || len(got.Check.Document.Signals) == 0 || got.Status != string(StatusInReview) {
		t.Fatalf("status %s, check %+v; want in_review with ALTERED_DOCUMENT_SUSPECTED and signals\n%s", got.Status, got.Check, rec.Body)
	}
	rc := newReviewClient(e)
	rc.signIn(reviewerKey, nil)
	page := rc.do(http.MethodGet, "/review/ports/"+id, nil, nil)
	body := page.Body.String()
	for _, want := range []string{`id="document-signals"`, `data-kind="overlapping_text"`, "OCR is not available", `id="numbers-not-requested"`, `id="rejection-risk"`, "PROOF_OF_OWNERSHIP_INVALID"} {
		if !strings.Contains(body, want) {
			t.Errorf("port page lacks %q", want)
		}
	}
}
