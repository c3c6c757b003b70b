//go:build !linux

package testenv

import "syscall"

// minioProcAttr puts MinIO in its own process group so Stop and Kill reach only it.
func minioProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
