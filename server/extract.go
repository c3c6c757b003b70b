package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
)

// handleExtract is the wizard's prefill: the Extraction of an uploaded bill. Nothing
// is stored and the document's text never reaches the log.
func handleExtract(r *reader, max int64) echo.HandlerFunc {
	return func(c echo.Context) error {
		data, _, _, err := readUpload(c, max)
		if err != nil {
			return err
		}
		x, err := r.read(c.Request().Context(), data)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, x)
	}
}

// reader runs the extractor for the handlers: identical uploads arriving together
// (a double click, a retry after a timeout) share one extraction, keyed by SHA-256,
// so they take one OCR slot instead of two. The shared Extraction is read-only.
type reader struct {
	ex      Extractor
	m       *metrics
	timeout time.Duration
	flight  singleflight.Group
	// orphans counts extractions still running after every caller gave up on them (a
	// hostile file that outlives its request's deadline). Past maxOrphans new
	// extractions are refused with 503 instead of piling more work on the CPU and
	// memory that the orphans still hold.
	orphans    atomic.Int64
	maxOrphans int64
}

// errExtractorSaturated: earlier extractions outlived their requests and still run.
var errExtractorSaturated = errors.New("the bill reader is still busy with earlier files that took too long")

func (r *reader) read(ctx context.Context, data []byte) (*extract.Extraction, error) {
	if r.maxOrphans > 0 && r.orphans.Load() >= r.maxOrphans {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: "busy", RetryAfter: 10,
			Message: "the bill reader is busy with earlier files that took too long; retry shortly", Err: errExtractorSaturated}
	}
	r.m.waiting.Inc()
	defer r.m.waiting.Dec()
	ch := r.flight.DoChan(sha256Hex(data), func() (any, error) {
		// Detached from the first caller, so its hang-up does not fail the others;
		// bounded by the request timeout instead.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		defer cancel()
		return r.run(ctx, data)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*extract.Extraction), nil
	case <-ctx.Done():
		// The extraction goes on without this caller; count it until it ends.
		r.orphans.Add(1)
		go func() {
			<-ch
			r.orphans.Add(-1)
		}()
		return nil, ctx.Err()
	}
}

// run calls the extractor and counts the outcome.
func (r *reader) run(ctx context.Context, data []byte) (*extract.Extraction, error) {
	r.m.inFlight.Inc()
	x, err := r.ex.Extract(ctx, data)
	r.m.inFlight.Dec()
	if err != nil {
		r.m.extractions.WithLabelValues(classify(err).Code).Inc()
		return nil, err
	}
	if x == nil {
		return nil, errors.New("extractor returned no extraction")
	}
	r.m.extractions.WithLabelValues(x.Method).Inc()
	if x.Method == extract.MethodOCR || x.Method == extract.MethodMixed {
		r.m.ocrPages.Add(float64(x.Pages))
	}
	if x.PhoneNumbers == nil {
		x.PhoneNumbers = []extract.PhoneNumber{}
	}
	if x.Warnings == nil {
		x.Warnings = []string{}
	}
	return x, nil
}

// maxNumberListBytes bounds a number list: 10,000 rows (port.MaxNumbers) of a few
// hundred bytes each fit with room to spare.
const maxNumberListBytes = 5 << 20

// handleNumbers parses a number list: text/plain one number per line, or text/csv
// (also as a multipart "file") with an optional mapping (query or form parameter):
// the role of each column in order, comma-separated ("tracking_number,receiving_number,,
// tracking_source"; an empty role ignores the column), or the JSON of port.Mapping.
func handleNumbers() echo.HandlerFunc {
	return func(c echo.Context) error {
		mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
		mappingText := c.QueryParam("mapping")
		var body []byte
		var err error
		switch mt {
		case "multipart/form-data":
			if mappingText == "" {
				mappingText = c.FormValue("mapping")
			}
			fh, ferr := c.FormFile("file")
			if ferr != nil {
				return badRequest("file", "send the list as field \"file\" (CSV or one number per line)")
			}
			if body, err = readFileHeader(fh, maxNumberListBytes); err != nil {
				return err
			}
			mt = "text/plain"
			if strings.HasSuffix(strings.ToLower(fh.Filename), ".csv") || strings.Contains(fh.Header.Get("Content-Type"), "csv") {
				mt = "text/csv"
			}
		case "text/plain", "text/csv":
			if body, err = io.ReadAll(io.LimitReader(c.Request().Body, maxNumberListBytes+1)); err != nil {
				return err
			}
			if len(body) > maxNumberListBytes {
				return fmt.Errorf("a number list over %d MB: %w", maxNumberListBytes>>20, extract.ErrTooLarge)
			}
		default:
			return errorf(http.StatusUnsupportedMediaType, "unsupported_type", "", "send text/plain (one number per line) or text/csv")
		}
		var list port.NumberList
		if mt == "text/csv" {
			mapping, err := parseMapping(mappingText)
			if err != nil {
				return err
			}
			list, err = port.ParseCSV(bytes.NewReader(body), mapping)
			if err != nil {
				return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_csv", Field: "file", Message: firstLine(err), Err: err}
			}
		} else {
			list = port.ParseNumberList(string(body))
		}
		if list.Numbers == nil {
			list.Numbers = []port.NumberRow{}
		}
		if list.Problems == nil {
			list.Problems = []port.Problem{}
		}
		return c.JSON(http.StatusOK, list)
	}
}

var mappingRoles = map[string]bool{"": true, port.RoleTrackingNumber: true, port.RoleReceivingNumber: true,
	port.RoleTrackingSource: true, port.RoleAccountName: true}

// parseMapping reads the mapping parameter; empty means "use the suggested one".
func parseMapping(s string) (*port.Mapping, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var m port.Mapping
	if strings.HasPrefix(s, "{") {
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return nil, badRequest("mapping", "mapping is not valid JSON: %s", firstLine(err))
		}
	} else {
		for _, r := range strings.Split(s, ",") {
			m.Columns = append(m.Columns, strings.TrimSpace(r))
		}
	}
	for i, r := range m.Columns {
		if !mappingRoles[r] {
			return nil, badRequest("mapping", "column %d: unknown role %q; use tracking_number, receiving_number, tracking_source, account_name or empty", i+1, r)
		}
	}
	return &m, nil
}
