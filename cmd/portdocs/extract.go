package main

import (
	"context"
	"errors"
	"io"
)

// runExtract is the 'extract' subcommand.
func runExtract(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("'extract' is not implemented yet")
}
