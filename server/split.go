package server

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
)

// splitPlan is the part of a Check's JSON the split reads (check.SplitPlan).
type splitPlan struct {
	Split *struct {
		Groups []struct {
			Numbers       []string `json:"numbers"`
			AccountNumber string   `json:"account_number"`
			Carrier       string   `json:"carrier"`
			Bill          string   `json:"bill"`
		} `json:"groups"`
	} `json:"split"`
}

type splitBody struct {
	Check string `json:"check"`
	// LOA sends each new port's LOA for signing at once (as POST …/loa would).
	LOA bool `json:"loa"`
}

// splitPort is one new port of a split, as the answer lists it.
type splitPort struct {
	ID            string   `json:"id"`
	Status        Status   `json:"status"`
	Numbers       []string `json:"numbers"`
	AccountNumber string   `json:"account_number,omitempty"` // as the group's bill prints it, else the request's
	CarrierName   string   `json:"carrier_name"`
	PINCopied     bool     `json:"pin_copied"`
	// With "loa": the answer of the new port's POST …/loa, or why its LOA could not be
	// sent yet (the port stays a draft; fix it and send the LOA then).
	LOA      map[string]any `json:"loa,omitempty"`
	LOAError *loaProblem    `json:"loa_error,omitempty"`
}

// loaProblem is a client error of a new port's LOA, as the error body says it.
type loaProblem struct {
	Code     string         `json:"code"`
	Message  string         `json:"message"`
	Field    string         `json:"field,omitempty"`
	Problems []port.Problem `json:"problems,omitempty"`
}

// handleSplit splits a port whose latest check says its numbers are on several
// accounts or with several carriers (the check's split plan): one new draft port per
// group, each with the request's data, its group's numbers, and the account number and
// carrier the group's bill prints; then the port itself is cancelled, its timeline
// naming the new ones. Each new port goes on alone: its own LOA (POST …/loa), signed
// by the account's owner, and its own bill. The PIN is copied only to the port of the
// request's own account (another account has its own PIN).
//
// With "loa": true each new port's LOA is sent for signing too (a port not ready for
// one stays a draft, with loa_error saying why).
//
// The body names the check the split is made on, as a review decision does: a newer
// check answers 409 stale_check. The new ports' ids follow from the port, the check and
// the group, so a retry after a failure creates nothing twice.
func (s *Server) handleSplit() echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		var body splitBody
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		body.Check = strings.TrimSpace(body.Check)
		r, err := s.records.get(ctx, c.Param("id"))
		if err != nil {
			return err
		}
		if err := splitAllowed(r, body.Check); err != nil {
			return err
		}
		raw, err := s.readDoc(ctx, r, r.LatestCheck)
		if err != nil {
			return err
		}
		var plan splitPlan
		if err := json.Unmarshal(raw, &plan); err != nil {
			return fmt.Errorf("read check %s: %w", r.LatestCheck, err)
		}
		if plan.Split == nil || len(plan.Split.Groups) < 2 {
			return errorf(http.StatusConflict, "nothing_to_split", "check",
				"the check %s has no split plan: the port's numbers are on one account", r.LatestCheck)
		}
		pin, err := s.cfg.Secrets.Open(r.ID, r.PINSealed)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		var made []splitPort
		for i, g := range plan.Split.Groups {
			sp, err := s.splitOne(ctx, c, r, i, g.Numbers, g.AccountNumber, g.Carrier, g.Bill, pin)
			if err != nil {
				return err
			}
			made = append(made, sp)
		}
		ids := make([]string, len(made))
		for i, m := range made {
			ids[i] = m.ID
		}
		var evs []Event
		r, err = s.records.update(ctx, r.ID, func(r *Record) error {
			evs = evs[:0]
			if err := splitAllowed(r, body.Check); err != nil {
				return err
			}
			msg := fmt.Sprintf("split into %d port requests, one per account or carrier: %s", len(ids), strings.Join(ids, ", "))
			ev, err := r.move(StatusCancelled, who(c).Actor, msg, now)
			if err != nil {
				return err
			}
			r.UpdatedAt = now
			evs = append(evs, ev)
			return nil
		})
		if err != nil {
			return err
		}
		s.notify(c, r, evs...)
		s.log.InfoContext(ctx, "port split", slog.String("port_id", r.ID), slog.Any("into", ids))
		if body.LOA {
			for i := range made {
				if made[i].Status != StatusDraft {
					continue // an earlier try sent it
				}
				out, err := s.sendLOA(c, made[i].ID, nil)
				var e *Error
				switch {
				case errors.As(err, &e) && e.Status < 500:
					made[i].LOAError = &loaProblem{Code: e.Code, Message: e.Message, Field: e.Field, Problems: e.Problems}
				case err != nil:
					return err
				default:
					made[i].LOA, made[i].Status = out, StatusAwaitingSignature
				}
			}
		}
		return c.JSON(http.StatusCreated, map[string]any{"id": r.ID, "status": r.Status, "ports": made})
	}
}

