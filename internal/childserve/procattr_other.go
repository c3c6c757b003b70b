//go:build !linux

package childserve

import "syscall"

// sysProcAttr is nil where there is no parent-death signal: the caller's Stop is the
// only way the child ends.
func sysProcAttr() *syscall.SysProcAttr { return nil }
