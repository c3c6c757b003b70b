package ocr

import (
	"fmt"
	"os"
	"testing"
)

// TestMain restarts the test binary with OMP_THREAD_LIMIT=1 when it is unset: libgomp
// reads it only at process start, and without it Tesseract's OpenMP threads make the
// OCR tests several times slower on a 2-core CI machine (see ocr.go).
func TestMain(m *testing.M) {
	if err := ExecWithThreadLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot restart with OMP_THREAD_LIMIT=1:", err)
	}
	os.Exit(m.Run())
}
