package testenv

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// minioProcAttr puts MinIO in its own process group (Stop and Kill signal the group,
// reaching MinIO and nothing else) and has the kernel kill it when the test binary dies
// (a timeout or panic skips t.Cleanup).
func minioProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// waitStopped waits until every thread of pid is in the stopped state (T or t in
// /proc/PID/task/TID/stat).
func waitStopped(pid int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		running, err := runningThreads(pid)
		if err != nil {
			return err
		}
		if running == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d threads of process %d still running after %v", running, pid, timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// runningThreads counts pid's threads that are not stopped.
func runningThreads(pid int) (int, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("process %d: no threads found in /proc", pid)
	}
	n := 0
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the thread exited
		}
		// "tid (comm) S ...": comm may hold spaces and parentheses; the state follows
		// the last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) {
			return 0, fmt.Errorf("%s: unexpected format", p)
		}
		if st := b[i+2]; st != 'T' && st != 't' {
			n++
		}
	}
	return n, nil
}

// listenersOn counts the listening IPv4 TCP sockets on endpoint's address and port,
// across all processes (/proc/net/tcp).
func listenersOn(endpoint string) int {
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		return 0
	}
	ip := net.ParseIP(host).To4()
	pn, err := strconv.Atoi(port)
	if ip == nil || err != nil {
		return 0
	}
	// /proc/net/tcp writes the address as the in-memory 32-bit word in hex (127.0.0.1
	// is 0100007F on little-endian machines) and the port as a number.
	le := fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], pn)
	be := fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[0], ip[1], ip[2], ip[3], pn)
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		// sl local_address rem_address st ...; st 0A is LISTEN.
		if len(fs) > 3 && (fs[1] == le || fs[1] == be) && fs[3] == "0A" {
			n++
		}
	}
	return n
}

// procStat reads pid's state letter and parent pid from /proc/PID/stat.
func procStat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0][0], ppid, true
}

// childrenOf lists the live processes whose parent is pid.
func childrenOf(pid int) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var kids []int
	for _, d := range dirs {
		p, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if st, ppid, ok := procStat(p); ok && ppid == pid && st != 'Z' {
			kids = append(kids, p)
		}
	}
	return kids
}

// killTree kills pid and its children at once, as a crash would. PostgreSQL's
// backends lead process groups of their own (they call setsid), so a signal to the
// postmaster's group misses them: stop the parent (no new children), kill every
// child, then the parent, and wait until the children are gone (a zombie holds no
// shared memory, so it counts as gone).
func killTree(pid int) {
	syscall.Kill(pid, syscall.SIGSTOP)
	kids := childrenOf(pid)
	for _, k := range kids {
		syscall.Kill(k, syscall.SIGKILL)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
	deadline := time.Now().Add(10 * time.Second)
	for _, k := range kids {
		for time.Now().Before(deadline) {
			if st, _, ok := procStat(k); !ok || st == 'Z' {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
}
