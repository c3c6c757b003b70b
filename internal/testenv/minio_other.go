//go:build !linux

package testenv

import (
	"syscall"
	"time"
)

// minioProcAttr puts MinIO in its own process group so Stop and Kill reach only it.
func minioProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// waitStopped can't see thread states here; it gives the signal a moment.
func waitStopped(pid int, timeout time.Duration) error {
	time.Sleep(100 * time.Millisecond)
	return nil
}

// listenersOn can't count listeners here.
func listenersOn(endpoint string) int { return 1 }

// killTree kills pid's process group (backends that left it are not found here).
func killTree(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }
