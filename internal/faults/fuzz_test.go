package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/internal/hostile"
	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/server"
	"github.com/portdocs/portdocs/storage"
)

// fuzzSeeds are the small hostile files of every kind (the large bombs are left to
// TestHostileFiles: the fuzzer mutates seeds, and megabyte seeds slow every run).
func fuzzSeeds(target string) [][]byte {
	var out [][]byte
	for _, f := range hostile.Generate(1, 2*len(hostile.Kinds())) {
		if f.Target == target && len(f.Data) <= 64<<10 {
			out = append(out, f.Data)
		}
	}
	return out
}

// fuzzHangLimit is how long one in-process request may take: twice the request
// deadline the server is configured with below.
const fuzzHangLimit = 20 * time.Second

// Routes FuzzServerUploads sends its input to.
var fuzzRoutes = []struct {
	path, contentType string
	multipart         bool
}{
	{"/v1/extract", "", true},
	{"/v1/numbers", "text/csv", false},
	{"/v1/numbers", "text/plain", false},
	{"/v1/numbers", "", true},
	{"/v1/ports", "application/json", false},
}

// FuzzServerUploads drives the real handler stack in-process (real extract, check,
// loa and local storage) with arbitrary bytes as a bill upload, a number list (CSV,
// text, multipart) and a port request: every answer is below 500 (or a deliberate 503:
// a timeout, or a scan with no OCR engine configured here), and every error is a JSON
// error document.
func FuzzServerUploads(f *testing.F) {
	store, err := storage.NewLocal(f.TempDir(), storage.LocalOptions{})
	if err != nil {
		f.Fatal(err)
	}
	sealer, err := loa.DevSealer(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	box, err := server.NewSecretBox(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		f.Fatal(err)
	}
	db, err := portdb.Open(context.Background(), "", f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	srv, err := server.New(server.Config{
		Store: store, DB: db, Sealer: sealer, Secrets: box,
		Extractor: extract.New(extract.Options{MaxPages: 20, Timeout: 5 * time.Second}),
		Check: func(_ context.Context, r port.Request, x *extract.Extraction, _ []byte, _ []extract.BillSummary, now time.Time) (json.RawMessage, error) {
			return json.Marshal(check.Run(r, x, now))
		},
		APIKeys:        []server.APIKey{{Role: server.RoleWizard, Key: wizardKey}},
		RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds(hostile.TargetExtract) {
		f.Add(s, uint8(0))
	}
	for _, s := range fuzzSeeds(hostile.TargetNumbers) {
		f.Add(s, uint8(1))
		f.Add(s, uint8(3))
	}
	f.Add([]byte(portRequest), uint8(4))
	f.Add([]byte(`{"numbers":[`+strings.Repeat(`{"number":"4105550142"},`, 50)+`{}]}`), uint8(4))
	f.Add([]byte(strings.Repeat("[", 10000)), uint8(4))
	f.Add([]byte("410-555-0142\n(410) 555-0143\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, route uint8) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		ct, body := rt.contentType, data
		if rt.multipart {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", "upload.csv")
			fw.Write(data)
			mw.Close()
			ct, body = mw.FormDataContentType(), buf.Bytes()
		}
		req := httptest.NewRequest(http.MethodPost, rt.path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+wizardKey)
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		// A hang is a failure too: the fuzzer itself only stops at -fuzztime.
		done := make(chan struct{})
		go func() { srv.Handler().ServeHTTP(rec, req); close(done) }()
		select {
		case <-done:
		case <-time.After(fuzzHangLimit):
			t.Fatalf("%s: no answer after %v for %d bytes starting %.40q", rt.path, fuzzHangLimit, len(data), data)
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		if rec.Code >= 400 && (json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code == "" || e.Error.Message == "") {
			t.Fatalf("%s: %d without a JSON error: %.300s", rt.path, rec.Code, rec.Body)
		}
		if rec.Code >= 500 && !(rec.Code == http.StatusServiceUnavailable && (e.Error.Code == "timeout" || e.Error.Code == "ocr_unavailable")) {
			t.Fatalf("%s: %d %s: %.300s", rt.path, rec.Code, e.Error.Code, rec.Body)
		}
	})
}

// FuzzExtractImage feeds PNG, JPEG and TIFF bytes through the OCR path (decode guard,
// pixel caps, orientation, Tesseract): a typed one-line error or an extraction, never
// a panic. The page pixel cap is lowered so valid mutations OCR quickly.
func FuzzExtractImage(f *testing.F) {
	testenv.LookTool(f, "tesseract")
	ocr, err := extract.NewOCR(extract.OCROptions{Workers: 1, QueueLen: 4, MaxPagePixels: 4_000_000, MaxTotalPixels: 16_000_000, MaxPages: 5})
	if err != nil {
		f.Fatalf("OCR: %v", err)
	}
	f.Cleanup(func() { ocr.Close() })
	ex := extract.New(extract.Options{OCR: ocr, MaxPages: 5, Timeout: 5 * time.Second})
	for _, s := range fuzzSeeds(hostile.TargetExtract) {
		if !bytes.HasPrefix(s, []byte("%PDF")) {
			f.Add(s)
		}
	}
	typed := []error{extract.ErrUnsupportedType, extract.ErrCorrupt, extract.ErrEmpty, extract.ErrTooLarge,
		extract.ErrTooManyPages, extract.ErrOCRBusy, extract.ErrOCRUnavailable, extract.ErrEncrypted}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		x, err := ex.Extract(ctx, data)
		if err != nil {
			known := errors.Is(err, context.DeadlineExceeded)
			for _, s := range typed {
				known = known || errors.Is(err, s)
			}
			if !known || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("untyped or multi-line error: %q", err)
			}
			return
		}
		if x.Pages < 1 || x.Method == "" {
			t.Fatalf("extraction without pages or method: %+v", x)
		}
	})
}
