// Package childserve runs `portdocs serve` as a child process for the tools and suites
// that drive the real binary (cmd/bench, internal/faults): a clean environment, a
// kernel-chosen loopback port learned from the service's own "portdocs listening" log
// line, the whole output kept in the caller's log, and a bounded stop.
//
// The child is started with a parent-death signal on Linux, so a bench or test binary
// that is killed (a go test timeout skips every cleanup) does not leave servers behind.
package childserve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StartTimeout is how long Start waits for the child to log its address.
const StartTimeout = 60 * time.Second

// startFailGrace bounds the SIGTERM-then-SIGKILL stop of a child that did not start.
const startFailGrace = 5 * time.Second

// Why a start failed; the returned error wraps one of these (or the context's error).
var (
	ErrExited    = errors.New("exited during start-up")
	ErrNoAddress = errors.New("did not log its address")
)

// Process is one running `portdocs serve` child.
type Process struct {
	URL string // "http://" + the address the child logged, e.g. http://127.0.0.1:41234
	Pid int

	cmd  *exec.Cmd
	done chan struct{}
	err  error // cmd.Wait's answer; written before done is closed
}

// Start runs `bin serve` with the caller's environment minus every PORTDOCS_* and
// MINIO_* setting (nothing leaks in from the shell) plus env, and waits until the child
// logs its address as a JSON line {"msg":"portdocs listening","addr":...}.
// Set PORTDOCS_ADDR=127.0.0.1:0 in env for a kernel-chosen port.
//
// The child's stdout and stderr both go to log (nil discards them), from one goroutine
// at a time; to read the log while the child runs, pass a *LogBuffer. ctx bounds the
// start-up only: once Start returns, the child runs until Stop or Kill.
//
// On failure the child is gone when Start returns, and the error says why: it wraps
// ErrExited (with the exit status), ErrNoAddress (nothing within StartTimeout) or
// ctx.Err().
func Start(ctx context.Context, bin string, env map[string]string, log io.Writer) (*Process, error) {
	return start(ctx, bin, env, log, StartTimeout)
}

func start(ctx context.Context, bin string, env map[string]string, log io.Writer, timeout time.Duration) (*Process, error) {
	if log == nil {
		log = io.Discard
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = environ(os.Environ(), env)
	pr, pw := io.Pipe()
	// One writer for both streams: exec then gives the child a single pipe and one
	// goroutine writes, so log sees the lines in order and needs no locking.
	out := io.MultiWriter(log, pw)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	p := &Process{Pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "portdocs listening" {
				addr <- line.Addr
				break
			}
		}
		io.Copy(io.Discard, pr) // keep draining so the child never blocks writing its log
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case a := <-addr:
		p.URL = "http://" + a
		return p, nil
	case <-p.done:
		status := "exit status 0"
		if p.err != nil {
			status = p.err.Error()
		}
		return nil, fmt.Errorf("%s serve %w (%s)", bin, ErrExited, status)
	case <-timer.C:
		p.Stop(startFailGrace)
		return nil, fmt.Errorf("%s serve %w within %gs", bin, ErrNoAddress, timeout.Seconds())
	case <-ctx.Done():
		p.Stop(startFailGrace)
		return nil, fmt.Errorf("%s serve: start-up abandoned: %w", bin, ctx.Err())
	}
}

// environ is base without PORTDOCS_* and MINIO_* entries, then env sorted by key.
func environ(base []string, env map[string]string) []string {
	var out []string
	for _, kv := range base {
		if !strings.HasPrefix(kv, "PORTDOCS_") && !strings.HasPrefix(kv, "MINIO_") {
			out = append(out, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// Done is closed once the child has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is nil while the child runs; after Done, what its exit was: nil for status 0,
// otherwise an *exec.ExitError such as "exit status 2" or "signal: killed".
func (p *Process) Err() error {
	select {
	case <-p.done:
		return p.err
	default:
		return nil
	}
}

// Signal sends sig to the child (os.ErrProcessDone once it has exited).
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill ends the child at once, as a crash or an OOM kill would, waits for it to exit
// and returns Err.
func (p *Process) Kill() error {
	p.cmd.Process.Kill()
	<-p.done
	return p.err
}

// Stop asks the child to shut down (SIGTERM), kills it if it is still running after
// grace, and returns Err once it has exited. Stopping an exited child is a no-op.
func (p *Process) Stop(grace time.Duration) error {
	if p.Signal(syscall.SIGTERM) != nil {
		// Exited already, or no SIGTERM on this OS.
		return p.Kill()
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return p.err
	case <-t.C:
		return p.Kill()
	}
}

// LogBuffer is a log to pass to Start that a test can read (String) while the child
// is still writing to it.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything the child has written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
