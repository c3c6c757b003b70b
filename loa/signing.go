package loa

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/portdocs/portdocs/port"
)

// DefaultSigningTTL is how long a signing link lives unless configured otherwise.
const DefaultSigningTTL = 14 * 24 * time.Hour

// tokenBytes is the token's entropy: 256 bits, well above the 128 required.
const tokenBytes = 32

// Errors a signing attempt can end with. The server maps them: ErrExpired, ErrUsed
// and ErrVoided to 410 Gone; ErrConsentRequired, ErrNameMismatch and
// ErrBadSignatureImage to 400/422 with the field named.
var (
	ErrExpired           = errors.New("signing link has expired; ask for a new one")
	ErrUsed              = errors.New("signing link was already used; the LOA is signed")
	ErrVoided            = errors.New("signing link was replaced or cancelled; use the newest link")
	ErrConsentRequired   = errors.New("consent: tick the box to agree to sign electronically")
	ErrNameMismatch      = errors.New("full_name: type your name as it appears on the LOA")
	ErrBadSignatureImage = errors.New("signature: not a usable PNG signature image")
	ErrNotSigned         = errors.New("loa: the signing is not complete")
	ErrLOAMismatch       = errors.New("loa: the LOA differs from the one the signer was sent")
)

// Event types of the audit trail.
const (
	EventCreated   = "created"
	EventSent      = "sent"
	EventOpened    = "opened"
	EventConsented = "consented"
	EventSigned    = "signed"
	EventVoided    = "voided"
)

