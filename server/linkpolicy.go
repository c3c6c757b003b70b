package server

import (
	"fmt"
	"time"

	"github.com/portdocs/portdocs/loa"
)

// What a signing link opens (issue 17.5). The link is the signer's only credential,
// so it opens no more than the step the signer is at, and nothing once that step is
// over:
//
//	link, port                               page        sign  letter (PDF, page images)  bill page, upload
//	not signed, not expired                  the form    yes   the LOA to sign            409: sign first
//	not signed, expired                      410         410   410                        410
//	signed; port signed or in_review, less
//	  than billWindow after the signature    "signed"    410   the signed LOA             yes
//	signed; later (decided, or the window
//	  passed)                                "signed"    410   410                        410
//	replaced by a newer link, or cancelled   410         410   410                        410
//
// The last row is signContext's; the others are linkStep's.
type linkStep int

const (
	stepSign   linkStep = iota // the LOA waits for this signer
	stepBill                   // signed: the bill is asked for
	stepClosed                 // nothing more through this link
)

// billWindow is how long after signing the link takes the bill (the signing TTL).
func (s *Server) billWindow() time.Duration {
	if s.cfg.SigningTTL > 0 {
		return s.cfg.SigningTTL
	}
	return loa.DefaultSigningTTL
}

func (s *Server) linkStep(sg *loa.Signing, r *Record, now time.Time) linkStep {
	switch {
	case sg.UsedAt == nil && !signedOrLater(r.Status):
		if now.After(sg.ExpiresAt) {
			return stepClosed
		}
		return stepSign
	case sg.UsedAt != nil && billAllowed(r.Status) && now.Before(sg.UsedAt.Add(s.billWindow())):
		return stepBill
	}
	return stepClosed
}

// allowLetter: the letter (the LOA to sign, then the signed one) while the link is at
// the signing or the bill step.
func (s *Server) allowLetter(sg *loa.Signing, r *Record) error {
	if s.linkStep(sg, r, s.now().UTC()) == stepClosed {
		return linkClosed(sg)
	}
	return nil
}

// allowBill: the bill page and upload at the bill step only.
func (s *Server) allowBill(sg *loa.Signing, r *Record) error {
	switch s.linkStep(sg, r, s.now().UTC()) {
	case stepSign:
		return billTooEarly(r)
	case stepClosed:
		return linkClosed(sg)
	}
	return nil
}

func linkClosed(sg *loa.Signing) error {
	if sg.UsedAt == nil {
		return loa.ErrExpired
	}
	return fmt.Errorf("this link no longer opens the port's documents or takes a bill (%w); ask the sender", loa.ErrUsed)
}
