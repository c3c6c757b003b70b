package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portdocs/portdocs/internal/procstat"
)

// server is a portdocs child process started by -serve.
type server struct {
	url, key, logPath, dir string
	pid                    int
	cmd                    *exec.Cmd
	done                   chan struct{}
}

// startServer runs `BIN serve` on a kernel-chosen loopback port with a temporary data
// folder (local storage), its own API key and the given OCR workers, and waits until
// it logs its address.
func startServer(ctx context.Context, bin string, ocrWorkers int, stderr io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "portdocs-bench-")
	if err != nil {
		return nil, err
	}
	kb := make([]byte, 24)
	rand.Read(kb)
	s := &server{key: hex.EncodeToString(kb), dir: dir, logPath: filepath.Join(dir, "server.log"), done: make(chan struct{})}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTDOCS_") && !strings.HasPrefix(kv, "MINIO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"PORTDOCS_ADDR=127.0.0.1:0",
		"PORTDOCS_DATA_DIR="+filepath.Join(dir, "data"),
		"PORTDOCS_API_KEYS=admin:"+s.key,
		"PORTDOCS_OCR_WORKERS="+strconv.Itoa(ocrWorkers),
		"OMP_THREAD_LIMIT=1",
	)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = logf, io.MultiWriter(logf, pw)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("-serve %s: %w", bin, err)
	}
	s.cmd, s.pid = cmd, cmd.Process.Pid
	go func() { cmd.Wait(); pw.Close(); logf.Close(); close(s.done) }()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "portdocs listening" {
				addr <- line.Addr
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case a := <-addr:
		s.url = "http://" + a
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("-serve %s exited during start-up; see %s", bin, s.logPath)
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, fmt.Errorf("-serve %s did not log its address within 60s; see %s", bin, s.logPath)
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

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
