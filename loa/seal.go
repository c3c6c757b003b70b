package loa

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"

	"github.com/portdocs/portdocs/internal/pdfedit"
)

// Environment variables naming the seal's certificate and key (PEM files).
const (
	EnvSealCert = "PORTDOCS_SEAL_CERT"
	EnvSealKey  = "PORTDOCS_SEAL_KEY"
)

// devSealFile holds the development certificate and key together, so the pair is
// written (and replaced) atomically and can never be mismatched.
const devSealFile = "dev-seal.pem"

// oidDocumentSigning is id-kp-documentSigning (RFC 9336).
var oidDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// Sealer seals PDFs with a PKCS#7 detached signature (adbe.pkcs7.detached).
type Sealer struct {
	cert  *x509.Certificate
	chain []*x509.Certificate // cert first, then intermediates
	key   crypto.Signer
	dev   bool
	tsa   *tsaRelay // nil: no timestamp authority (the seal's reason says so)
}

// SealInfo goes into the PDF signature dictionary.
type SealInfo struct {
	Name     string // defaults to the certificate's common name
	Reason   string
	Location string
	Contact  string
	Date     time.Time // the signing time written in the dictionary; zero = now
}

// Certificate is the sealing certificate.
func (s *Sealer) Certificate() *x509.Certificate { return s.cert }

// Trust is the trust that accepts this sealer's seals and no other (for Verify).
func (s *Sealer) Trust() Trust { return Trust{Certificates: []*x509.Certificate{s.cert}} }

// Development reports whether this is the self-signed development certificate.
func (s *Sealer) Development() bool { return s.dev }

// SealerFromEnv loads the configured seal (PORTDOCS_SEAL_CERT and PORTDOCS_SEAL_KEY),
// or, when neither is set, the development seal kept in dataDir/seal.
func SealerFromEnv(getenv func(string) string, dataDir string) (*Sealer, error) {
	cert, key := getenv(EnvSealCert), getenv(EnvSealKey)
	switch {
	case cert != "" && key != "":
		return LoadSealer(cert, key)
	case cert != "" || key != "":
		return nil, fmt.Errorf("%s and %s: set both or neither", EnvSealCert, EnvSealKey)
	}
	return DevSealer(filepath.Join(dataDir, "seal"))
}

// LoadSealer reads a PEM certificate (followed by any intermediates) and its PEM
// private key (PKCS#8, PKCS#1 RSA or SEC 1 EC).
func LoadSealer(certPEMPath, keyPEMPath string) (*Sealer, error) {
	certPEM, err := os.ReadFile(certPEMPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; set %s to the seal certificate (PEM)", certPEMPath, err, EnvSealCert)
	}
	keyPEM, err := os.ReadFile(keyPEMPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; set %s to the seal private key (PEM)", keyPEMPath, err, EnvSealKey)
	}
	s, err := parseSealer(append(append([]byte{}, certPEM...), keyPEM...))
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", certPEMPath, keyPEMPath, err)
	}
	return s, nil
}

func parseSealer(pemBytes []byte) (*Sealer, error) {
	chain, key, err := parsePEM(pemBytes)
	if err != nil {
		return nil, err
	}
	if len(chain) == 0 {
		return nil, errors.New("no CERTIFICATE block found")
	}
	if key == nil {
		return nil, errors.New("no private key block found")
	}
	s := &Sealer{cert: chain[0], chain: chain, key: key}
	if !publicKeysEqual(s.cert.PublicKey, s.key.Public()) {
		return nil, errors.New("the private key does not belong to the certificate")
	}
	return s, nil
}

// parsePEM reads the certificates (in order) and the private key of PEM data.
func parsePEM(pemBytes []byte) (chain []*x509.Certificate, key crypto.Signer, err error) {
	for rest := pemBytes; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return chain, key, nil
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("bad certificate: %w", err)
			}
			chain = append(chain, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if key, err = parseKey(b); err != nil {
				return nil, nil, err
			}
		}
	}
}

