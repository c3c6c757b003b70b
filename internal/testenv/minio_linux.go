package testenv

import "syscall"

// minioProcAttr puts MinIO in its own process group (Stop and Kill signal the group,
// reaching MinIO and nothing else) and has the kernel kill it when the test binary dies
// (a timeout or panic skips t.Cleanup).
func minioProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
