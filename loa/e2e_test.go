package loa

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
)

// TestSignAndSealEndToEnd walks the whole path: render, open a signing, send, open,
// consent and sign with a drawn signature, make the signed PDF, seal it, and verify
// the seal with Verify and with poppler's pdfsig — then break it.
func TestSignAndSealEndToEnd(t *testing.T) {
	req := loadRequest(t, "request.json")
	opts := Options{Date: testDate, CompanyName: "Acme Calls Ltd"}
	unsigned, err := Render(req, opts)
	if err != nil {
		t.Fatal(err)
	}
	now := testDate.Add(time.Hour)
	s, token, err := NewSigning("port-123", req.Signer, unsigned, opts.Date, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !s.MatchToken(token) {
		t.Fatal("token does not match its signing")
	}
	if err := s.Sent(now, "email to signer"); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(now.Add(time.Minute), "203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"); err != nil {
		t.Fatal(err)
	}
	sigPNG, err := ParseSignatureDataURL(signatureDataURL(t, 300, 100))
	if err != nil {
		t.Fatal(err)
	}
	signedAt := now.Add(2 * time.Minute)
	if err := s.Sign(signedAt, "203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "jose nunez", true, sigPNG); err != nil {
		t.Fatal(err)
	}
	signedPDF, err := SignedPDF(req, unsigned, *s, sigPNG, Options{CompanyName: "Acme Calls Ltd"})
	if err != nil {
		t.Fatal(err)
	}

	pages := pdfText(t, signedPDF)
	cert := pages[len(pages)-1]
	for _, want := range []string{"Certificate of signing", s.LOASHA256, s.SignatureSHA256, "port-123",
		"created", "sent", "opened", "consented", "signed", "203.0.113.7", "Firefox/140.0",
		"jose nunez", "José Núñez", "jose@example.com", signedAt.Format("2006-01-02 15:04:05")} {
		if !strings.Contains(cert, want) {
			t.Errorf("certificate page lacks %q:\n%s", want, cert)
		}
	}
	if !strings.Contains(pages[0], "/s/ jose nunez") || !strings.Contains(pages[0], signedAt.Format("2006-01-02 15:04")) {
		t.Errorf("signature block not filled in:\n%s", pages[0])
	}

	// The signed LOA pages are the pages sent, plus only what fills the boxes.
	sent := pdfText(t, unsigned)
	if len(pages) != len(sent)+1 {
		t.Fatalf("signed PDF has %d pages; want the %d LOA pages plus a certificate", len(pages), len(sent))
	}
	for i := range sent {
		p := strings.NewReplacer("/s/ jose nunez — signed electronically", "", signedAt.Format("2006-01-02 15:04")+" UTC", "").Replace(pages[i])
		if squash(p) != squash(sent[i]) {
			t.Errorf("page %d of the signed LOA differs from the LOA sent beyond the signature:\n%s\n---\n%s", i+1, p, sent[i])
		}
	}

	sealer, err := DevSealer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sealer.Seal(signedPDF, SealInfoFor(*s))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(sealed, sealer.Trust())
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid || v.LOASHA256 != s.LOASHA256 || !v.SelfSigned || v.Trusted {
		t.Fatalf("Verify(sealed, sealer.Trust()) = %+v; want valid, self-signed, untrusted, LOA hash %s", v, s.LOASHA256)
	}
	if !strings.Contains(v.Reason, "port port-123 signed by jose nunez") {
		t.Errorf("seal reason = %q", v.Reason)
	}
	if !strings.Contains(v.Signer, "portdocs development seal") {
		t.Errorf("signer = %q", v.Signer)
	}
	if v.SigningTime.IsZero() {
		t.Error("no signing time")
	}
	out := pdfsig(t, sealed)
	if !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig does not accept the seal:\n%s", out)
	}
	t.Logf("pdfsig on the sealed LOA:\n%s", out)
	if os.Getenv("LOA_KEEP") != "" {
		_ = os.WriteFile(os.Getenv("LOA_KEEP"), sealed, 0o644)
	}

	// One byte changed inside the signed range (in the first page's content) must
	// break the seal, for Verify and for pdfsig.
	tampered := append([]byte(nil), sealed...)
	i := strings.Index(string(tampered), "/Title")
	if i < 0 {
		t.Fatal("no /Title in the PDF to tamper with")
	}
	tampered[i+9] ^= 0x01
	v, err = Verify(tampered, sealer.Trust())
	if err != nil {
		t.Fatal(err)
	}
	if v.Valid {
		t.Error("Verify accepts a document changed after sealing")
	}
	if out := pdfsig(t, tampered); strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig accepts a tampered document:\n%s", out)
	}

	// Bytes appended after the seal are not covered by it.
	appended := append(append([]byte(nil), sealed...), []byte("\n% extra\n")...)
	if v, err := Verify(appended, sealer.Trust()); err != nil || v.Valid {
		t.Errorf("Verify(appended, sealer.Trust()) = %+v, %v; want invalid", v, err)
	}
}

func pdfsig(t *testing.T, b []byte) string {
	t.Helper()
	tool := testenv.LookTool(t, "pdfsig")
	p := filepath.Join(t.TempDir(), "sealed.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(tool, p).CombinedOutput() // exit status varies by version; the text is the verdict
	return string(out)
}
