package loa

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/portdocs/portdocs/port"
)

var testSigner = port.Signer{FullName: "Zoë O'Brien", Email: "zoe@example.com"}

func newTestSigning(t *testing.T, now time.Time, ttl time.Duration) (*Signing, string) {
	t.Helper()
	s, token, err := NewSigning("port-1", testSigner, []byte("%PDF-1.4 fake LOA"), testDate, now, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return s, token
}

func TestNewSigningToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		s, token := newTestSigning(t, testDate, 0)
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			t.Fatalf("token %q is not base64url: %v", token, err)
		}
		if len(raw)*8 < 128 {
			t.Fatalf("token has %d bits; want at least 128", len(raw)*8)
		}
		if seen[token] {
			t.Fatal("token repeated")
		}
		seen[token] = true
		if s.TokenSHA256 == token || !s.MatchToken(token) || s.MatchToken(token+"x") {
			t.Fatal("the signing must keep only the token's hash and match exactly that token")
		}
		if got := s.ExpiresAt.Sub(s.CreatedAt); got != DefaultSigningTTL {
			t.Fatalf("default expiry %v; want %v", got, DefaultSigningTTL)
		}
		if len(s.Audit) != 1 || s.Audit[0].Type != EventCreated {
			t.Fatalf("audit = %+v; want one created event", s.Audit)
		}
	}
	s, _ := newTestSigning(t, testDate, time.Hour)
	if got := s.ExpiresAt.Sub(s.CreatedAt); got != time.Hour {
		t.Errorf("configured expiry %v; want 1h", got)
	}
}

func TestSigningRules(t *testing.T) {
	png := pngBytes(t, 200, 80)
	type step func(s *Signing, now time.Time) error
	sign := func(name string, consent bool, img []byte) step {
		return func(s *Signing, now time.Time) error { return s.Sign(now, "198.51.100.2", "UA", name, consent, img) }
	}
	open := func(s *Signing, now time.Time) error { return s.Open(now, "198.51.100.2", "UA") }
	void := func(s *Signing, now time.Time) error { return s.Void(now, "cancelled by the customer") }
	for _, tc := range []struct {
		name  string
		after time.Duration // time of the last step after creation
		prep  []step        // steps that must succeed first
		last  step
		want  error
	}{
		{"sign with drawn signature", time.Hour, []step{open}, sign("Zoë O'Brien", true, png), nil},
		{"sign with typed name only", time.Hour, nil, sign("Zoë O'Brien", true, nil), nil},
		{"name folded: case, accents, apostrophe, spaces", time.Hour, nil, sign("  zoe   OBRIEN ", true, nil), nil},
		{"curly apostrophe", time.Hour, nil, sign("Zoë O’Brien", true, nil), nil},
		{"no consent", time.Hour, nil, sign("Zoë O'Brien", false, nil), ErrConsentRequired},
		{"different name", time.Hour, nil, sign("Zoë Smith", true, nil), ErrNameMismatch},
		{"missing last name", time.Hour, nil, sign("Zoë", true, nil), ErrNameMismatch},
		{"empty name", time.Hour, nil, sign("", true, nil), ErrNameMismatch},
		{"bad signature image", time.Hour, nil, sign("Zoë O'Brien", true, []byte("GIF89a")), ErrBadSignatureImage},
		{"open after expiry", DefaultSigningTTL, nil, open, ErrExpired},
		{"sign after expiry", DefaultSigningTTL + time.Second, nil, sign("Zoë O'Brien", true, nil), ErrExpired},
		{"sign just before expiry", DefaultSigningTTL - time.Second, nil, sign("Zoë O'Brien", true, nil), nil},
		{"sign twice", time.Hour, []step{sign("Zoë O'Brien", true, nil)}, sign("Zoë O'Brien", true, nil), ErrUsed},
		{"open after signing", time.Hour, []step{sign("Zoë O'Brien", true, nil)}, open, ErrUsed},
		{"sign a voided link", time.Hour, []step{void}, sign("Zoë O'Brien", true, nil), ErrVoided},
		{"void a signed link", time.Hour, []step{sign("Zoë O'Brien", true, nil)}, void, ErrUsed},
		{"void twice", time.Hour, []step{void}, void, ErrVoided},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newTestSigning(t, testDate, 0)
			for i, p := range tc.prep {
				if err := p(s, testDate.Add(time.Minute)); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			before := len(s.Audit)
			err := tc.last(s, testDate.Add(tc.after))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v; want %v", err, tc.want)
			}
			if err != nil && len(s.Audit) != before {
				t.Errorf("a refused step was recorded: %+v", s.Audit[before:])
			}
		})
	}
}

