package loa

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
)

// ErrNoSeal means the PDF carries no digital signature at all.
var ErrNoSeal = errors.New("no digital signature (seal) in the PDF")

// ErrNoSealCertificate means Verify was not told which certificate is the service's.
var ErrNoSealCertificate = errors.New("no seal certificate to check the seal against")

// Trust says which seal is the service's own: its certificate, or the SHA-256 of the
// certificate (hex, colons and case ignored). A seal by any other key fails, whatever
// its subject name says.
type Trust struct {
	Certificates []*x509.Certificate
	Fingerprints []string
}

func (t Trust) empty() bool { return len(t.Certificates) == 0 && len(t.Fingerprints) == 0 }

func (t Trust) has(c *x509.Certificate) bool {
	fp := Fingerprint(c)
	for _, tc := range t.Certificates {
		if bytes.Equal(tc.Raw, c.Raw) {
			return true
		}
	}
	for _, f := range t.Fingerprints {
		if strings.ToLower(strings.ReplaceAll(strings.TrimSpace(f), ":", "")) == fp {
			return true
		}
	}
	return false
}

// Fingerprint is the SHA-256 of a certificate's DER bytes, lower-case hex.
func Fingerprint(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return hex.EncodeToString(s[:])
}

// Verification is what Verify found.
type Verification struct {
	// Valid: the file carries exactly one signature, the service's seal (Trust); its
	// PKCS#7 signature verifies over its byte range; and that range covers the whole
	// file except the signature itself, so nothing was changed, appended or signed
	// after sealing.
	Valid bool `json:"valid"`
	// Problem says why Valid is false.
	Problem string `json:"problem,omitempty"`
	// Signer is the sealing certificate's subject; SignerName the /Name entry.
	Signer     string `json:"signer"`
	SignerName string `json:"signer_name,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// SigningTime is the PKCS#7 signing-time attribute (the sealer's clock).
	SigningTime time.Time `json:"signing_time"`
	// Timestamp is the time an RFC 3161 timestamp authority vouched for, when the seal
	// carries one (it must then be a valid timestamp of this very signature);
	// TimestampAuthority is that authority's certificate subject.
	Timestamp          *time.Time `json:"timestamp,omitempty"`
	TimestampAuthority string     `json:"timestamp_authority,omitempty"`
	// Trusted: the certificate chains to a root in the system pool. The development
	// seal never does; integrity is still proven when Valid.
	Trusted    bool `json:"trusted"`
	SelfSigned bool `json:"self_signed"`
	// ServiceSeal: the seal's certificate is the one Trust names.
	ServiceSeal bool `json:"service_seal"`
	// CertificateSHA256 is the seal certificate's fingerprint.
	CertificateSHA256 string            `json:"certificate_sha256,omitempty"`
	Certificate       *x509.Certificate `json:"-"`
	// DocMDP: the seal is a certification signature that allows no changes (its
	// /Reference names the DocMDP transform with /P 1); Perms: the catalog's /Perms
	// /DocMDP names it, so readers enforce that (seals made before 2026-12 lack it).
	DocMDP bool `json:"docmdp"`
	Perms  bool `json:"perms_docmdp"`
	// FileSHA256 is the hash of the whole file as given; SignedSHA256 the hash of the
	// bytes the seal covers (the byte range); LOASHA256 the hash of the unsigned LOA
	// as sent to the signer, read from the seal's reason when portdocs sealed it.
	FileSHA256   string `json:"file_sha256"`
	SignedSHA256 string `json:"signed_sha256"`
	LOASHA256    string `json:"loa_sha256,omitempty"`
	Signatures   int    `json:"signatures"`
}

var (
	loaHashInReason = regexp.MustCompile(`LOA SHA-256 ([0-9a-f]{64})`)
	byteRangeRe     = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
	sigObjRe        = regexp.MustCompile(`(\d+)\s+0\s+obj\s*<<`)
	permsRe         = regexp.MustCompile(`/Perms\s+(\d+)\s+0\s+R`)
	docMDPRefRe     = regexp.MustCompile(`/DocMDP\s+(\d+)\s+0\s+R`)
	docMDPTransform = regexp.MustCompile(`/TransformMethod\s*/DocMDP[\s\S]{0,200}?/P\s+1\b`)
)

// tsProblemPrefix starts the Problem of a seal whose timestamp does not hold.
const tsProblemPrefix = "the seal's timestamp: "

// signature is one signature dictionary found in the file's bytes.
type signature struct {
	br      [4]int64
	obj     int    // its object number (0 when not found)
	dict    []byte // the dictionary text around /ByteRange, without /Contents
	p7      *pkcs7.PKCS7
	signed  []byte
	problem string
}

// Verify checks every digital signature of a sealed PDF against trust. Signatures are
// found in the file's bytes, not through its cross-reference table, so one hidden
// behind a later revision's objects is still checked. A nil error with Valid=false
// means the file has a seal that does not hold (changed, appended to, signed again, or
// sealed by another key); an error means there is no seal, no trust was given, or the
// file cannot be read.
func Verify(pdfBytes []byte, trust Trust) (v *Verification, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("cannot read the PDF (%v); is it a PDF?", r)
		}
	}()
	if trust.empty() {
		return nil, ErrNoSealCertificate
	}
	if !bytes.HasPrefix(bytes.TrimLeft(pdfBytes, "\x00\t\r\n "), []byte("%PDF-")) {
		return nil, errors.New("cannot read the PDF: no %PDF- header")
	}
	sum := sha256.Sum256(pdfBytes)
	v = &Verification{FileSHA256: hex.EncodeToString(sum[:])}
	sigs := findSignatures(pdfBytes)
	v.Signatures = len(sigs)
	if len(sigs) == 0 {
		return nil, ErrNoSeal
	}
	// The seal described is the first signature: the one portdocs made.
	seal := sigs[0]
	tsProblem := v.describe(seal, pdfBytes)
	v.ServiceSeal = v.Certificate != nil && trust.has(v.Certificate)
	for i, s := range sigs {
		n := i + 1
		if s.problem != "" {
			return v.fail(fmt.Sprintf("signature %d of %d: %s", n, len(sigs), s.problem)), nil
		}
		c := s.p7.GetOnlySigner()
		if c == nil || !trust.has(c) {
			who := "no single signer certificate"
			if c != nil {
				who = fmt.Sprintf("certificate %q, SHA-256 %s", c.Subject.String(), Fingerprint(c))
			}
			return v.fail(fmt.Sprintf("signature %d of %d is not the service's seal (%s)", n, len(sigs), who)), nil
		}
		if !revisionEnd(pdfBytes, s.br[2]+s.br[3]) {
			return v.fail(fmt.Sprintf("signature %d of %d does not cover its whole revision", n, len(sigs))), nil
		}
	}
	if len(sigs) > 1 {
		return v.fail(fmt.Sprintf("the file carries %d signatures: something was signed after the seal", len(sigs))), nil
	}
	if end := seal.br[2] + seal.br[3]; end != int64(len(pdfBytes)) {
		return v.fail(fmt.Sprintf("%d bytes were appended after sealing", int64(len(pdfBytes))-end)), nil
	}
	if tsProblem != "" {
		return v.fail(tsProblemPrefix + tsProblem), nil
	}
	if !v.DocMDP {
		return v.fail("the seal is not a certification signature that forbids changes (no DocMDP transform with /P 1)"), nil
	}
	v.Valid = true
	return v, nil
}

// findSignatures reads every /ByteRange in the file and checks the signature it
// belongs to: a well-formed range whose gap is exactly the hex /Contents, and a
// PKCS#7 signature that verifies over the range. They come in file order.
func findSignatures(b []byte) []signature {
	size := int64(len(b))
	var out []signature
	seen := map[[4]int64]bool{}
	for _, m := range byteRangeRe.FindAllSubmatchIndex(b, -1) {
		var s signature
		for k := range 4 {
			s.br[k], _ = strconv.ParseInt(string(b[m[2+2*k]:m[3+2*k]]), 10, 64)
		}
		if seen[s.br] {
			continue // the same range written twice (a copied dictionary)
		}
		seen[s.br] = true
		// The dictionary's start: the last "N 0 obj <<" before the range.
		head := b[max(0, m[0]-4096):m[0]]
		if locs := sigObjRe.FindAllSubmatchIndex(head, -1); locs != nil {
			last := locs[len(locs)-1]
			s.obj, _ = strconv.Atoi(string(head[last[2]:last[3]]))
			s.dict = head[last[0]:]
		}
		br := s.br
		switch {
		case br[0] != 0 || br[1] <= 0 || br[2] <= br[1] || br[3] < 0 || br[2]+br[3] > size:
			s.problem = "its byte range is malformed"
		default:
			gap := b[br[1]:br[2]]
			if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' || strings.Trim(string(gap[1:len(gap)-1]), "0123456789abcdefABCDEF") != "" {
				s.problem = "its byte range leaves unsigned content inside the file"
				break
			}
			der, err := hex.DecodeString(string(gap[1 : len(gap)-1]))
			if err != nil {
				s.problem = "its PKCS#7 data is not hex"
				break
			}
			p7, err := pkcs7.Parse(trimDER(der))
			if err != nil {
				s.problem = "its PKCS#7 data is unreadable"
				break
			}
			s.signed = append(append(make([]byte, 0, br[1]+br[3]), b[:br[1]]...), b[br[2]:br[2]+br[3]]...)
			p7.Content = s.signed
			if err := p7.Verify(); err != nil {
				s.problem = "it does not match the bytes it covers: they were changed after signing"
			}
			s.p7 = p7
			tail := b[br[2]:min(br[2]+4096, size)]
			if e := bytes.Index(tail, []byte("endobj")); e >= 0 {
				tail = tail[:e]
			}
			s.dict = append(append(append([]byte{}, s.dict...), b[m[0]:br[1]]...), tail...)
		}
		out = append(out, s)
	}
	return out
}

// trimDER cuts the zero padding after a DER value (a signature's /Contents is
// reserved larger than the signature).
func trimDER(der []byte) []byte {
	if len(der) < 2 || der[0] != 0x30 {
		return der
	}
	n, hdr := int(der[1]), 2
	if der[1]&0x80 != 0 {
		k := int(der[1] & 0x7f)
		if k == 0 || k > 4 || len(der) < 2+k {
			return der
		}
		n = 0
		for _, c := range der[2 : 2+k] {
			n = n<<8 | int(c)
		}
		hdr = 2 + k
	}
	if hdr+n <= len(der) {
		return der[:hdr+n]
	}
	return der
}

// revisionEnd says whether off is where a revision of the file ends: just after a
// %%EOF marker and its end-of-line.
func revisionEnd(b []byte, off int64) bool {
	head := bytes.TrimRight(b[:off], "\r\n")
	return bytes.HasSuffix(head, []byte("%%EOF")) && int64(len(head))+2 >= off
}

// describe fills in what the seal says about itself, and says what is wrong with its
// timestamp, if it carries one.
func (v *Verification) describe(s signature, b []byte) (tsProblem string) {
	if s.obj > 0 {
		v.SignerName, v.Reason = sigText(b, s.obj)
	}
	if m := loaHashInReason.FindStringSubmatch(v.Reason); m != nil {
		v.LOASHA256 = m[1]
	}
	if s.signed != nil {
		ss := sha256.Sum256(s.signed)
		v.SignedSHA256 = hex.EncodeToString(ss[:])
	}
	v.DocMDP = docMDPTransform.Match(s.dict)
	if s.obj > 0 {
		for _, m := range docMDPRefRe.FindAllSubmatch(b, -1) {
			if n, _ := strconv.Atoi(string(m[1])); n == s.obj && permsRe.Match(b) {
				v.Perms = true
			}
		}
	}
	if s.p7 == nil {
		return ""
	}
	if ts, ok := timestampOf(s.p7); ok {
		if ts.problem != "" {
			tsProblem = ts.problem
		} else {
			v.Timestamp, v.TimestampAuthority = &ts.time, ts.authority
		}
	}
	var t time.Time
	if err := s.p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &t); err == nil {
		v.SigningTime = t.UTC()
	}
	c := s.p7.GetOnlySigner()
	if c == nil {
		return tsProblem
	}
	v.Certificate, v.Signer, v.CertificateSHA256 = c, c.Subject.String(), Fingerprint(c)
	v.SelfSigned = bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
	inter := x509.NewCertPool()
	for _, ic := range s.p7.Certificates {
		inter.AddCert(ic)
	}
	_, verr := c.Verify(x509.VerifyOptions{Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: v.SigningTime})
	v.Trusted = verr == nil
	return tsProblem
}

// sigText reads signature object n's /Name and /Reason through the PDF library (the
// latest revision's version of that object).
func sigText(b []byte, n int) (name, reason string) {
	defer func() { _ = recover() }() // descriptive only: an unreadable file leaves them empty
	rdr, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", ""
	}
	for _, x := range rdr.Xref() {
		ptr := x.Ptr()
		if int(ptr.GetID()) == n {
			o := rdr.Resolve(x.Ptr(), x.Ptr())
			return o.Key("Name").Text(), o.Key("Reason").Text()
		}
	}
	return "", ""
}

func (v *Verification) fail(problem string) *Verification {
	v.Valid, v.Problem = false, problem
	return v
}

// SealTrustFromEnv is the trust portdocs verify uses when told nothing: the configured
// seal certificate (PORTDOCS_SEAL_CERT), or the development seal kept in dataDir/seal
// when one was made there. It never makes a seal.
func SealTrustFromEnv(getenv func(string) string, dataDir string) (Trust, error) {
	path := getenv(EnvSealCert)
	if path == "" {
		path = filepath.Join(dataDir, "seal", devSealFile)
		if _, err := os.Stat(path); err != nil {
			return Trust{}, fmt.Errorf("%w: set %s to the service's seal certificate, or PORTDOCS_DATA_DIR to the data folder of the service that made a development seal (%s not found)", ErrNoSealCertificate, EnvSealCert, path)
		}
	}
	c, err := ReadCertificate(path)
	if err != nil {
		return Trust{}, err
	}
	return Trust{Certificates: []*x509.Certificate{c}}, nil
}

// ReadCertificate reads the first certificate of a PEM file (a key beside it is
// ignored).
func ReadCertificate(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	chain, _, err := parsePEM(b)
	if err == nil && len(chain) == 0 {
		err = errors.New("no CERTIFICATE block found")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return chain[0], nil
}
