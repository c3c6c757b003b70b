package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/portdocs/portdocs/internal/childserve"
	"github.com/portdocs/portdocs/internal/procstat"
)

// server is a portdocs child process started by -serve.
type server struct {
	key, logPath, dir string
	proc              *childserve.Process // its URL and Pid
}

// startServer runs `BIN serve` on a kernel-chosen loopback port with a temporary data
// folder (local storage; the records in SQLite there unless database names another), its own API key and the given OCR workers, and waits until
// it logs its address. The server's output goes to server.log in that folder.
func startServer(ctx context.Context, bin string, ocrWorkers int, database string, stderr io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "portdocs-bench-")
	if err != nil {
		return nil, err
	}
	kb := make([]byte, 24)
	rand.Read(kb)
	s := &server{key: hex.EncodeToString(kb), dir: dir, logPath: filepath.Join(dir, "server.log")}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	env := map[string]string{
		"PORTDOCS_ADDR":        "127.0.0.1:0",
		"PORTDOCS_DATA_DIR":    filepath.Join(dir, "data"),
		"PORTDOCS_API_KEYS":    "admin:" + s.key,
		"PORTDOCS_OCR_WORKERS": strconv.Itoa(ocrWorkers),
		"OMP_THREAD_LIMIT":     "1",
	}
	if database != "" {
		env["PORTDOCS_DATABASE_URL"] = database
	}
	proc, err := childserve.Start(ctx, bin, env, logf)
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("-serve: %w; see %s", err, s.logPath)
	}
	go func() { <-proc.Done(); logf.Close() }()
	s.proc = proc
	return s, nil
}

// stop ends the server gracefully: SIGTERM, SIGKILL after 20 s.
func (s *server) stop() { s.proc.Stop(20 * time.Second) }

// sampler records the highest VmRSS seen, every 50 ms, as a cross-check on VmHWM
// where clear_refs is not allowed.
type sampler struct {
	stop chan struct{}
	done chan int64
}

func sampleRSS(pid int) *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := procstat.Bytes(pid, "VmRSS"); err == nil && v > peak {
				peak = v
			}
			select {
			case <-s.stop:
				s.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) end() int64 {
	close(s.stop)
	return <-s.done
}

func mb(b int64) string { return fmt.Sprintf("%d MB", b>>20) }

// machine describes where the numbers were taken.
func machine() string {
	model := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	return fmt.Sprintf("%d CPUs (%s), %s, load average at start %s", runtime.NumCPU(), model, runtime.Version(), load)
}