func splitAllowed(r *Record, check string) error {
	switch {
	case r.Status != StatusInReview:
		return wrongState("port %s is %s; a port is split while it is in_review, after the check that says how", r.ID, r.Status)
	case check == "":
		return errorf(http.StatusUnprocessableEntity, "required", "check", "check is required: name the check whose split plan you follow (the port's latest_check)")
	case check != r.LatestCheck:
		return errorf(http.StatusConflict, "stale_check", "check",
			"port %s was checked again after the check you name (%s); split by its latest check, %s", r.ID, check, r.LatestCheck)
	}
	return nil
}

// splitOne creates the new port of group i (or finds it made by an earlier try).
func (s *Server) splitOne(ctx context.Context, c echo.Context, r *Record, i int, numbers []string, account, carrier, bill, pin string) (splitPort, error) {
	id := splitID(r.ID, r.LatestCheck, i)
	req := r.Request
	req.Numbers = nil
	for _, n := range r.Request.Numbers {
		e, err := port.NormalizeNumber(n.Number)
		if err != nil {
			e = strings.TrimSpace(n.Number)
		}
		for _, want := range numbers {
			if want == e {
				req.Numbers = append(req.Numbers, n)
				break
			}
		}
	}
	sameAccount := account == "" || sameAccountNumber(account, r.Request.Customer.AccountNumber)
	if account != "" {
		req.Customer.AccountNumber = account
	}
	if carrier != "" {
		req.CarrierName = carrier
	}
	if req.BTN != "" && !containsNumber(numbers, req.BTN) {
		req.BTN = ""
	}
	ownPIN := ""
	if sameAccount {
		ownPIN = pin
	}
	req.Customer.AccountPIN = ownPIN
	sealed, err := s.cfg.Secrets.Seal(id, ownPIN)
	if err != nil {
		return splitPort{}, err
	}
	now := s.now().UTC()
	nr := &Record{
		ID: id, Status: StatusDraft, StatusSince: now, Request: req.Masked(), PINSealed: sealed, SubmitterEmail: r.SubmitterEmail,
		CreatedAt: now, UpdatedAt: now, CreatedBy: who(c).Actor, Owner: r.owner(), Documents: []storedDoc{},
	}
	from := fmt.Sprintf("split from port %s (check %s) for %d number(s)", r.ID, r.LatestCheck, len(req.Numbers))
	if bill != "" {
		from += "; their bill is " + bill + " of port " + r.ID
	}
	if !sameAccount {
		from += "; the PIN of this account is still to be given"
	}
	nr.addEvent(Event{At: now, Actor: who(c).Actor, Type: EventCreated, To: StatusDraft, Visibility: VisibilityCustomer, Message: from})
	sp := splitPort{ID: id, Status: StatusDraft, Numbers: numbers, AccountNumber: req.Customer.AccountNumber, CarrierName: req.CarrierName, PINCopied: sameAccount && pin != ""}
	switch err := s.records.create(ctx, nr); {
	case errors.Is(err, portdb.ErrExists):
		cur, err := s.records.get(ctx, id)
		if err != nil {
			return splitPort{}, err
		}
		sp.Status = cur.Status
	case err != nil:
		return splitPort{}, err
	}
	return sp, nil
}

// splitID is group i's port id: the same for the same port, check and group.
func splitID(id, check string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("portdocs split\x00%s\x00%s\x00%d", id, check, i)))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])[:20])
}

func sameAccountNumber(a, b string) bool { return port.AccountKey(a) == port.AccountKey(b) }

func containsNumber(list []string, n string) bool {
	e, err := port.NormalizeNumber(n)
	if err != nil {
		return false
	}
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}
