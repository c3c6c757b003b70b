package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/portdocs/portdocs/loa"
)

// runVerify is the 'verify' subcommand: portdocs verify [--json] FILE. It prints the
// seal's signer, time and hashes and fails (exit 1) when the seal does not verify.
func runVerify(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	asJSON := fs.Bool("json", false, "print the verification as JSON")
	certPath := fs.String("cert", "", "the service's seal certificate (PEM); default PORTDOCS_SEAL_CERT, or the development seal in PORTDOCS_DATA_DIR")
	fingerprint := fs.String("fingerprint", "", "the SHA-256 of the service's seal certificate (hex), instead of --cert")
	files, err := argSpec{usage: "usage: portdocs verify FILE", positional: 1}.parse(fs, args)
	if err != nil {
		return err
	}
	var trust loa.Trust
	switch {
	case *fingerprint != "":
		trust.Fingerprints = []string{*fingerprint}
	case *certPath != "":
		c, err := loa.ReadCertificate(*certPath)
		if err != nil {
			return fmt.Errorf("--cert: %v", err)
		}
		trust.Certificates = []*x509.Certificate{c}
	default:
		dataDir := getenv("PORTDOCS_DATA_DIR")
		if dataDir == "" {
			dataDir = "./data"
		}
		if trust, err = loa.SealTrustFromEnv(getenv, dataDir); err != nil {
			return fmt.Errorf("%v; or pass --cert or --fingerprint", err)
		}
	}
	path := files[0]
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: cannot read (%v); check the path", path, errors.Unwrap(err))
	}
	v, err := loa.Verify(b, trust)
	if errors.Is(err, loa.ErrNoSeal) {
		return fmt.Errorf("%s: %v; only a sealed (signed) LOA can be verified", path, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		printVerification(stdout, path, v)
	}
	if !v.Valid {
		return fmt.Errorf("%s: seal is INVALID: %s; do not rely on this document", path, v.Problem)
	}
	return nil
}

func printVerification(w io.Writer, path string, v *loa.Verification) {
	status := "valid"
	if !v.Valid {
		status = "INVALID: " + v.Problem
	}
	trust := "trusted"
	switch {
	case v.Trusted:
	case v.SelfSigned:
		trust = "not trusted (self-signed; a development seal proves integrity, not identity)"
	default:
		trust = "not trusted (issuer not in the system roots)"
	}
	fmt.Fprintf(w, "file:            %s\n", path)
	fmt.Fprintf(w, "seal:            %s\n", status)
	fmt.Fprintf(w, "signer:          %s\n", v.Signer)
	if v.SignerName != "" {
		fmt.Fprintf(w, "signer name:     %s\n", v.SignerName)
	}
	fmt.Fprintf(w, "certificate:     %s\n", trust)
	fmt.Fprintf(w, "cert sha256:     %s\n", v.CertificateSHA256)
	seal := "the service's seal"
	if !v.ServiceSeal {
		seal = "NOT the service's seal"
	}
	fmt.Fprintf(w, "sealed by:       %s\n", seal)
	mdp := "no changes allowed (DocMDP)"
	switch {
	case !v.DocMDP:
		mdp = "none (changes are not forbidden)"
	case !v.Perms:
		mdp += ", not named in the catalog (a seal made before 2026-12)"
	}
	fmt.Fprintf(w, "permissions:     %s\n", mdp)
	if !v.SigningTime.IsZero() {
		fmt.Fprintf(w, "signing time:    %s (the sealing service's clock)\n", v.SigningTime.UTC().Format(time.RFC3339))
	}
	if v.Timestamp != nil {
		fmt.Fprintf(w, "timestamp:       %s by %s (RFC 3161)\n", v.Timestamp.UTC().Format(time.RFC3339), v.TimestampAuthority)
	} else {
		fmt.Fprintf(w, "timestamp:       none (no timestamp authority; the time rests on the service's clock)\n")
	}
	fmt.Fprintf(w, "file sha256:     %s\n", v.FileSHA256)
	fmt.Fprintf(w, "sealed sha256:   %s\n", v.SignedSHA256)
	if v.LOASHA256 != "" {
		fmt.Fprintf(w, "loa sent sha256: %s\n", v.LOASHA256)
	}
	if v.Signatures > 1 {
		fmt.Fprintf(w, "signatures:      %d (a sealed LOA carries one)\n", v.Signatures)
	}
}
