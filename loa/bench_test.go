package loa

import (
	"syscall"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/procstat"
)

// Targets (issue 5): a 1-page LOA in <= 50 ms, a 10,000-number LOA in <= 3 s and
// <= 150 MB peak RSS. Benchmarks measure; they never assert a time.

func BenchmarkRenderOnePage(b *testing.B) {
	req := loadRequest(b, "request.json")
	opts := Options{Date: testDate, CompanyName: "Acme Calls Ltd"}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Render(req, opts); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkRenderTenThousandNumbers(b *testing.B) {
	req := numbersRequest(10000)
	opts := Options{Date: testDate}
	b.ReportAllocs()
	var size int
	cpu := cpuTime()
	for b.Loop() {
		out, err := Render(req, opts)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(size)/1e6, "MB/pdf")
	if hwm, err := procstat.Bytes(procstat.Self, "VmHWM"); err == nil {
		b.ReportMetric(float64(hwm)/(1<<20), "MB-peak-RSS")
	}
}

func BenchmarkSeal(b *testing.B) {
	req := loadRequest(b, "request.json")
	pdf, err := Render(req, Options{Date: testDate})
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := DevSealer(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := sealer.Seal(pdf, SealInfo{Reason: "bench", Date: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

func BenchmarkSealTenThousandNumbers(b *testing.B) {
	pdf, err := Render(numbersRequest(10000), Options{Date: testDate})
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := DevSealer(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := sealer.Seal(pdf, SealInfo{Reason: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	pdf, err := Render(loadRequest(b, "request.json"), Options{Date: testDate})
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := DevSealer(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	sealed, err := sealer.Seal(pdf, SealInfo{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if v, err := Verify(sealed, sealer.Trust()); err != nil || !v.Valid {
			b.Fatal(v, err)
		}
	}
}

// cpuTime is the process's user+system CPU time. On a shared machine wall time
// swings with other load; CPU time per op is the steadier number to compare with
// the targets.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
