package extract

import (
	"github.com/portdocs/portdocs/extract/ocr"
	"sync"
	"testing"

	"github.com/portdocs/portdocs/internal/testenv"
)

// One engine for this package's end-to-end tests and benchmarks (package ocr has its
// own for its tests): each client costs ~200 ms and ~40 MB.
var (
	engineOnce sync.Once
	engine     *ocr.Engine
	engineErr  error
)

func testEngine(t testing.TB) *ocr.Engine {
	t.Helper()
	testenv.LookTool(t, "tesseract")
	engineOnce.Do(func() {
		engine, engineErr = ocr.New(ocr.Options{Workers: 2, QueueLen: 16})
	})
	if engineErr != nil {
		t.Fatalf("NewOCR: %v", engineErr)
	}
	return engine
}

// lookPoppler skips (or, in CI, fails) a test without the PDF rasterizer.
func lookPoppler(t testing.TB) {
	t.Helper()
	testenv.LookTool(t, "pdftoppm")
	testenv.LookTool(t, "pdfinfo")
}
