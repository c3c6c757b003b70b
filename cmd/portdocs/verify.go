package main

import (
	"context"
	"errors"
	"io"
)

// runVerify is the 'verify' subcommand.
func runVerify(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("'verify' is not implemented yet")
}
