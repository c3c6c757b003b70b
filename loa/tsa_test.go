package loa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// testTSA is an RFC 3161 timestamp authority on loopback (digitorus/timestamp), with
// a fixed clock; tamper, when set, changes the hashed message it stamps.
type testTSA struct {
	*httptest.Server
	cert   *x509.Certificate
	at     time.Time
	tamper bool
}

func startTSA(t *testing.T) *testTSA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Fictional Test TSA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	tsa := &testTSA{cert: cert, at: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}
	tsa.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		msg := req.HashedMessage
		if tsa.tamper {
			msg = append([]byte{}, msg...)
			msg[0] ^= 0xff
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: msg, Time: tsa.at,
			Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, AddTSACertificate: req.Certificates}
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(tsa.Close)
	return tsa
}

// The seal carries the authority's time and verify checks it; without an authority
// the seal says its time is the service's clock; an authority that fails or stamps
// something else leaves the LOA unsealed with ErrTSAUnavailable (issue 16.5).
func TestSealTimestamp(t *testing.T) {
	b, err := Render(loadRequest(t, "request.json"), Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	tsa := startTSA(t)
	s, err := DevSealer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Seal(b, SealInfo{Reason: "port port-1 signed"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(plain, s.Trust())
	if err != nil || !v.Valid || v.Timestamp != nil || !strings.Contains(v.Reason, "no timestamp authority") {
		t.Errorf("without a TSA: %+v, %v; want valid, no timestamp, and the reason saying so", v, err)
	}

	if err := s.UseTSA(tsa.URL, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	stamped, err := s.Seal(b, SealInfo{Reason: "port port-1 signed"})
	if err != nil {
		t.Fatal(err)
	}
	v, err = Verify(stamped, s.Trust())
	if err != nil || !v.Valid || v.Timestamp == nil || !v.Timestamp.Equal(tsa.at) || !strings.Contains(v.TimestampAuthority, "Fictional Test TSA") ||
		strings.Contains(v.Reason, "no timestamp authority") {
		t.Fatalf("with a TSA: %+v, %v; want valid, timestamped %s by the test TSA", v, err, tsa.at)
	}
	if out := pdfsig(t, stamped); !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig on a timestamped seal:\n%s", out)
	}

	tsa.tamper = true
	if _, err := s.Seal(b, SealInfo{}); !errors.Is(err, ErrTSAUnavailable) {
		t.Errorf("a timestamp of something else: %v; want ErrTSAUnavailable", err)
	}
	tsa.tamper = false

	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there any more
	for name, url := range map[string]string{"answers 503": failing.URL, "down": down.URL} {
		f, err := DevSealer(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.UseTSA(url, 0); err != nil {
			t.Fatal(err)
		}
		out, err := f.Seal(b, SealInfo{})
		f.Close()
		if !errors.Is(err, ErrTSAUnavailable) || out != nil {
			t.Errorf("TSA %s: %v; want ErrTSAUnavailable and no seal", name, err)
		}
	}
	if err := s.UseTSA("ftp://tsa.example/", 0); err == nil {
		t.Error("an ftp TSA URL accepted")
	}
}
