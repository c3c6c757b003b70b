// Package procstat reads a process's memory figures from Linux's /proc: the peak and
// current resident set that the benchmarks, the load tool and the fault suite report.
package procstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Self stands for the calling process.
const Self = 0

func path(pid int, file string) string {
	if pid == Self {
		return "/proc/self/" + file
	}
	return fmt.Sprintf("/proc/%d/%s", pid, file)
}

// Bytes returns a "Vm...:  N kB" field of /proc/PID/status in bytes: "VmHWM" is the peak
// resident set, "VmRSS" the current one.
func Bytes(pid int, field string) (int64, error) {
	p := path(pid, "status")
	data, err := os.ReadFile(p)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: %s: %w", p, field, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("%s has no %s", p, field)
}

// ResetPeak clears the process's high-water mark, so VmHWM measures from now (writing 5
// to /proc/PID/clear_refs: Linux 4.0 and later, for one's own processes).
func ResetPeak(pid int) error {
	return os.WriteFile(path(pid, "clear_refs"), []byte("5"), 0)
}