// Event is one line of the audit trail.
type Event struct {
	Type      string    `json:"type"`
	At        time.Time `json:"at"`
	IP        string    `json:"ip,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// Signing is one signing request for one rendered LOA. The server stores it as JSON
// and finds it by TokenSHA256 (see HashToken): the token itself is never stored, so
// a leaked copy of the store does not let anyone sign.
type Signing struct {
	TokenSHA256 string      `json:"token_sha256"`
	PortID      string      `json:"port_id"`
	Signer      port.Signer `json:"signer"`
	CreatedAt   time.Time   `json:"created_at"`
	ExpiresAt   time.Time   `json:"expires_at"`
	UsedAt      *time.Time  `json:"used_at,omitempty"`
	Voided      bool        `json:"voided"`
	// LOASHA256 is the hex SHA-256 of the LOA PDF exactly as sent to the signer.
	LOASHA256 string `json:"loa_sha256"`
	// LOADate is the Options.Date the LOA was rendered with; SignedPDF needs it to
	// re-render the identical document.
	LOADate time.Time `json:"loa_date"`
	// SignedName is the name as the signer typed it.
	SignedName string `json:"signed_name,omitempty"`
	// SignatureSHA256 is the hex SHA-256 of the drawn signature PNG, when one was given.
	SignatureSHA256 string  `json:"signature_sha256,omitempty"`
	Audit           []Event `json:"audit"`
}

// NewSigning opens a signing request for loaPDF and returns it with the token for
// the signing link. loaDate must be the Options.Date loaPDF was rendered with (set it
// explicitly when rendering): SignedPDF re-renders with it. ttl <= 0 means
// DefaultSigningTTL. The token is returned once and not kept.
func NewSigning(portID string, signer port.Signer, loaPDF []byte, loaDate, now time.Time, ttl time.Duration) (*Signing, string, error) {
	if strings.TrimSpace(signer.FullName) == "" || strings.TrimSpace(signer.Email) == "" {
		return nil, "", errors.New("signer: the signing needs the signer's full_name and email")
	}
	if len(loaPDF) == 0 {
		return nil, "", errors.New("loa: no LOA to sign")
	}
	if loaDate.IsZero() {
		return nil, "", errors.New("loa: the LOA's date is needed to re-render it when signed; render with an explicit Options.Date")
	}
	if ttl <= 0 {
		ttl = DefaultSigningTTL
	}
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", fmt.Errorf("loa: making a signing token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now = now.UTC()
	sum := sha256.Sum256(loaPDF)
	s := &Signing{
		TokenSHA256: HashToken(token),
		PortID:      portID,
		Signer:      signer,
		CreatedAt:   now,
		ExpiresAt:   now.Add(ttl),
		LOASHA256:   hex.EncodeToString(sum[:]),
		LOADate:     loaDate.UTC(),
	}
	s.record(Event{Type: EventCreated, At: now, Detail: "signing link created for the LOA as sent (SHA-256 recorded); expires " + s.ExpiresAt.Format(time.RFC3339)})
	return s, token, nil
}

// HashToken is the key under which a signing is stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MatchToken reports, in constant time, whether token opens this signing.
func (s *Signing) MatchToken(token string) bool {
	return subtle.ConstantTimeCompare([]byte(HashToken(token)), []byte(s.TokenSHA256)) == 1
}

const maxUserAgent = 512

func (s *Signing) record(e Event) {
	e.At = e.At.UTC()
	if len(e.UserAgent) > maxUserAgent {
		e.UserAgent = e.UserAgent[:maxUserAgent]
	}
	e.UserAgent = strings.ToValidUTF8(e.UserAgent, "?")
	s.Audit = append(s.Audit, e)
}

// usable says why the link cannot be used now, or nil.
func (s *Signing) usable(now time.Time) error {
	switch {
	case s.Voided:
		return ErrVoided
	case s.UsedAt != nil:
		return ErrUsed
	case !now.Before(s.ExpiresAt):
		return ErrExpired
	}
	return nil
}

// Sent records that the link went out (detail: e.g. "email to j***@example.com").
func (s *Signing) Sent(now time.Time, detail string) error {
	if err := s.usable(now); err != nil {
		return err
	}
	s.record(Event{Type: EventSent, At: now, Detail: detail})
	return nil
}

// Open records that the signer opened the signing page; every open is recorded.
func (s *Signing) Open(now time.Time, ip, userAgent string) error {
	if err := s.usable(now); err != nil {
		return err
	}
	s.record(Event{Type: EventOpened, At: now, IP: ip, UserAgent: userAgent})
	return nil
}

// Sign completes the signing. The typed name must be the signer's name after
// folding (see SameName); consent must be given; signaturePNG is optional (the typed
// name alone is a signature) but, when given, must be a PNG that ValidateSignaturePNG
// accepts — normally the output of ParseSignatureDataURL. On success the link is used
// up: a second Sign returns ErrUsed.
func (s *Signing) Sign(now time.Time, ip, userAgent, fullName string, consent bool, signaturePNG []byte) error {
	if err := s.usable(now); err != nil {
		return err
	}
	if !consent {
		return ErrConsentRequired
	}
	if !SameName(fullName, s.Signer.FullName) {
		return ErrNameMismatch
	}
	if len(signaturePNG) > 0 {
		if err := ValidateSignaturePNG(signaturePNG); err != nil {
			return err
		}
	}
	now = now.UTC()
	s.record(Event{Type: EventConsented, At: now, IP: ip, UserAgent: userAgent, Detail: "agreed to sign electronically"})
	detail := "typed name: " + fullName
	if len(signaturePNG) > 0 {
		sum := sha256.Sum256(signaturePNG)
		s.SignatureSHA256 = hex.EncodeToString(sum[:])
		detail += "; with a drawn signature"
	}
	s.SignedName = fullName
	s.UsedAt = &now
	s.record(Event{Type: EventSigned, At: now, IP: ip, UserAgent: userAgent, Detail: detail})
	return nil
}

// Void cancels the link. Voiding a used or already voided signing is an error, so a
// signed LOA can never be un-signed by a later void.
func (s *Signing) Void(now time.Time, reason string) error {
	if s.Voided {
		return ErrVoided
	}
	if s.UsedAt != nil {
		return ErrUsed
	}
	s.Voided = true
	s.record(Event{Type: EventVoided, At: now, Detail: reason})
	return nil
}

// ChangeSigner replaces the signing when the signer is corrected: the old link is
// voided (it must die when the email changes) and a new one is made for loaPDF — the
// LOA re-rendered with the corrected signer, since the signer's name and email are
// printed on it. Returns the new signing and its token.
func (s *Signing) ChangeSigner(now time.Time, signer port.Signer, loaPDF []byte, loaDate time.Time, ttl time.Duration) (*Signing, string, error) {
	if err := s.usable(now); err != nil && !errors.Is(err, ErrExpired) {
		return nil, "", err
	}
	next, token, err := NewSigning(s.PortID, signer, loaPDF, loaDate, now, ttl)
	if err != nil {
		return nil, "", err
	}
	reason := "signer changed; replaced by a new link"
	if !strings.EqualFold(strings.TrimSpace(signer.Email), strings.TrimSpace(s.Signer.Email)) {
		reason = "signer email changed; replaced by a new link"
	}
	s.Voided = true
	s.record(Event{Type: EventVoided, At: now, Detail: reason})
	return next, token, nil
}

// SameName reports whether a typed name is the signer's name. Both are folded:
// Unicode compatibility decomposition with accents dropped (José = Jose), case,
// apostrophes/periods/commas dropped, hyphens and runs of white space as one space.
// Word order and initials must agree: "Jane Doe" does not sign for "Jane Q Doe",
// because the authorized name is what the losing carrier checks (AUTH_NAME_MISMATCH).
func SameName(typed, want string) bool {
	a, b := foldName(typed), foldName(want)
	return a != "" && a == b
}

func foldName(s string) string {
	var out strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '\'' || r == '’' || r == '‘' || r == '.' || r == ',' || r == 'ʼ':
			continue
		case unicode.IsSpace(r) || r == '-' || r == '‐' || r == '–':
			space = true
			continue
		}
		if space && out.Len() > 0 {
			out.WriteByte(' ')
		}
		space = false
		out.WriteString(strings.ToLower(string(r)))
	}
	return out.String()
}