func parseKey(b *pem.Block) (crypto.Signer, error) {
	var k any
	var err error
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(b.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("bad private key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	return signer, nil
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && ea.Equal(b)
}

// DevSealer returns the development seal kept in dir, making it on first use: a
// self-signed ECDSA P-256 certificate valid for ten years. It proves integrity (any
// change breaks the seal) but not identity: no reader trusts it. Configure a real
// certificate for production (see the README).
func DevSealer(dir string) (*Sealer, error) {
	path := filepath.Join(dir, devSealFile)
	if b, err := os.ReadFile(path); err == nil {
		s, err := parseSealer(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w; delete it to make a new development seal", path, err)
		}
		s.dev = true
		return s, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	pemBytes, err := newDevCertificate(time.Now())
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".dev-seal-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(pemBytes); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("%s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	// Link, not rename: if another process made the seal first, keep theirs, so every
	// process seals with the same certificate.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return DevSealer(dir)
}

func newDevCertificate(now time.Time) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "portdocs development seal (not trusted)", Organization: []string{"portdocs"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidDocumentSigning},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("making the development seal: %w", err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	_ = pem.Encode(&buf, &pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	return buf.Bytes(), nil
}

// Seal signs the whole PDF with a PKCS#7 detached signature (SHA-256) added as an
// incremental update: an invisible certification signature whose DocMDP permission
// allows no further changes. The signing time in the PKCS#7 data is the sealer's
// clock; info.Date goes into the signature dictionary's /M.
func (s *Sealer) Seal(pdfBytes []byte, info SealInfo) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("loa: sealing failed: %v", r)
		}
	}()
	pdfBytes, sigNum, err := withDocMDP(pdfBytes)
	if err != nil {
		return nil, fmt.Errorf("loa: sealing: %w", err)
	}
	sealed, err := s.sign(pdfBytes, info)
	if err != nil {
		return nil, fmt.Errorf("loa: sealing: %w", err)
	}
	if !bytes.Contains(sealed, []byte(fmt.Sprintf("\n%d 0 obj\n<<\n /Type /Sig", sigNum))) {
		return nil, fmt.Errorf("loa: sealing: the signature is not object %d, which the catalog's /Perms names (has the PDF signing library changed its numbering?)", sigNum)
	}
	// The seal is checked as a reader will check it before anyone relies on it (a
	// file that was already signed is refused here).
	v, err := Verify(sealed, s.Trust())
	switch {
	case err != nil:
		return nil, fmt.Errorf("loa: sealing: the new seal cannot be read back: %w", err)
	case !v.Valid && strings.HasPrefix(v.Problem, tsProblemPrefix):
		return nil, fmt.Errorf("loa: sealing: %w: %s", ErrTSAUnavailable, v.Problem)
	case !v.Valid:
		return nil, fmt.Errorf("loa: sealing: the new seal does not verify: %s", v.Problem)
	case s.tsa != nil && v.Timestamp == nil:
		return nil, fmt.Errorf("loa: sealing: %w: the seal carries none", ErrTSAUnavailable)
	}
	return sealed, nil
}

// sign adds the certification signature (with the authority's timestamp when the
// sealer has one) as an incremental update.
func (s *Sealer) sign(pdfBytes []byte, info SealInfo) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		return nil, fmt.Errorf("cannot read the PDF: %w", err)
	}
	if info.Name == "" {
		info.Name = s.cert.Subject.CommonName
	}
	if info.Date.IsZero() {
		info.Date = time.Now()
	}
	var tsa sign.TSA
	sealID := newSealID()
	if s.tsa != nil {
		tsa.URL = s.tsa.url(sealID)
	} else {
		info.Reason += noTSANote
	}
	var buf bytes.Buffer
	err = sign.Sign(bytes.NewReader(pdfBytes), &buf, rdr, int64(len(pdfBytes)), sign.SignData{
		TSA: tsa,
		Signature: sign.SignDataSignature{
			Info: sign.SignDataSignatureInfo{
				Name:        info.Name,
				Location:    info.Location,
				Reason:      info.Reason,
				ContactInfo: info.Contact,
				Date:        info.Date,
			},
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
		},
		Signer:            s.key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.cert,
		CertificateChains: [][]*x509.Certificate{s.chain},
	})
	if s.tsa != nil {
		if ferr := s.tsa.takeFailure(sealID); ferr != nil {
			return nil, fmt.Errorf("%w (%s: %v)", ErrTSAUnavailable, EnvTSAURL, ferr)
		}
		if err != nil && strings.Contains(err.Error(), "timestamp") {
			return nil, fmt.Errorf("%w: %v", ErrTSAUnavailable, err)
		}
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// withDocMDP names the coming certification signature in the catalog's /Perms
// (/DocMDP, ISO 32000-1 12.8.4), so that readers enforce its "no changes allowed"
// permission: an incremental update of the catalog and a new /Perms object, made before
// signing so that the signature covers it. pdfsign numbers the signature dictionary
// two past the file's highest object number; Seal checks the number it got.
func withDocMDP(pdfBytes []byte) ([]byte, int, error) {
	u, err := pdfedit.NewUpdate(pdfBytes)
	if err != nil {
		return nil, 0, err
	}
	root, _ := pdfedit.Get(u.Trailer, "Root")
	rootNum, catalog, err := u.Orig.Deref(root)
	if err != nil {
		return nil, 0, fmt.Errorf("the catalog: %w", err)
	}
	permsNum := u.Next()
	sigNum := permsNum + 2
	u.Add(fmt.Sprintf("<< /DocMDP %d 0 R >>", sigNum))
	u.Put(rootNum, pdfedit.Set(catalog, "Perms", fmt.Sprintf("%d 0 R", permsNum)))
	return u.Bytes(), sigNum, nil
}
