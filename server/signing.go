package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
)

// tokenPattern rejects anything that cannot be a signing token before any lookup.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)

// getSigning finds the signing a token opens, with its version for a later
// compare-and-swap. The store of record keys signings by the token's SHA-256, so a
// leaked copy of the database does not let anyone sign.
func (s *Server) getSigning(ctx context.Context, token string) (*loa.Signing, int64, error) {
	if !tokenPattern.MatchString(token) {
		return nil, 0, notFound("signing link")
	}
	sg, version, err := s.getSigningByHash(ctx, loa.HashToken(token))
	if err != nil {
		return nil, 0, err
	}
	if !sg.MatchToken(token) {
		return nil, 0, notFound("signing link")
	}
	return sg, version, nil
}

func (s *Server) getSigningByHash(ctx context.Context, tokenHash string) (*loa.Signing, int64, error) {
	row, err := s.cfg.DB.GetSigning(ctx, tokenHash)
	if errors.Is(err, portdb.ErrNotFound) {
		return nil, 0, notFound("signing link")
	}
	if err != nil {
		return nil, 0, err
	}
	var sg loa.Signing
	if err := json.Unmarshal(row.Body, &sg); err != nil {
		return nil, 0, fmt.Errorf("decode signing: %w", err)
	}
	return &sg, row.Version, nil
}

// putSigning writes sg if its stored version is still ifVersion (portdb.NoVersion to
// create, portdb.AnyVersion to overwrite) and returns the new version.
func (s *Server) putSigning(ctx context.Context, sg *loa.Signing, ifVersion int64) (int64, error) {
	data, err := json.Marshal(sg)
	if err != nil {
		return 0, err
	}
	return s.cfg.DB.PutSigning(ctx, &portdb.Signing{TokenSHA256: sg.TokenSHA256, PortID: sg.PortID, Body: data}, ifVersion)
}

type loaBody struct {
	Signer *port.Signer `json:"signer"`
}

// handleSendLOA renders the LOA, stores it, opens a signing and sends the link.
// A second call (a corrected signer, a lost email) voids the previous link.
func (s *Server) handleSendLOA() echo.HandlerFunc {
	return func(c echo.Context) error {
		var body loaBody
		if c.Request().ContentLength != 0 {
			if err := decodeJSON(c, &body); err != nil && !isEmptyBody(err) {
				return err
			}
		}
		out, err := s.sendLOA(c, c.Param("id"), body.Signer)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, out)
	}
}

// sendLOA renders port id's LOA, stores it, opens a signing and sends the link (to
// signer, when given, instead of the request's); it returns the answer of POST …/loa.
func (s *Server) sendLOA(c echo.Context, id string, signer *port.Signer) (map[string]any, error) {
	ctx := c.Request().Context()
	r, err := s.records.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanMove(r.Status, StatusAwaitingSignature) {
		return nil, wrongState("port %s is %s; the LOA can be sent only from draft or awaiting_signature", r.ID, r.Status)
	}
	req := r.Request
	if signer != nil {
		req.Signer = *signer
	}
	full := req
	if full.Customer.AccountPIN, err = s.cfg.Secrets.Open(r.ID, r.PINSealed); err != nil {
		return nil, err
	}
	if ps := full.ReadyForLOA(); port.HasErrors(ps) {
		return nil, &Error{Status: http.StatusUnprocessableEntity, Code: "not_ready_for_loa", Field: firstErrorField(ps),
			Message: "the request is not ready for an LOA; fix the fields listed in problems", Problems: ps}
	}
	now := s.now().UTC().Truncate(time.Second)
	opts := s.cfg.LOA
	opts.Date = now
	// The LOA is rendered from the masked request: it never needs the PIN, and the
	// signing re-render (SignedPDF) starts from the same stored record.
	pdf, err := loa.Render(req, opts)
	if err != nil {
		return nil, fmt.Errorf("render LOA: %w", err)
	}
	sg, token, err := loa.NewSigning(r.ID, req.Signer, pdf, now, now, s.cfg.SigningTTL)
	if err != nil {
		return nil, fmt.Errorf("new signing: %w", err)
	}
	doc, err := s.putDoc(ctx, r.ID, "loa-"+sg.LOASHA256[:16]+".pdf", KindLOA, "application/pdf", pdf, true)
	if err != nil {
		return nil, err
	}
	if _, err := s.putSigning(ctx, sg, portdb.NoVersion); err != nil {
		return nil, err
	}
	var evs []Event
	var oldKey string
	r, err = s.records.update(ctx, r.ID, func(r *Record) error {
		evs = evs[:0]
		ev, err := r.move(StatusAwaitingSignature, who(c).Actor, "LOA sent for signing", now)
		if err != nil {
			return err
		}
		oldKey = r.SigningKey
		r.Request.Signer = req.Signer
		r.LOADate, r.LOADocument, r.SigningKey, r.UpdatedAt = now, doc.Name, sg.TokenSHA256, now
		r.addDoc(doc)
		evs = append(evs, ev, r.addEvent(Event{At: now, Actor: who(c).Actor, Type: EventLOASent, Document: doc.Name,
			Message: fmt.Sprintf("LOA sent to %s for signing; the link expires %s", maskEmail(req.Signer.Email), sg.ExpiresAt.Format(time.RFC3339))}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if oldKey != "" && oldKey != sg.TokenSHA256 {
		s.voidSigning(ctx, oldKey, now)
	}
	url := s.baseURL(c) + "/sign/" + token
	sent := s.sendMail(ctx, r.ID, req.Signer.Email, "Please sign your Letter of Authorization",
		fmt.Sprintf("Hello %s,\n\nplease read and sign the Letter of Authorization to port your numbers from %s:\n\n%s\n\nThe link works until %s.\n",
			req.Signer.FullName, req.CarrierName, url, sg.ExpiresAt.Format("2 January 2006 15:04 MST")), "signing_link")
	if sent {
		if err := sg.Sent(s.now().UTC(), "email to "+maskEmail(req.Signer.Email)); err == nil {
			if _, err := s.putSigning(ctx, sg, portdb.AnyVersion); err != nil {
				s.log.WarnContext(ctx, "record sent event", slog.String("port_id", r.ID), slog.String("error", err.Error()))
			}
		}
	}
	s.log.InfoContext(ctx, "signing link created", slog.String("port_id", r.ID), slog.Bool("emailed", sent))
	s.notify(c, r, evs...)
	return map[string]any{"signing_url": url, "expires_at": sg.ExpiresAt, "email_sent": sent}, nil
}

func isEmptyBody(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusBadRequest && e.Message == "empty body; send a JSON object"
}

// voidSigning kills a replaced link; failures are logged (the record no longer points
// at it, so it cannot sign anyway).
func (s *Server) voidSigning(ctx context.Context, tokenHash string, now time.Time) {
	sg, version, err := s.getSigningByHash(ctx, tokenHash)
	if err == nil {
		if err = sg.Void(now, "replaced by a new link"); err == nil {
			_, err = s.putSigning(ctx, sg, version)
		}
	}
	if err != nil {
		s.log.WarnContext(ctx, "void old signing", slog.String("error", err.Error()))
	}
}
