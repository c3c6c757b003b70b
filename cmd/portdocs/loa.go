package main

import (
	"context"
	"errors"
	"io"
)

// runLOA is the 'loa' subcommand.
func runLOA(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("'loa' is not implemented yet")
}
