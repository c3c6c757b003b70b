package testenv

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// MinIOServer is a throwaway MinIO server on loopback with a fresh data folder and
// random credentials. Stop, Start and Kill let fault tests take it away and bring it
// back on the same address and data.
type MinIOServer struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	DataDir   string
	LogPath   string // the server's stdout and stderr, shown when a start fails
	// KMSKeyID names the server's built-in KMS key, so server-side encryption (SSE-S3,
	// or SSE-KMS with this key) can be tested.
	KMSKeyID string

	dir   string
	bin   string
	env   []string
	mu    sync.Mutex
	cmd   *exec.Cmd
	done  chan struct{}
	runID int
}

// MinIOOption adjusts the server before its first start.
type MinIOOption func(*MinIOServer)

// WithMinIOEnv adds environment variables to the server's (for example
// MINIO_API_REQUESTS_MAX to provoke throttling).
func WithMinIOEnv(kv ...string) MinIOOption {
	return func(s *MinIOServer) { s.env = append(s.env, kv...) }
}

// minioStartTimeout bounds waiting for /minio/health/live; a cold start on a busy
// two-core machine takes a few seconds.
const minioStartTimeout = 90 * time.Second

// StartMinIO starts a server of t's own (t.Cleanup stops it): for tests that stop,
// kill or reconfigure it. It skips the test when the minio binary is missing, or fails
// it under CI (see LookTool).
func StartMinIO(t testing.TB, opts ...MinIOOption) *MinIOServer {
	t.Helper()
	bin := LookTool(t, "minio")
	s, err := newMinIO(bin, opts...)
	if err != nil {
		t.Fatalf("minio: %v", err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("minio: data and log kept in %s", s.dir)
			return
		}
		os.RemoveAll(s.dir)
	})
	return s
}

var shared struct {
	once sync.Once
	srv  *MinIOServer
	err  error
}

// SharedMinIO returns the package's one MinIO server, started by the first test that
// asks, so a package's tests share a server instead of paying a start-up each. Tests
// must not stop it; give them separate buckets. The package's TestMain should call
// StopSharedMinIO after m.Run (the server also dies with the test process).
func SharedMinIO(t testing.TB) *MinIOServer {
	t.Helper()
	bin := LookTool(t, "minio")
	shared.once.Do(func() { shared.srv, shared.err = newMinIO(bin) })
	if shared.err != nil {
		t.Fatalf("minio: %v", shared.err)
	}
	return shared.srv
}

// StopSharedMinIO stops the shared server, if one was started, and removes its data.
func StopSharedMinIO() {
	if s := shared.srv; s != nil {
		s.Stop()
		os.RemoveAll(s.dir)
	}
}

func newMinIO(bin string, opts ...MinIOOption) (*MinIOServer, error) {
	dir, err := os.MkdirTemp("", "portdocs-minio-")
	if err != nil {
		return nil, err
	}
	s := &MinIOServer{
		bin: bin, dir: dir, DataDir: filepath.Join(dir, "data"), LogPath: filepath.Join(dir, "minio.log"),
		AccessKey: "portdocs-" + randHex(6), SecretKey: randHex(20), KMSKeyID: "portdocs-test-key",
	}
	kmsKey := make([]byte, 32)
	rand.Read(kmsKey)
	s.env = append(s.env, "MINIO_KMS_SECRET_KEY="+s.KMSKeyID+":"+base64.StdEncoding.EncodeToString(kmsKey))
	for _, o := range opts {
		o(s)
	}
	if err := os.MkdirAll(s.DataDir, 0o750); err != nil {
		return nil, err
	}
	// MinIO binds with SO_REUSEPORT, so a second MinIO (another test package's) that
	// was handed the same port starts without complaint and silently takes half the
	// connections. A start that finds another listener on its port moves to a new one.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("no free port: %w", err)
		}
		s.Endpoint = fmt.Sprintf("127.0.0.1:%d", port)
		err = s.Start()
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortShared) || attempt == 5 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// errPortShared: another process listens on the server's port too.
var errPortShared = errors.New("another process listens on the same port")

