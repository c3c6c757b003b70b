//go:build !unix

package storage

import "os"

// Without flock(2) only goroutines of one process are ordered (by Local.mu); portdocs
// ships for Linux, where lock_unix.go applies.
func flock(*os.File) error { return nil }

func funlock(*os.File) {}
