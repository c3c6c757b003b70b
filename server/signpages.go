package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

//go:embed templates/*.html
var templateFS embed.FS

func parsePages() (*template.Template, error) {
	return template.New("pages").Funcs(template.FuncMap{
		"date": func(t time.Time) string { return t.UTC().Format("2 January 2006 15:04 UTC") },
	}).ParseFS(templateFS, "templates/*.html")
}

const nonceKey = "portdocs.csp_nonce"

// secureHeaders protects the signer's pages: no framing by others, no referrer (the
// token is in the URL), no caching, and a CSP that allows only this origin plus the
// page's own nonce-tagged script (the signature pad).
func secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		nonce := base64.StdEncoding.EncodeToString(b)
		c.Set(nonceKey, nonce)
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "+
			"script-src 'nonce-"+nonce+"'; frame-src 'self'; object-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if c.Scheme() == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

func (s *Server) renderPage(c echo.Context, status int, name string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["Nonce"], _ = c.Get(nonceKey).(string)
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// signContext loads what a signing page needs and checks the link is the port's live one.
func (s *Server) signContext(c echo.Context) (*loa.Signing, int64, *Record, error) {
	ctx := c.Request().Context()
	sg, version, err := s.getSigning(ctx, c.Param("token"))
	if err != nil {
		return nil, 0, nil, err
	}
	r, err := s.records.get(ctx, sg.PortID)
	if err != nil {
		return nil, 0, nil, err
	}
	if r.SigningKey != sg.TokenSHA256 || r.Status == StatusCancelled {
		return nil, 0, nil, fmt.Errorf("port %s: %w", r.ID, loa.ErrVoided)
	}
	return sg, version, r, nil
}

// maxListedNumbers bounds the numbers listed on the signer's page itself: a bulk order
// may carry thousands, which the letter lists in full.
const maxListedNumbers = 50

func (s *Server) pageData(c echo.Context, sg *loa.Signing, r *Record) map[string]any {
	token := c.Param("token")
	listed := r.Request.Numbers
	if len(listed) > maxListedNumbers {
		listed = listed[:maxListedNumbers]
	}
	return map[string]any{
		"Token": token, "Signer": sg.Signer.FullName, "Carrier": r.Request.CarrierName,
		"Customer": strings.TrimSpace(r.Request.Customer.FirstName + " " + r.Request.Customer.LastName),
		"Business": r.Request.Customer.BusinessName, "Numbers": r.Request.Numbers,
		"ListedNumbers": listed, "MoreNumbers": len(r.Request.Numbers) - len(listed),
		"ExpiresAt": sg.ExpiresAt, "LOAURL": "/sign/" + token + "/loa.pdf", "Status": r.Status,
		"BillURL": "/sign/" + token + "/bill",
		// What the page may link to: what the link still opens (linkpolicy.go).
		"BillStep": s.linkStep(sg, r, s.now().UTC()) == stepBill,
	}
}

// signFormData is pageData plus the letter as page images, for sign.html only: a phone
// does not draw the PDF inline, so the page shows the images and keeps the PDF link.
func (s *Server) signFormData(c echo.Context, sg *loa.Signing, r *Record) map[string]any {
	data := s.pageData(c, sg, r)
	data["LOAPages"] = s.signLOAPages(c, s.pageImages, r)
	return data
}

func signedOrLater(st Status) bool {
	return st == StatusSigned || st == StatusInReview || st == StatusApproved || st == StatusRejected
}

// handleSignPage shows the LOA with the consent box, the typed name and the pad.
func (s *Server) handleSignPage() echo.HandlerFunc {
	return func(c echo.Context) error {
		sg, version, r, err := s.signContext(c)
		if err != nil {
			return err
		}
		if signedOrLater(r.Status) {
			return s.renderPage(c, http.StatusOK, "signed.html", s.pageData(c, sg, r))
		}
		if err := sg.Open(s.now().UTC(), c.RealIP(), c.Request().UserAgent()); err != nil {
			return err
		}
		if _, err := s.putSigning(c.Request().Context(), sg, version); err != nil {
			// The page still works; only this "opened" line of the audit is lost.
			s.log.WarnContext(c.Request().Context(), "record signing opened", slog.String("port_id", r.ID), slog.String("error", err.Error()))
		}
		return s.renderPage(c, http.StatusOK, "sign.html", s.signFormData(c, sg, r))
	}
}

// handleSignLOA serves the LOA the signer is asked to sign, for the page's viewer.
func (s *Server) handleSignLOA() echo.HandlerFunc {
	return func(c echo.Context) error {
		sg, _, r, err := s.signContext(c)
		if err != nil {
			return err
		}
		if err := s.allowLetter(sg, r); err != nil {
			return err
		}
		d, ok := currentLOA(r)
		if !ok {
			return fmt.Errorf("port %s has no LOA: %w", r.ID, storage.ErrNotFound)
		}
		data, err := s.readDoc(c.Request().Context(), r, d.Name)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `inline; filename="letter-of-authorization.pdf"`)
		return c.Blob(http.StatusOK, "application/pdf", data)
	}
}

