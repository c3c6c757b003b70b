package childserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeEnv makes the test binary, re-run by Start as `TESTBIN serve`, act as a child
// service instead of running the tests; its value is the behaviour (see fakeChild).
const fakeEnv = "CHILDSERVE_FAKE"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeChild(mode))
	}
	os.Exit(m.Run())
}

// fakeChild plays portdocs serve:
//
//	serve     logs noise, a 100 kB line, then "portdocs listening"; serves /env and
//	          /exit; exits 0 on SIGTERM
//	stubborn  like serve but ignores SIGTERM
//	exit      logs a line and exits with status 3 before listening
//	silent    never logs an address; waits to be killed
func fakeChild(mode string) int {
	if len(os.Args) < 2 || os.Args[1] != "serve" {
		fmt.Fprintf(os.Stderr, "fake child: args %q, want [BIN serve]\n", os.Args)
		return 2
	}
	switch mode {
	case "exit":
		fmt.Fprintln(os.Stderr, `{"level":"ERROR","msg":"config: PORTDOCS_API_KEYS missing"}`)
		return 3
	case "silent":
		fmt.Fprintln(os.Stderr, `{"level":"INFO","msg":"starting"}`)
		select {}
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	if mode == "stubborn" {
		signal.Ignore(syscall.SIGTERM)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("a line on stdout")
	fmt.Fprintln(os.Stderr, "not JSON at all")
	fmt.Fprintln(os.Stderr, `{"level":"INFO","msg":"storage ready","addr":"wrong:1"}`)
	fmt.Fprintf(os.Stderr, "{\"msg\":\"padding\",\"pad\":%q}\n", strings.Repeat("x", 100<<10))
	fmt.Fprintf(os.Stderr, "{\"level\":\"INFO\",\"msg\":\"portdocs listening\",\"addr\":%q}\n", ln.Addr().String())
	mux := http.NewServeMux()
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		v, ok := os.LookupEnv(r.URL.Query().Get("k"))
		json.NewEncoder(w).Encode(struct {
			Value string
			Set   bool
		}{v, ok})
	})
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) { os.Exit(5) })
	go http.Serve(ln, mux)
	<-term
	return 0
}

// startFake starts the test binary as a fake child in mode.
func startFake(t *testing.T, ctx context.Context, mode string, timeout time.Duration, log io.Writer) (*Process, error) {
	t.Helper()
	p, err := start(ctx, os.Args[0], map[string]string{fakeEnv: mode, "PORTDOCS_WANTED": "given"}, log, timeout)
	if p != nil {
		t.Cleanup(func() { p.Kill() })
	}
	return p, err
}

func TestStartFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     string
		timeout  time.Duration
		cancel   bool // cancel ctx while waiting
		wantErr  error
		wantText []string
		wantLog  string
	}{
		{"exits during start-up", "exit", 30 * time.Second, false, ErrExited,
			[]string{" serve exited during start-up", "exit status 3"}, "PORTDOCS_API_KEYS missing"},
		{"never logs an address", "silent", 300 * time.Millisecond, false, ErrNoAddress,
			[]string{" serve did not log its address within 0.3s"}, `"msg":"starting"`},
		{"context cancelled", "silent", 30 * time.Second, true, context.Canceled,
			[]string{" serve: start-up abandoned: context canceled"}, `"msg":"starting"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			var log LogBuffer
			begin := time.Now()
			p, err := startFake(t, ctx, tc.mode, tc.timeout, &log)
			if p != nil || !errors.Is(err, tc.wantErr) {
				t.Fatalf("start: process %v, err %v; want no process and an error wrapping %v", p, err, tc.wantErr)
			}
			for _, s := range tc.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if !strings.HasPrefix(err.Error(), os.Args[0]) {
				t.Errorf("error %q does not name the binary %s", err, os.Args[0])
			}
			if !strings.Contains(log.String(), tc.wantLog) {
				t.Errorf("log %q lacks the child's output %q", log.String(), tc.wantLog)
			}
			// The failed child was stopped: SIGTERM ends the silent fake at once.
			if d := time.Since(begin); d > startFailGrace {
				t.Errorf("start took %v to fail; the child should have been stopped within the grace %v", d, startFailGrace)
			}
		})
	}
}

func TestStartMissingBinary(t *testing.T) {
	p, err := Start(context.Background(), "/nonexistent/portdocs", nil, nil)
	if p != nil || err == nil || !strings.Contains(err.Error(), "start /nonexistent/portdocs serve") {
		t.Fatalf("Start(missing binary) = %v, %v; want an error naming the binary", p, err)
	}
}

func TestRunningChild(t *testing.T) {
	t.Setenv("PORTDOCS_LEAK", "from the parent")
	t.Setenv("MINIO_LEAK", "from the parent")
	t.Setenv("CHILDSERVE_KEPT", "kept")
	var log LogBuffer
	p, err := startFake(t, context.Background(), "serve", 30*time.Second, &log)
	if err != nil {
		t.Fatalf("start: %v\n%s", err, log.String())
	}
	if !strings.HasPrefix(p.URL, "http://127.0.0.1:") || strings.Contains(p.URL, "wrong") {
		t.Errorf("URL %q, want http://127.0.0.1:PORT from the \"portdocs listening\" line", p.URL)
	}
	if p.Pid <= 0 || p.Err() != nil {
		t.Errorf("Pid %d, Err %v while running; want a pid and nil", p.Pid, p.Err())
	}
	for _, tc := range []struct {
		key   string
		value string
		set   bool
	}{
		{"PORTDOCS_WANTED", "given", true}, // from env
		{"CHILDSERVE_KEPT", "kept", true},  // other parent settings pass
		{"PORTDOCS_LEAK", "", false},       // PORTDOCS_* from the parent do not
		{"MINIO_LEAK", "", false},          // nor MINIO_*
	} {
		resp, err := http.Get(p.URL + "/env?k=" + tc.key)
		if err != nil {
			t.Fatalf("GET /env: %v", err)
		}
		var got struct {
			Value string
			Set   bool
		}
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if got.Value != tc.value || got.Set != tc.set {
			t.Errorf("child's %s = %q (set %v), want %q (set %v)", tc.key, got.Value, got.Set, tc.value, tc.set)
		}
	}
	if !strings.Contains(log.String(), "a line on stdout") {
		t.Errorf("log lacks the child's stdout: %q", log.String())
	}
	// The child's exit is seen without anyone stopping it.
	http.Get(p.URL + "/exit")
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed 10s after the child exited")
	}
	var ee *exec.ExitError
	if err := p.Err(); !errors.As(err, &ee) || ee.ExitCode() != 5 {
		t.Errorf("Err after exit = %v, want exit status 5", err)
	}
	if err := p.Stop(time.Second); !errors.As(err, &ee) || ee.ExitCode() != 5 {
		t.Errorf("Stop on an exited child = %v, want the same exit status 5", err)
	}
}

func TestStopAndKill(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    string
		end     func(*Process) error
		wantSig string // "" for a clean exit
	}{
		{"Stop: SIGTERM is enough", "serve", func(p *Process) error { return p.Stop(10 * time.Second) }, ""},
		{"Stop: SIGKILL after the grace", "stubborn", func(p *Process) error { return p.Stop(300 * time.Millisecond) }, "signal: killed"},
		{"Kill", "serve", (*Process).Kill, "signal: killed"},
		{"Signal SIGTERM", "serve", func(p *Process) error {
			if err := p.Signal(syscall.SIGTERM); err != nil {
				return err
			}
			<-p.Done()
			return p.Err()
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := startFake(t, context.Background(), tc.mode, 30*time.Second, nil)
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			err = tc.end(p)
			select {
			case <-p.Done():
			default:
				t.Fatal("Done still open after the call returned")
			}
			if tc.wantSig == "" && err != nil {
				t.Errorf("exit %v, want a clean exit", err)
			}
			if tc.wantSig != "" && (err == nil || err.Error() != tc.wantSig) {
				t.Errorf("exit %v, want %q", err, tc.wantSig)
			}
			if !errors.Is(p.Signal(syscall.SIGTERM), os.ErrProcessDone) {
				t.Error("Signal after exit is not os.ErrProcessDone")
			}
		})
	}
}

func TestEnviron(t *testing.T) {
	for _, tc := range []struct {
		name string
		base []string
		env  map[string]string
		want []string
	}{
		{"drops PORTDOCS_ and MINIO_", []string{"PATH=/bin", "PORTDOCS_ADDR=:8080", "MINIO_ROOT_USER=x", "HOME=/h"}, nil,
			[]string{"PATH=/bin", "HOME=/h"}},
		{"prefix must lead", []string{"MY_PORTDOCS_X=1", "XMINIO_Y=2"}, nil,
			[]string{"MY_PORTDOCS_X=1", "XMINIO_Y=2"}},
		{"env added sorted, after the base", []string{"PATH=/bin"}, map[string]string{"PORTDOCS_B": "2", "PORTDOCS_A": "1", "OMP_THREAD_LIMIT": "1"},
			[]string{"PATH=/bin", "OMP_THREAD_LIMIT=1", "PORTDOCS_A=1", "PORTDOCS_B=2"}},
		{"env replaces a dropped parent value", []string{"PORTDOCS_ADDR=:8080"}, map[string]string{"PORTDOCS_ADDR": "127.0.0.1:0"},
			[]string{"PORTDOCS_ADDR=127.0.0.1:0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := environ(tc.base, tc.env); !slices.Equal(got, tc.want) {
				t.Errorf("environ(%q, %v) = %q, want %q", tc.base, tc.env, got, tc.want)
			}
		})
	}
}
