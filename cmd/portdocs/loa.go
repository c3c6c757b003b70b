package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
)

// runLOA is the 'loa' subcommand: portdocs loa --request REQ.json --out LOA.pdf.
// PORTDOCS_COMPANY_NAME and PORTDOCS_LOGO_PNG (a PNG path) brand the LOA.
func runLOA(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("loa", stderr)
	reqPath := fs.String("request", "", "port request JSON (CONTRACT §3)")
	outPath := fs.String("out", "", "where to write the LOA PDF")
	company := fs.String("company", getenv("PORTDOCS_COMPANY_NAME"), "receiving company name printed on the LOA (env PORTDOCS_COMPANY_NAME)")
	logo := fs.String("logo", getenv("PORTDOCS_LOGO_PNG"), "PNG logo for the LOA header (env PORTDOCS_LOGO_PNG)")
	date := fs.String("date", "", "date on the LOA, YYYY-MM-DD (default today; fix it for reproducible output)")
	showPIN := fs.Bool("show-pin", false, "print the account PIN, masked")
	spec := argSpec{usage: "usage: portdocs loa --request REQ.json --out LOA.pdf", required: []*string{reqPath, outPath}}
	if _, err := spec.parse(fs, args); err != nil {
		return err
	}
	req, err := readRequest(*reqPath)
	if err != nil {
		return err
	}
	opts := loa.Options{CompanyName: *company, ShowPIN: *showPIN}
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			return fmt.Errorf("--date %q: not a date; use YYYY-MM-DD", *date)
		}
		opts.Date = d
	}
	if *logo != "" {
		b, err := os.ReadFile(*logo)
		if err != nil {
			return fmt.Errorf("%s: cannot read the logo (%v); check the path", *logo, errors.Unwrap(err))
		}
		opts.LogoPNG = b
	}
	pdf, err := loa.Render(req, opts)
	if err != nil {
		return fmt.Errorf("%s: %v; fix the request", *reqPath, err)
	}
	if err := writeFileAtomic(*outPath, pdf); err != nil {
		return err
	}
	return nil
}

// readRequest reads and decodes a port request file. Unknown fields are allowed: the
// request format may grow (CONTRACT).
func readRequest(path string) (port.Request, error) {
	var req port.Request
	b, err := os.ReadFile(path)
	if err != nil {
		return req, fmt.Errorf("%s: cannot read the request (%v); check the path", path, errors.Unwrap(err))
	}
	if err := json.Unmarshal(b, &req); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := lineCol(b, syn.Offset)
			return req, fmt.Errorf("%s: invalid JSON at line %d, column %d (%v); fix the request file", path, line, col, syn)
		case errors.As(err, &typ):
			return req, fmt.Errorf("%s: field %q must be %s, not a JSON %s; fix the request file", path, typ.Field, typ.Type, typ.Value)
		default:
			return req, fmt.Errorf("%s: invalid JSON (%v); fix the request file", path, err)
		}
	}
	return req, nil
}

func lineCol(b []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(b)); i++ {
		if b[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// writeFileAtomic writes through a temporary file in the same directory and renames
// it, so a reader never sees half an LOA and a failure leaves no partial file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("%s: cannot write (%v); check the directory exists and is writable", path, errors.Unwrap(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: write failed (%v)", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: write failed (%v)", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: write failed (%v)", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: cannot replace the file (%v)", path, errors.Unwrap(err))
	}
	return nil
}