func TestSignRecordsTheAuditTrail(t *testing.T) {
	s, _ := newTestSigning(t, testDate, 0)
	png := pngBytes(t, 200, 80)
	steps := []struct {
		typ string
		do  func(time.Time) error
	}{
		{EventSent, func(at time.Time) error { return s.Sent(at, "email to z***@example.com") }},
		{EventOpened, func(at time.Time) error { return s.Open(at, "192.0.2.1", "Safari") }},
		{EventSigned, func(at time.Time) error { return s.Sign(at, "192.0.2.1", "Safari", "Zoe O'Brien", true, png) }},
	}
	for i, st := range steps {
		if err := st.do(testDate.Add(time.Duration(i+1) * time.Minute)); err != nil {
			t.Fatalf("%s: %v", st.typ, err)
		}
	}
	var types []string
	for _, e := range s.Audit {
		types = append(types, e.Type)
		if e.At.IsZero() || e.At.Location() != time.UTC {
			t.Errorf("%s: time %v not set in UTC", e.Type, e.At)
		}
	}
	want := []string{EventCreated, EventSent, EventOpened, EventConsented, EventSigned}
	if len(types) != len(want) {
		t.Fatalf("events %v; want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("events %v; want %v", types, want)
		}
	}
	last := s.Audit[len(s.Audit)-1]
	if last.IP != "192.0.2.1" || last.UserAgent != "Safari" {
		t.Errorf("signed event %+v lacks IP or user agent", last)
	}
	if s.UsedAt == nil || s.SignedName != "Zoe O'Brien" || s.SignatureSHA256 == "" {
		t.Errorf("signing not completed: %+v", s)
	}

	// The JSON the server stores round-trips.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Signing
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.LOASHA256 != s.LOASHA256 || len(back.Audit) != len(s.Audit) || back.UsedAt == nil || !back.UsedAt.Equal(*s.UsedAt) {
		t.Errorf("JSON round trip lost data: %s", b)
	}
	if err := back.Open(testDate.Add(time.Hour), "", ""); !errors.Is(err, ErrUsed) {
		t.Errorf("stored signing reopened: %v", err)
	}
}

func TestChangeSignerVoidsTheOldLink(t *testing.T) {
	old, oldToken := newTestSigning(t, testDate, 0)
	corrected := port.Signer{FullName: testSigner.FullName, Email: "zoe.obrien@example.com"}
	next, token, err := old.ChangeSigner(testDate.Add(time.Hour), corrected, []byte("%PDF re-rendered"), testDate, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !old.Voided || old.Audit[len(old.Audit)-1].Type != EventVoided {
		t.Fatal("old signing not voided")
	}
	if err := old.Sign(testDate.Add(2*time.Hour), "", "", testSigner.FullName, true, nil); !errors.Is(err, ErrVoided) {
		t.Errorf("old link still signs: %v", err)
	}
	if token == oldToken || next.MatchToken(oldToken) || !next.MatchToken(token) {
		t.Error("the new link must have a new token")
	}
	if next.Signer.Email != corrected.Email || next.LOASHA256 == old.LOASHA256 {
		t.Errorf("new signing %+v is not for the corrected signer and LOA", next)
	}
	if err := next.Sign(testDate.Add(2*time.Hour), "", "", testSigner.FullName, true, nil); err != nil {
		t.Errorf("new link does not sign: %v", err)
	}
	if _, _, err := old.ChangeSigner(testDate.Add(3*time.Hour), corrected, []byte("x"), testDate, 0); !errors.Is(err, ErrVoided) {
		t.Errorf("changing a voided signing: %v; want ErrVoided", err)
	}
}

func TestSignedPDFRefusesAnotherLOA(t *testing.T) {
	req := loadRequest(t, "request.json")
	opts := Options{Date: testDate}
	loa, err := Render(req, opts)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := NewSigning("p", req.Signer, loa, testDate, testDate, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SignedPDF(req, loa, *s, nil, opts); !errors.Is(err, ErrNotSigned) {
		t.Errorf("unsigned: %v; want ErrNotSigned", err)
	}
	if err := s.Sign(testDate.Add(time.Minute), "", "", req.Signer.FullName, true, nil); err != nil {
		t.Fatal(err)
	}
	changed := req
	changed.Customer.AccountNumber = "999"
	for _, tc := range []struct {
		name string
		req  port.Request
		pdf  []byte
		opts Options
	}{
		{"other bytes", req, append(append([]byte(nil), loa...), ' '), opts},
		{"other request", changed, loa, opts},
		{"other options", req, loa, Options{CompanyName: "Someone Else"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := SignedPDF(tc.req, tc.pdf, *s, nil, tc.opts); !errors.Is(err, ErrLOAMismatch) {
				t.Errorf("err = %v; want ErrLOAMismatch", err)
			}
		})
	}
	if _, err := SignedPDF(req, loa, *s, pngBytes(t, 10, 10), opts); !errors.Is(err, ErrBadSignatureImage) {
		t.Errorf("an image the signer did not draw: %v; want ErrBadSignatureImage", err)
	}
	if _, err := SignedPDF(req, loa, *s, nil, opts); err != nil {
		t.Errorf("typed-name signing: %v", err)
	}
}
