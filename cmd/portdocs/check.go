package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/portdocs/portdocs/check"
	"github.com/portdocs/portdocs/forensic"
	"github.com/portdocs/portdocs/port"
)

// runCheck is the 'check' subcommand: portdocs check --request REQ.json FILE prints the
// Check of the bill FILE against the request. --other-bill OTHER (repeatable) names the
// bills of the request's other accounts or carriers: their numbers are not missing,
// and the split plan groups the numbers by the bill and account that list them. Request problems (an invalid number, a
// number that is also a receiving number...) go to stderr as "warning:" lines; the ones
// about numbers are also flags of the Check.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: portdocs check --request REQ.json FILE"
	fs := newFlagSet("check", stderr)
	reqPath := fs.String("request", "", "port request JSON (CONTRACT §3)")
	date := fs.String("now", "", "the date to check the bill's age against, YYYY-MM-DD (default today)")
	var otherPaths []string
	fs.Func("other-bill", "another bill of the same request (another account or carrier); repeatable", func(v string) error {
		otherPaths = append(otherPaths, v)
		return nil
	})
	fs.Usage = func() { fmt.Fprintln(stderr, usage) }
	// Flags may come after the file too ("check bill.pdf --request req.json").
	files, err := argSpec{usage: usage, positional: 1, required: []*string{reqPath}, interspersed: true}.parse(fs, args)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			return fmt.Errorf("--now %q: not a date; use YYYY-MM-DD", *date)
		}
		now = d
	}
	req, err := readRequest(*reqPath)
	if err != nil {
		return err
	}
	if isEmptyRequest(req) {
		return fmt.Errorf("%s: the request has none of the fields of a port request (carrier_name, customer, billing_address, numbers); fix the request file", *reqPath)
	}
	for _, p := range req.Validate() {
		// Problems name fields and codes, never the PIN or the account number.
		fmt.Fprintf(stderr, "%s: %s: %s: %s\n", *reqPath, p.Severity, p.Field, oneLine(p.Message))
	}
	var others []check.OtherBill
	for _, p := range otherPaths {
		o, err := readBill(ctx, p)
		if err != nil {
			return err
		}
		others = append(others, check.Summarize(filepath.Base(p), o.x))
		o.close()
	}
	b, err := readBill(ctx, files[0])
	if err != nil {
		return err
	}
	defer b.close()
	c := check.BillAmong(ctx, req, b.x, b.data, now, forensic.Options{Extractor: b.ex}, others)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// isEmptyRequest catches a JSON file that decoded but is not a port request at all
// ({} or another document): checking a bill against nothing would only mislead.
func isEmptyRequest(r port.Request) bool {
	return strings.TrimSpace(r.CarrierName) == "" && r.Customer == (port.Customer{}) &&
		r.BillingAddress == (port.Address{}) && len(r.Numbers) == 0
}
