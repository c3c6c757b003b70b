//go:build unix

package storage

import (
	"os"
	"syscall"
)

// flock takes an exclusive advisory lock shared with other processes opening the same
// data folder; it is released when the holder unlocks or dies.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func funlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
