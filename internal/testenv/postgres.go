package testenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// PostgresServer is a throwaway PostgreSQL server on loopback (Debian's package, run
// from a fresh data folder under a temporary directory). Kill and Start let fault tests
// take it away and bring it back on the same port and data.
type PostgresServer struct {
	Port    int
	dir     string
	bin     string // the folder holding initdb and postgres
	cred    *syscall.Credential
	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	logPath string
	durable bool // fsync on, as in production (benchmarks)
}

// postgresBinDir finds initdb and postgres: on PATH, or where Debian's postgresql
// package puts them (/usr/lib/postgresql/N/bin, not on PATH).
func postgresBinDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if _, err := os.Stat(filepath.Join(filepath.Dir(real), "postgres")); err == nil {
				return filepath.Dir(real)
			}
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- { // the newest version sorts last
		if _, err := os.Stat(filepath.Join(dirs[i], "postgres")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// StartPostgres starts a server of t's own (t.Cleanup stops it and removes its data).
// It skips the test when PostgreSQL is not installed, or fails it under CI.
func StartPostgres(t testing.TB) *PostgresServer {
	t.Helper()
	return startPostgres(t, false)
}

// StartPostgresDurable is StartPostgres with fsync on, as a production server runs:
// for benchmarks, whose commit rates would otherwise flatter PostgreSQL.
func StartPostgresDurable(t testing.TB) *PostgresServer {
	t.Helper()
	return startPostgres(t, true)
}

func startPostgres(t testing.TB, durable bool) *PostgresServer {
	t.Helper()
	s, err := newPostgres(t, durable)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("postgres: data and log kept in %s", s.dir)
			return
		}
		os.RemoveAll(s.dir)
	})
	return s
}

var sharedPG struct {
	once sync.Once
	srv  *PostgresServer
	err  error
	n    int
	mu   sync.Mutex
}

// PostgresDatabase returns the URL of a new, empty database on the package's one
// shared server (started by the first test that asks), so tests are isolated without
// each paying for a server start. The package's TestMain should call StopSharedPostgres.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	sharedPG.once.Do(func() { sharedPG.srv, sharedPG.err = newPostgres(t, false) })
	if sharedPG.err != nil {
		t.Fatalf("postgres: %v", sharedPG.err)
	}
	sharedPG.mu.Lock()
	sharedPG.n++
	name := fmt.Sprintf("t%d_%s", sharedPG.n, randHex(4))
	sharedPG.mu.Unlock()
	return sharedPG.srv.CreateDatabase(t, name)
}

// StopSharedPostgres stops the shared server, if one was started, and removes its data.
func StopSharedPostgres() {
	if s := sharedPG.srv; s != nil {
		s.Stop()
		os.RemoveAll(s.dir)
	}
}

func newPostgres(t testing.TB, durable bool) (*PostgresServer, error) {
	bin := postgresBinDir()
	if bin == "" {
		if Required() {
			t.Fatalf("PostgreSQL is not installed; run scripts/test.sh, which installs it")
		}
		t.Skip("PostgreSQL is not installed; skipping (scripts/test.sh installs it)")
	}
	dir, err := os.MkdirTemp("", "portdocs-pg-")
	if err != nil {
		return nil, err
	}
	s := &PostgresServer{dir: dir, bin: bin, logPath: filepath.Join(dir, "postgres.log"), durable: durable}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: run it as the package's postgres user.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user (Debian's package makes it): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "portdocs",
		"-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.Port = port
		err = s.Start()
		if err == nil {
			return s, nil
		}
		if attempt == 3 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// URL is the server's connection URL for database name.
func (s *PostgresServer) URL(name string) string {
	return fmt.Sprintf("postgres://portdocs@127.0.0.1:%d/%s?sslmode=disable", s.Port, name)
}

// CreateDatabase makes an empty database and returns its URL.
func (s *PostgresServer) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return s.URL(name)
}

// Start starts a stopped server on the same port and data folder and waits until it
// accepts connections.
func (s *PostgresServer) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("postgres: already running")
	}
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o666)
	if err != nil {
		return err
	}
	defer logf.Close()
	// fsync off: the tests kill the server process, never the machine, and the
	// kernel keeps what a commit wrote. Commits still wait for their WAL write
	// (synchronous_commit stays on), so an acknowledged change survives a kill.
	args := []string{"-D", filepath.Join(s.dir, "data"), "-p", strconv.Itoa(s.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + s.dir, "-c", "max_connections=200"}
	if !s.durable {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	attr := minioProcAttr()
	attr.Credential = s.cred
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("postgres exited on start: %s", s.logTail())
		default:
		}
		if time.Now().After(deadline) {
			s.stopLocked(syscall.SIGKILL)
			return fmt.Errorf("postgres did not accept connections in 60 s: %s", s.logTail())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop shuts the server down (fast shutdown) and waits for it.
func (s *PostgresServer) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGINT)
}

// Kill kills the server and every backend at once, as a crash would.
func (s *PostgresServer) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked(syscall.SIGKILL)
}

func (s *PostgresServer) stopLocked(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	if sig == syscall.SIGKILL {
		killTree(s.cmd.Process.Pid) // the postmaster and its backends, at once
	} else {
		syscall.Kill(s.cmd.Process.Pid, sig) // the postmaster shuts its backends down
	}
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	s.cmd = nil
}

func (s *PostgresServer) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return strings.Join(lines, "\n")
}