// handleSign signs, seals and archives the LOA. The order makes a failure safe: the
// sealed PDF is stored first (an orphan at worst), then the signing is used up (the
// single-use lock), then the record moves to signed; if that last write fails the
// signing is restored so the signer can try again.
func (s *Server) handleSign() echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		sg, version, r, err := s.signContext(c)
		if err != nil {
			return err
		}
		if signedOrLater(r.Status) {
			return fmt.Errorf("port %s: %w", r.ID, loa.ErrUsed)
		}
		data := s.pageData(c, sg, r)
		fullName := strings.TrimSpace(c.FormValue("full_name"))
		consent := c.FormValue("consent") == "yes"
		data["FullName"], data["Consent"] = fullName, consent
		// The form comes back with what the signer gave (the tick too) and the error
		// tied to its field, which takes the focus.
		formError := func(err error) error {
			e := classify(err)
			if e.Status != http.StatusUnprocessableEntity {
				return err
			}
			data["Error"], data["ErrorField"] = e.Message, e.Field
			data["LOAPages"] = s.signLOAPages(c, s.pageImages, r)
			return s.renderPage(c, http.StatusUnprocessableEntity, "sign.html", data)
		}
		var png []byte
		if sig := c.FormValue("signature"); sig != "" {
			if png, err = loa.ParseSignatureDataURL(sig); err != nil {
				return formError(err)
			}
		}
		before, _ := json.Marshal(sg)
		now := s.now().UTC()
		if err := sg.Sign(now, c.RealIP(), c.Request().UserAgent(), fullName, consent, png); err != nil {
			return formError(err)
		}
		loaPDF, err := s.readDoc(ctx, r, r.LOADocument)
		if err != nil {
			return err
		}
		signed, err := loa.SignedPDF(r.Request, loaPDF, *sg, png, s.cfg.LOA)
		if err != nil {
			return fmt.Errorf("signed LOA: %w", err)
		}
		sealed, err := s.cfg.Sealer.Seal(signed, loa.SealInfoFor(*sg))
		if err != nil {
			return fmt.Errorf("seal LOA: %w", err)
		}
		// The signing is claimed before anything is archived: of two signers racing
		// on one link, only the one whose write lands archives a sealed LOA (the
		// archive keeps whatever it is given for years, so a loser's must never
		// reach it).
		claimed, err := s.putSigning(ctx, sg, version)
		if errors.Is(err, portdb.ErrConflict) {
			return fmt.Errorf("signing changed meanwhile: %w", loa.ErrUsed)
		}
		if err != nil {
			return err
		}
		restore := func() {
			if _, rerr := s.cfg.DB.PutSigning(context.WithoutCancel(ctx), &portdb.Signing{TokenSHA256: sg.TokenSHA256, PortID: sg.PortID, Body: before}, claimed); rerr != nil {
				s.log.ErrorContext(ctx, "restore signing after failed sign", slog.String("port_id", r.ID), slog.String("error", rerr.Error()))
			}
		}
		doc, err := s.putDoc(ctx, r.ID, "signed-loa-"+sha256Hex(sealed)[:16]+".pdf", KindSignedLOA, "application/pdf", sealed, true)
		if err != nil {
			restore()
			return err
		}
		var evs []Event
		r, err = s.records.update(ctx, r.ID, func(r *Record) error {
			evs = evs[:0]
			if r.SigningKey != sg.TokenSHA256 {
				return loa.ErrVoided
			}
			ev, err := r.move(StatusSigned, "signer", "", now)
			if err != nil {
				return err
			}
			r.addDoc(doc)
			r.UpdatedAt = now
			evs = append(evs, ev, r.addEvent(Event{At: now, Actor: "signer", Type: EventDocument, Document: doc.Name,
				Message: fmt.Sprintf("LOA signed electronically by %s and sealed (SHA-256 %s)", sg.SignedName, doc.SHA256)}))
			return nil
		})
		if err != nil {
			restore()
			return err
		}
		s.log.InfoContext(ctx, "LOA signed", slog.String("port_id", r.ID))
		s.notify(c, r, evs...)
		billURL := s.baseURL(c) + "/sign/" + c.Param("token") + "/bill"
		to := r.SubmitterEmail
		if to == "" {
			to = s.cfg.NotifyEmail
		}
		s.sendMail(ctx, r.ID, to, "Your Letter of Authorization has been signed",
			fmt.Sprintf("The Letter of Authorization for port %s (%s, %d number(s)) has been signed by %s on %s.\n\nNext: upload the latest phone bill as proof of ownership.\n",
				r.ID, r.Request.CarrierName, len(r.Request.Numbers), sg.SignedName, now.Format("2 January 2006 15:04 MST")), "signed_notice")
		s.sendMail(ctx, r.ID, sg.Signer.Email, "Upload your phone bill to finish the port",
			fmt.Sprintf("Thank you for signing, %s.\n\nTo finish the port, upload your latest phone bill from %s (proof of ownership):\n\n%s\n",
				sg.Signer.FullName, r.Request.CarrierName, billURL), "bill_link")
		data["Status"] = r.Status
		return s.renderPage(c, http.StatusOK, "signed.html", data)
	}
}
