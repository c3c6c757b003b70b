package main

import (
	"context"
	"errors"
	"io"
)

// runCheck is the 'check' subcommand.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("'check' is not implemented yet")
}
