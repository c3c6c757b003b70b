package childserve

import "syscall"

// sysProcAttr has the kernel SIGKILL the child when the parent dies, so a test binary
// stopped by a timeout (which skips t.Cleanup) leaves no server running.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
