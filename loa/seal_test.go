package loa

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeRSASeal writes a CA-issued RSA-2048 seal certificate (leaf then CA in the
// certificate file, PKCS#1 key), as an operator would configure a real one.
func writeRSASeal(t *testing.T, dir string) (certPath, keyPath string, caKeyPath string) {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Seal CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Acme Calls Ltd document seal"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath, caKeyPath = filepath.Join(dir, "seal.crt"), filepath.Join(dir, "seal.key"), filepath.Join(dir, "ca.key")
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	must(t, os.WriteFile(certPath, chain, 0o600))
	must(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	must(t, os.WriteFile(caKeyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(caKey)}), 0o600))
	return certPath, keyPath, caKeyPath
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadSealerRSA(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, caKeyPath := writeRSASeal(t, dir)
	s, err := LoadSealer(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if s.Development() || s.Certificate().Subject.CommonName != "Acme Calls Ltd document seal" {
		t.Fatalf("loaded %v", s.Certificate().Subject)
	}
	b, err := Render(loadRequest(t, "request.json"), Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal(b, SealInfo{Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(sealed, s.Trust())
	if err != nil || !v.Valid || v.SelfSigned || !strings.Contains(v.Signer, "Acme Calls Ltd document seal") {
		t.Fatalf("Verify = %+v, %v", v, err)
	}
	if out := pdfsig(t, sealed); !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig:\n%s", out)
	}

	for _, tc := range []struct {
		name      string
		cert, key string
	}{
		{"missing certificate", filepath.Join(dir, "nope.crt"), keyPath},
		{"missing key", certPath, filepath.Join(dir, "nope.key")},
		{"key of another certificate", certPath, caKeyPath},
		{"key file as certificate", keyPath, keyPath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := LoadSealer(tc.cert, tc.key); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestDevSealerIsMadeOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	a, err := DevSealer(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := DevSealer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Development() || !a.Certificate().Equal(b.Certificate()) {
		t.Fatal("a second DevSealer made a different certificate")
	}
	st, err := os.Stat(filepath.Join(dir, devSealFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("seal key file is readable by others: %v", st.Mode())
	}
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	c, err := SealerFromEnv(getenv, filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Development() {
		t.Error("no configuration should give the development seal")
	}
	env[EnvSealCert] = "/some/cert.pem"
	if _, err := SealerFromEnv(getenv, dir); err == nil {
		t.Error("a certificate without a key must be an error")
	}
}

func TestVerifyRejectsUnsealed(t *testing.T) {
	b, err := Render(loadRequest(t, "request.json"), Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(b, Trust{Fingerprints: []string{"00"}}); !errors.Is(err, ErrNoSeal) {
		t.Errorf("unsealed LOA: %v; want ErrNoSeal", err)
	}
	for _, junk := range [][]byte{nil, []byte("hello"), []byte("%PDF-1.7\n%%EOF"), b[:len(b)/2]} {
		if v, err := Verify(junk, Trust{Fingerprints: []string{"00"}}); err == nil {
			t.Errorf("Verify(%d junk bytes) = %+v; want an error", len(junk), v)
		}
	}
}
