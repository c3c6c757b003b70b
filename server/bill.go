package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
)

// checkSummary is what the server reads from a Check's JSON.
type checkSummary struct {
	Verdict string `json:"verdict"`
	Flags   []struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	} `json:"flags"`
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// maskCheckPIN makes sure no Check leaves the server with the PIN in it, whatever the
// checker wrote: fields.account_pin.submitted becomes the mask.
func maskCheckPIN(raw json.RawMessage) (json.RawMessage, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("check is not a JSON object: %w", err)
	}
	if fields, ok := doc["fields"].(map[string]any); ok {
		if pin, ok := fields["account_pin"].(map[string]any); ok {
			if v, ok := pin["submitted"].(string); ok && v != "" {
				pin["submitted"] = port.PINMask
			}
		}
	}
	return json.Marshal(doc)
}

// acceptBill is proof of ownership, shared by the API and the signer's upload page:
// only after the LOA is signed; the bill is stored content-addressed and archived,
// read, checked against the request, the Check stored, and the port moved to
// in_review (flagged) or approved (pass). The record is written last, so a storage
// failure leaves no record pointing at a half-stored bill.
func (s *Server) acceptBill(ctx context.Context, id, actor string, data []byte, contentType, ext string) (*Record, json.RawMessage, []Event, error) {
	r, err := s.records.get(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if !billAllowed(r.Status) {
		return nil, nil, nil, billTooEarly(r)
	}
	ex, err := s.reader.read(ctx, data)
	if err != nil {
		return nil, nil, nil, err
	}
	req := r.Request
	if req.Customer.AccountPIN, err = s.cfg.Secrets.Open(r.ID, r.PINSealed); err != nil {
		return nil, nil, nil, err
	}
	now := s.now().UTC()
	sha := sha256Hex(data)
	billName := "bill-" + sha + "." + ext
	raw, err := s.cfg.Check(ctx, req, ex, data, otherBills(r.Bills, billName), now)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("check: %w", err)
	}
	if raw, err = maskCheckPIN(raw); err != nil {
		return nil, nil, nil, err
	}
	var sum checkSummary
	if err := json.Unmarshal(raw, &sum); err != nil {
		return nil, nil, nil, fmt.Errorf("check: %w", err)
	}
	bill, err := s.putDoc(ctx, r.ID, billName, KindBill, contentType, data, true)
	if err != nil {
		return nil, nil, nil, err
	}
	checkName := "check-" + now.Format("20060102T150405Z") + "-" + sha[:8] + ".json"
	chk, err := s.putDoc(ctx, r.ID, checkName, KindCheck, "application/json", raw, true)
	if err != nil {
		return nil, nil, nil, err
	}
	codes := make([]string, 0, len(sum.Flags))
	for _, f := range sum.Flags {
		codes = append(codes, f.Code)
	}
	flagged := sum.Verdict != "pass" // anything but an explicit pass goes to a person
	var evs []Event
	r, err = s.records.update(ctx, id, func(r *Record) error {
		evs = evs[:0]
		if !billAllowed(r.Status) {
			return billTooEarly(r)
		}
		r.addDoc(bill)
		r.addDoc(chk)
		r.Bills = append(otherBills(r.Bills, bill.Name), ex.Summary(bill.Name))
		r.LatestCheck, r.Verdict, r.FlagCodes, r.UpdatedAt = chk.Name, sum.Verdict, codes, now
		// The note the seed's procedure asks users to write by hand after uploading.
		evs = append(evs, r.addEvent(Event{At: now, Actor: actor, Type: EventNote, Document: bill.Name,
			Message: fmt.Sprintf("Phone bill uploaded as proof of ownership (%s, %d page(s), SHA-256 %s).", bill.Name, ex.Pages, sha)}))
		msg := "check passed: the bill matches the request"
		if flagged {
			msg = fmt.Sprintf("check flagged %d problem(s): %s", len(codes), strings.Join(codes, ", "))
		}
		r.addEvent(Event{At: now, Actor: "portdocs", Type: EventCheck, Document: chk.Name, Message: msg})
		to := StatusApproved
		if flagged {
			to = StatusInReview
		}
		ev, err := r.move(to, "portdocs", msg, now)
		if err != nil {
			return err
		}
		evs = append(evs, ev)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	s.log.InfoContext(ctx, "bill checked", slog.String("port_id", id), slog.String("verdict", sum.Verdict),
		slog.Any("flags", codes), slog.String("status", string(r.Status)))
	return r, raw, evs, nil
}

// otherBills are the port's bills but the one named: the same file uploaded again is
// not another bill.
func otherBills(bills []extract.BillSummary, name string) []extract.BillSummary {
	out := make([]extract.BillSummary, 0, len(bills))
	for _, b := range bills {
		if b.Document != name {
			out = append(out, b)
		}
	}
	return out
}

func billAllowed(st Status) bool { return st == StatusSigned || st == StatusInReview }

func billTooEarly(r *Record) error {
	switch r.Status {
	case StatusDraft, StatusAwaitingSignature:
		return wrongState("the LOA for port %s is not signed yet (status %s); upload the bill after the signer signs the LOA", r.ID, r.Status)
	}
	return wrongState("port %s is %s; a bill is accepted only while it is signed or in_review", r.ID, r.Status)
}

func (s *Server) handleBill() echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		// Refuse early, before reading a 20 MB body, when the LOA is not signed.
		r, err := s.records.get(ctx, c.Param("id"))
		if err != nil {
			return err
		}
		if !billAllowed(r.Status) {
			return billTooEarly(r)
		}
		data, ctype, ext, err := readUpload(c, s.cfg.MaxUpload)
		if err != nil {
			return err
		}
		r, raw, evs, err := s.acceptBill(ctx, r.ID, who(c).Actor, data, ctype, ext)
		if err != nil {
			return err
		}
		s.notify(c, r, evs...)
		return c.JSON(http.StatusCreated, map[string]any{"status": r.Status, "check": raw})
	}
}