// Start starts a stopped server again on the same address and data folder, and waits
// until it is live.
func (s *MinIOServer) Start() error {
	if err := s.start(); err != nil {
		return fmt.Errorf("minio on %s: %w", s.Endpoint, err)
	}
	return nil
}

func (s *MinIOServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	logf, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	s.runID++
	fmt.Fprintf(logf, "\n==== start %d at %s\n", s.runID, time.Now().Format(time.RFC3339))
	cmd := exec.Command(s.bin, "server", "--quiet", "--address", s.Endpoint, "--console-address", "127.0.0.1:0", s.DataDir)
	cmd.Env = append(os.Environ(),
		"MINIO_ROOT_USER="+s.AccessKey,
		"MINIO_ROOT_PASSWORD="+s.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=1", // don't refuse a data folder on the root disk
	)
	cmd.Env = append(cmd.Env, s.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = minioProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(done) }()
	s.cmd, s.done = cmd, done

	deadline := time.Now().Add(minioStartTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("exited during start-up:\n%s", s.logTail())
		default:
		}
		if s.answers(client) {
			if n := listenersOn(s.Endpoint); n > 1 {
				s.stopLocked(syscall.SIGKILL)
				return fmt.Errorf("%w (%d listeners)", errPortShared, n)
			}
			return nil
		}
		if time.Now().After(deadline) {
			s.stopLocked(syscall.SIGKILL)
			return fmt.Errorf("not live on %s after %v:\n%s", s.Endpoint, minioStartTimeout, s.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// answers reports whether the server is live and past its initialisation: live turns
// 200 before the S3 API stops saying 503 XMinioServerNotInitialized.
func (s *MinIOServer) answers(client *http.Client) bool {
	for _, path := range []string{"/minio/health/live", "/"} {
		resp, err := client.Get("http://" + s.Endpoint + path)
		if err != nil {
			return false
		}
		resp.Body.Close()
		if path == "/minio/health/live" && resp.StatusCode != http.StatusOK || resp.StatusCode >= 500 {
			return false
		}
	}
	return true
}

// Stop shuts the server down gracefully (SIGTERM, then SIGKILL after 10 s).
func (s *MinIOServer) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGTERM)
}

// Kill ends the server at once, as a crash or a pulled cable would.
func (s *MinIOServer) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGKILL)
}

func (s *MinIOServer) stopLocked(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, sig)
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGCONT) // a paused server must see the signal
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	s.cmd = nil
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing answers, the
// way a hung disk or a partitioned network looks. Resume undoes it.
//
// The kernel stops a process's threads one after another, after kill returns: on a
// busy machine the server can answer a request or two milliseconds later. Pause
// returns only when every thread has stopped.
func (s *MinIOServer) Pause() error {
	s.signal(syscall.SIGSTOP)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("minio: pause: the server is not running")
	}
	if err := waitStopped(s.cmd.Process.Pid, 10*time.Second); err != nil {
		return fmt.Errorf("minio: pause: %w", err)
	}
	return nil
}

// Resume continues a paused server.
func (s *MinIOServer) Resume() { s.signal(syscall.SIGCONT) }

func (s *MinIOServer) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		syscall.Kill(-s.cmd.Process.Pid, sig)
	}
}

// Running reports whether the process is up.
func (s *MinIOServer) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

func (s *MinIOServer) logTail() string {
	b, _ := os.ReadFile(s.LogPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return "  " + strings.Join(lines, "\n  ") + "\n  (log: " + s.LogPath + ")"
}

// freePort asks the kernel for an unused loopback port. Another process could take it
// before MinIO binds; the start then fails loudly with the log, rather than hanging.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// WaitMinIO polls until the server answers S3 requests or ctx ends.
func (s *MinIOServer) WaitMinIO(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	for !s.answers(client) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}
