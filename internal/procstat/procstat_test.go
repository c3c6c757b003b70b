package procstat

import (
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBytes(t *testing.T) {
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1 // touched, so resident
	}
	for _, pid := range []int{Self, os.Getpid()} {
		rss, err := Bytes(pid, "VmRSS")
		if err != nil {
			t.Fatal(err)
		}
		hwm, err := Bytes(pid, "VmHWM")
		if err != nil {
			t.Fatal(err)
		}
		if rss < 64<<20 || hwm < rss {
			t.Errorf("pid %d: VmRSS %d, VmHWM %d; want VmRSS over the 64 MB touched and VmHWM at least VmRSS", pid, rss, hwm)
		}
	}
	if ballast[len(ballast)-1] != 1 {
		t.Fatal("ballast lost")
	}
	if _, err := Bytes(Self, "VmNoSuchField"); err == nil || !strings.Contains(err.Error(), "has no VmNoSuchField") {
		t.Errorf("missing field: err = %v", err)
	}
	if _, err := Bytes(1<<30, "VmRSS"); err == nil {
		t.Error("a process that does not exist: no error")
	}
}

func TestResetPeak(t *testing.T) {
	func() {
		b := make([]byte, 128<<20)
		for i := range b {
			b[i] = 1
		}
	}()
	debug.FreeOSMemory() // the 128 MB go back: the peak stays, the current RSS falls
	before, err := Bytes(Self, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	if err := ResetPeak(Self); err != nil {
		t.Skipf("this kernel does not allow resetting VmHWM: %v", err)
	}
	after, err := Bytes(Self, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	if after > before-64<<20 {
		t.Errorf("VmHWM %d MB before the reset, %d MB after: want it down by the 128 MB freed", before>>20, after>>20)
	}
}
