package loa

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/internal/pdfedit"
)

// An attacker who changes a sealed LOA and re-seals it with a fresh key whose
// certificate carries the same subject name must not get a valid verification: every
// signature is checked, and only the service's certificate seals (issue 17.1).
func TestVerifyRejectsResealedLOA(t *testing.T) {
	service, err := DevSealer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	attacker, err := DevSealer(t.TempDir()) // same subject: "portdocs development seal (not trusted)"
	if err != nil {
		t.Fatal(err)
	}
	if attacker.Certificate().Subject.String() != service.Certificate().Subject.String() {
		t.Fatal("the attacker's certificate should look the same")
	}
	b, err := Render(loadRequest(t, "request.json"), Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := service.Seal(b, SealInfo{Reason: "port port-1 signed"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(sealed, service.Trust())
	if err != nil || !v.Valid || !v.ServiceSeal || !v.DocMDP || !v.Perms || v.Signatures != 1 {
		t.Fatalf("genuine seal: %+v, %v; want valid, the service's, DocMDP in the seal and the catalog", v, err)
	}
	if v, err := Verify(sealed, Trust{Fingerprints: []string{strings.ToUpper(v.CertificateSHA256)}}); err != nil || !v.Valid {
		t.Errorf("trust by fingerprint: %+v, %v", v, err)
	}

	// 1. A byte flipped inside the sealed range, then sealed again by the attacker.
	flipped := append([]byte(nil), sealed...)
	i := bytes.Index(flipped, []byte("/Title"))
	flipped[i+9] ^= 0x01
	// 2. An update replacing the signer's name (a new Info dictionary), sealed again.
	u, err := pdfedit.NewUpdate(sealed)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := pdfedit.Get(u.Trailer, "Info")
	n, dict, err := u.Orig.Deref(info)
	if err != nil {
		t.Fatal(err)
	}
	u.Put(n, pdfedit.Set(dict, "Author", "(Mallory K Grant)"))
	renamed := u.Bytes()
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"flipped and re-sealed", flipped, "does not match the bytes it covers"},
		{"renamed and re-sealed", renamed, "is not the service's seal"},
		{"re-sealed unchanged", sealed, "is not the service's seal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resealed, err := attacker.sign(c.file, SealInfo{Reason: "port port-1 signed"}) // as pdfsign or any tool would
			if err != nil {
				t.Fatal(err)
			}
			v, err := Verify(resealed, service.Trust())
			if err != nil {
				t.Fatal(err)
			}
			if v.Valid || !strings.Contains(v.Problem, c.want) {
				t.Errorf("valid=%v problem %q; want invalid: %q", v.Valid, v.Problem, c.want)
			}
			// The attacker's own certificate does not help either: the service's
			// seal inside is still checked.
			if v, _ := Verify(resealed, attacker.Trust()); v != nil && v.Valid {
				t.Errorf("valid under the attacker's trust: %+v", v)
			}
		})
	}

	// Sealed by another key from the start.
	other, err := attacker.Seal(b, SealInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Verify(other, service.Trust()); err != nil || v.Valid || v.ServiceSeal {
		t.Errorf("another key's seal: %+v, %v", v, err)
	}
	if _, err := Verify(sealed, Trust{}); !errors.Is(err, ErrNoSealCertificate) {
		t.Errorf("no trust: %v; want ErrNoSealCertificate", err)
	}
	// The renamed update without a new seal: bytes after the seal.
	if v, err := Verify(renamed, service.Trust()); err != nil || v.Valid || !strings.Contains(v.Problem, "appended after sealing") {
		t.Errorf("update after the seal: %+v, %v", v, err)
	}
	if out := pdfsig(t, sealed); !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig on the genuine seal:\n%s", out)
	}
}
