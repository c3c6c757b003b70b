// Command portdocs reads phone bills, checks them against port requests, renders
// Letters of Authorization and serves it all over HTTP. main is wiring only.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/portdocs/portdocs/extract"
)

func main() {
	// Tesseract's OpenMP runtime reads OMP_THREAD_LIMIT only at process start; without
	// it every page fights for all cores. This re-executes once with the limit set.
	if err := extract.ExecWithThreadLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "portdocs: cannot restart with OMP_THREAD_LIMIT=1: "+err.Error())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsageShown) {
			fmt.Fprintln(os.Stderr, "portdocs: "+oneLine(err.Error()))
		}
		os.Exit(exitCode(err))
	}
}

// command is one subcommand. It returns an error whose message is the one line the
// user sees on stderr: what is wrong and what to do.
type command func(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error

var commands = map[string]command{
	"serve":       runServe,
	"extract":     runExtract,
	"check":       runCheck,
	"loa":         runLOA,
	"verify":      runVerify,
	"healthcheck": runHealthcheck,
}

const usage = `usage: portdocs COMMAND [flags]

commands:
  serve                               run the HTTP service
  extract FILE                        read a bill (PDF, PNG, JPEG, TIFF, HEIC); print its Extraction as JSON
  check --request REQ.json FILE       compare a bill with a port request; print the Check as JSON
  loa --request REQ.json --out LOA.pdf  render the Letter of Authorization
  verify FILE                         verify a signed LOA's seal; print signer, time and hashes
  healthcheck                         ask a running service for /healthz (for container health checks)
`

// errUsageShown means the usage text was already printed.
var errUsageShown = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsageShown
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q; run 'portdocs help' for the list", args[0])
	}
	return cmd(ctx, args[1:], getenv, stdin, stdout, stderr)
}

// oneLine keeps the user's error to one line whatever a library put in it.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "\n", "; ")
}

// exitCode: 2 for usage mistakes, 1 for everything else.
func exitCode(err error) int {
	if errors.Is(err, errUsageShown) {
		return 2
	}
	return 1
}
