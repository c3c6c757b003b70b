package extract

import (
	"context"
	"io"
	"os"
	"os/exec"
	"testing"
)

// BenchmarkExtract reads every fixture bill; beside each, the same file through
// `pdftotext -layout FILE -` (a whole process per iteration, as a service would run
// it) is the yardstick. Run: go test ./extract -run '^$' -bench Extract -benchmem
func BenchmarkExtract(b *testing.B) {
	bills := fixtureBills(b)
	if len(bills) == 0 {
		b.Skip("no fixture bills")
	}
	pdftotext, lookErr := exec.LookPath("pdftotext")
	ex := New(Options{})
	for _, bill := range bills {
		file := bill.PDF
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bill.Name+"/portdocs", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := ex.Extract(context.Background(), data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bill.Name+"/pdftotext", func(b *testing.B) {
			if lookErr != nil {
				b.Skip("pdftotext is not installed")
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(pdftotext, "-layout", file, "-")
				cmd.Stdout = io.Discard
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
