// Command bench drives a running portdocs service over loopback and prints, as Markdown
// tables, what a user of the service would want to know before trusting it:
// throughput and p50/p95/p99 latency per kind of request (text bills, scans, LOA
// renders, bill checks, the reviewers' queue and its searches) at N concurrent clients, the server's peak memory (VmHWM), the
// same files through the pdftotext and tesseract command-line tools for reference, the
// OCR queue shedding load with 429 under a flood of scans, and memory with many
// concurrent 20 MB uploads.
//
//	bench -serve ./portdocs -c 16 -d 60s            # starts the service itself
//	bench -url http://127.0.0.1:8080 -key KEY -pid 1234
//
// It is a measuring tool, not a test: it asserts nothing, it reports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	url, key, serve, fixtures string
	pid                       int
	clients, count            int
	duration                  time.Duration
	mix                       map[string]int
	mixSpec                   string
	phases                    map[string]bool
	shedN, bigN               int
	bigSize                   int64
	refRounds                 int
	ocrWorkers                int
	queueSeed                 int
	database                  string
}

var allPhases = []string{"text", "mix", "queue", "scan", "shed", "big", "ref"}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the service to drive")
	fs.StringVar(&c.key, "key", getenv("PORTDOCS_BENCH_KEY"), "a wizard (or admin) API key (PORTDOCS_BENCH_KEY); -serve makes its own")
	fs.StringVar(&c.serve, "serve", "", "start this portdocs binary on a free loopback port with a temporary data folder, and stop it at the end")
	fs.IntVar(&c.pid, "pid", 0, "the server's process id, to read its peak RSS (set by -serve)")
	fs.StringVar(&c.fixtures, "fixtures", "fixtures", "the fixtures folder (bills/*/bill.pdf, ocr/*/bill.*)")
	fs.IntVar(&c.clients, "c", 16, "concurrent clients for the text and mix phases")
	fs.IntVar(&c.count, "n", 0, "requests per phase (0: until -d)")
	fs.DurationVar(&c.duration, "d", 30*time.Second, "time bound per phase")
	mix := fs.String("mix", "text=70,scan=10,loa=10,check=10", "the mix phase's weights")
	phases := fs.String("phases", strings.Join(allPhases, ","), "phases to run, in this order: "+strings.Join(allPhases, ","))
	fs.IntVar(&c.shedN, "shed-n", 40, "scans sent at once in the shed phase")
	fs.IntVar(&c.bigN, "big-n", 32, "concurrent uploads in the big phase")
	big := fs.Int64("big-mb", 19, "size of each big upload in MiB (the service's default limit is 20 MiB per request)")
	fs.IntVar(&c.refRounds, "ref-rounds", 3, "times each file goes through pdftotext and tesseract")
	fs.IntVar(&c.queueSeed, "queue-seed", 2000, "ports the queue phase creates before it measures the queue")
	fs.StringVar(&c.database, "database", "", "with -serve: PORTDOCS_DATABASE_URL (default: SQLite in the temporary data folder)")
	fs.IntVar(&c.ocrWorkers, "ocr-workers", 2, "with -serve: PORTDOCS_OCR_WORKERS (and the reference tools' parallelism)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.bigSize = *big << 20
	c.url = strings.TrimRight(c.url, "/")
	var errs []error
	var err error
	c.mixSpec = *mix
	if c.mix, err = parseWeights(*mix); err != nil {
		errs = append(errs, err)
	}
	c.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		p = strings.TrimSpace(p)
		if !contains(allPhases, p) {
			errs = append(errs, fmt.Errorf("-phases: unknown phase %q; use %s", p, strings.Join(allPhases, ",")))
		}
		c.phases[p] = true
	}
	if c.serve == "" && c.key == "" {
		errs = append(errs, errors.New("-key: give a wizard API key (or -serve BIN to start a service with its own keys)"))
	}
	if c.queueSeed < 1 {
		errs = append(errs, errors.New("-queue-seed must be positive"))
	}
	if c.clients < 1 || c.duration <= 0 {
		errs = append(errs, errors.New("-c and -d must be positive"))
	}
	return c, errors.Join(errs...)
}

func parseWeights(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, item := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(item), "=")
		var w int
		if _, err := fmt.Sscanf(v, "%d", &w); !ok || err != nil || w < 0 || !contains([]string{"text", "scan", "loa", "check"}, k) {
			return nil, fmt.Errorf("-mix %q: write kind=weight,... with kinds text, scan, loa, check", s)
		}
		out[k] = w
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	files, err := loadFixtures(cfg.fixtures)
	if err != nil {
		return err
	}
	if cfg.serve != "" {
		srv, err := startServer(ctx, cfg.serve, cfg.ocrWorkers, cfg.database, stderr)
		if err != nil {
			return err
		}
		defer srv.stop()
		cfg.url, cfg.key, cfg.pid = srv.proc.URL, srv.key, srv.proc.Pid
		fmt.Fprintf(stderr, "bench: started %s on %s (pid %d, log %s)\n", cfg.serve, srv.proc.URL, srv.proc.Pid, srv.logPath)
	}
	b := &bench{cfg: cfg, files: files, out: stdout, log: stderr, client: newClient(cfg)}
	fmt.Fprintf(stdout, "# portdocs bench\n\n`%s`\n\n", commandLine())
	fmt.Fprintf(stdout, "%s; %d text bills, %d scans (%d pages); server %s\n\n", machine(), len(files.text), len(files.scans), files.scanPages(), cfg.url)
	for _, p := range allPhases {
		if !cfg.phases[p] || ctx.Err() != nil {
			continue
		}
		fmt.Fprintf(stderr, "bench: phase %s\n", p)
		if err := b.phase(ctx, p); err != nil {
			return fmt.Errorf("phase %s: %w", p, err)
		}
	}
	if rss, ok := b.peak(); ok {
		fmt.Fprintf(stdout, "Server peak RSS over the whole run (VmHWM): **%s**\n", mb(rss))
	}
	return ctx.Err()
}

func commandLine() string {
	args := append([]string{"go run ./cmd/bench"}, os.Args[1:]...)
	return strings.Join(args, " ")
}
