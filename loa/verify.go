package loa

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
)

// ErrNoSeal means the PDF carries no digital signature at all.
var ErrNoSeal = errors.New("no digital signature (seal) in the PDF")

// Verification is what Verify found.
type Verification struct {
	// Valid: the PKCS#7 signature verifies over its byte range AND that range covers
	// the whole file except the signature itself, so nothing was changed or appended.
	Valid bool `json:"valid"`
	// Problem says why Valid is false.
	Problem string `json:"problem,omitempty"`
	// Signer is the sealing certificate's subject; SignerName the /Name entry.
	Signer     string `json:"signer"`
	SignerName string `json:"signer_name,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// SigningTime is the PKCS#7 signing-time attribute (the sealer's clock).
	SigningTime time.Time `json:"signing_time"`
	// Trusted: the certificate chains to a root in the system pool. The development
	// seal never does; integrity is still proven when Valid.
	Trusted     bool              `json:"trusted"`
	SelfSigned  bool              `json:"self_signed"`
	Certificate *x509.Certificate `json:"-"`
	// FileSHA256 is the hash of the whole file as given; SignedSHA256 the hash of the
	// bytes the seal covers (the byte range); LOASHA256 the hash of the unsigned LOA
	// as sent to the signer, read from the seal's reason when portdocs sealed it.
	FileSHA256   string `json:"file_sha256"`
	SignedSHA256 string `json:"signed_sha256"`
	LOASHA256    string `json:"loa_sha256,omitempty"`
	Signatures   int    `json:"signatures"`
}

var loaHashInReason = regexp.MustCompile(`LOA SHA-256 ([0-9a-f]{64})`)

// Verify checks the last digital signature of a sealed PDF. A nil error with
// Valid=false means the file has a seal that does not verify (it was changed); an
// error means there is no seal or the file cannot be read.
func Verify(pdfBytes []byte) (v *Verification, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("cannot read the PDF (%v); is it a PDF?", r)
		}
	}()
	sum := sha256.Sum256(pdfBytes)
	v = &Verification{FileSHA256: hex.EncodeToString(sum[:])}
	rdr, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		return nil, fmt.Errorf("cannot read the PDF: %w", err)
	}
	var sig pdf.Value
	var sigStart int64 = -1
	for _, x := range rdr.Xref() {
		o := rdr.Resolve(x.Ptr(), x.Ptr())
		if o.Key("Filter").Name() != "Adobe.PPKLite" || o.Key("ByteRange").Len() != 4 {
			continue
		}
		v.Signatures++
		// The seal that matters is the one covering the most of the file.
		if s := o.Key("ByteRange").Index(2).Int64(); s > sigStart {
			sig, sigStart = o, s
		}
	}
	if v.Signatures == 0 {
		return nil, ErrNoSeal
	}
	v.SignerName = sig.Key("Name").Text()
	v.Reason = sig.Key("Reason").Text()
	if m := loaHashInReason.FindStringSubmatch(v.Reason); m != nil {
		v.LOASHA256 = m[1]
	}

	br := make([]int64, 4)
	for i := range br {
		br[i] = sig.Key("ByteRange").Index(i).Int64()
	}
	size := int64(len(pdfBytes))
	if br[0] != 0 || br[1] < 0 || br[3] < 0 || br[2] < br[1] || br[2]+br[3] > size {
		return v.fail("the seal's byte range is malformed"), nil
	}
	signed := make([]byte, 0, br[1]+br[3])
	signed = append(signed, pdfBytes[:br[1]]...)
	signed = append(signed, pdfBytes[br[2]:br[2]+br[3]]...)
	ss := sha256.Sum256(signed)
	v.SignedSHA256 = hex.EncodeToString(ss[:])

	p7, err := pkcs7.Parse([]byte(sig.Key("Contents").RawString()))
	if err != nil {
		return v.fail("the seal's PKCS#7 data is unreadable"), nil
	}
	if len(p7.Signers) > 0 {
		var t time.Time
		if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &t); err == nil {
			v.SigningTime = t.UTC()
		}
	}
	if c := p7.GetOnlySigner(); c != nil {
		v.Certificate = c
		v.Signer = c.Subject.String()
		v.SelfSigned = bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
		inter := x509.NewCertPool()
		for _, ic := range p7.Certificates {
			inter.AddCert(ic)
		}
		_, verr := c.Verify(x509.VerifyOptions{Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: v.SigningTime})
		v.Trusted = verr == nil
	}
	p7.Content = signed
	if err := p7.Verify(); err != nil {
		return v.fail("the seal does not match the document: it was changed after sealing"), nil
	}
	// The gap between the two ranges must be exactly the signature's hex string;
	// anything else there, or any byte after the range, is unsigned content.
	gap := pdfBytes[br[1]:br[2]]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' || strings.Trim(string(gap[1:len(gap)-1]), "0123456789abcdefABCDEF") != "" {
		return v.fail("the seal's byte range leaves unsigned content inside the file"), nil
	}
	if br[2]+br[3] != size {
		return v.fail(fmt.Sprintf("%d bytes were appended after sealing", size-br[2]-br[3])), nil
	}
	v.Valid = true
	return v, nil
}

func (v *Verification) fail(problem string) *Verification {
	v.Valid, v.Problem = false, problem
	return v
}
