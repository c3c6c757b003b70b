package testenv

import (
	"net"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func TestListenersOn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if n := listenersOn(addr); n != 1 {
		t.Errorf("listenersOn(%s) with one listener = %d", addr, n)
	}
	l.Close()
	if n := listenersOn(addr); n != 0 {
		t.Errorf("listenersOn(%s) after close = %d", addr, n)
	}
}

func TestWaitStopped(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep command:", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if n, err := runningThreads(cmd.Process.Pid); err != nil || n != 1 {
		t.Fatalf("runningThreads of a sleeping process = %d, %v; want 1", n, err)
	}
	if err := waitStopped(cmd.Process.Pid, 50*time.Millisecond); err == nil {
		t.Error("waitStopped returned nil for a process that was never stopped")
	}
	cmd.Process.Signal(syscall.SIGSTOP)
	if err := waitStopped(cmd.Process.Pid, 10*time.Second); err != nil {
		t.Error(err)
	}
	cmd.Process.Signal(syscall.SIGCONT)
}