func (s *Server) handleGetCheck() echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.records.get(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		if r.LatestCheck == "" {
			return notFound("check (no bill uploaded yet)")
		}
		data, err := s.readDoc(c.Request().Context(), r, r.LatestCheck)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, data)
	}
}

// handleBillPage is the upload form the signer reaches from the email after signing.
func (s *Server) handleBillPage() echo.HandlerFunc {
	return func(c echo.Context) error {
		sg, _, r, err := s.signContext(c)
		if err != nil {
			return err
		}
		if err := s.allowBill(sg, r); err != nil {
			return err
		}
		return s.renderPage(c, http.StatusOK, "bill.html", s.pageData(c, sg, r))
	}
}

// handleBillUpload takes the bill from the signer's page. The page says it was
// received and whether someone will look at it; the Check's details stay with the
// submitter and reviewers.
func (s *Server) handleBillUpload() echo.HandlerFunc {
	return func(c echo.Context) error {
		sg, _, r, err := s.signContext(c)
		if err != nil {
			return err
		}
		if err := s.allowBill(sg, r); err != nil {
			return err
		}
		data, ctype, ext, err := readUpload(c, s.cfg.MaxUpload)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Status == http.StatusBadRequest {
				d := s.pageData(c, sg, r)
				d["Error"] = e.Message
				return s.renderPage(c, http.StatusBadRequest, "bill.html", d)
			}
			return err
		}
		r, _, evs, err := s.acceptBill(c.Request().Context(), r.ID, "signer", data, ctype, ext)
		if err != nil {
			return err
		}
		s.notify(c, r, evs...)
		d := s.pageData(c, sg, r)
		d["Received"] = true
		return s.renderPage(c, http.StatusCreated, "bill.html", d)
	}
}
