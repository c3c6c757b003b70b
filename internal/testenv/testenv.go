// Package testenv lets tests find the external tools and servers they need. Locally a
// missing tool skips the test; under CI (CI=true) or PORTDOCS_REQUIRE_ALL=1 it fails,
// so CI never passes by skipping.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Required reports whether missing tools must fail tests instead of skipping them.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("PORTDOCS_REQUIRE_ALL") == "1"
}

// LookTool finds an executable on PATH or in $GOPATH/bin (where `go install` puts
// minio and mailpit). It skips the test, or fails it under CI, when it is not there.
func LookTool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range goBinDirs() {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if Required() {
		t.Fatalf("%s is not installed; run scripts/test.sh, which installs it", name)
	}
	t.Skipf("%s is not installed; skipping (scripts/test.sh installs it)", name)
	return ""
}

func goBinDirs() []string {
	var dirs []string
	if gb := os.Getenv("GOBIN"); gb != "" {
		dirs = append(dirs, gb)
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(filepath.SplitList(gp)[0], "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	return dirs
}

// WaitFor polls cond every millisecond until it holds, and fails the test if it does
// not within 10 s: for waiting on a state another goroutine or process reaches, instead
// of sleeping for a guessed time that a loaded CI machine can overrun.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
