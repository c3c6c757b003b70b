package loa

import (
	"errors"
	"time"
)

// TextVersion names the built-in authorization text. Change it whenever
// DefaultAuthorizationText changes: the version is printed on every LOA and in the
// certificate, so a signed LOA always says which wording the signer agreed to.
const TextVersion = "2026-11"

// DefaultAuthorizationText is the authorization paragraph printed above the signature.
// Placeholders: {signer}, {customer}, {carrier}, {company}.
const DefaultAuthorizationText = `I, {signer}, am the account holder or am authorized to act for the account holder ` +
	`{customer} with {carrier} (the current carrier) for the telephone numbers listed in this letter. ` +
	`I authorize {company} and the carriers it designates to act as my agent to transfer (port) these ` +
	`numbers from {carrier}, and to obtain from {carrier} the account information needed to do so. ` +
	`I understand that porting ends my service with {carrier} for these numbers, that I remain ` +
	`responsible for any charges and contract obligations with {carrier}, and that a number can be ` +
	`ported only by one request at a time. The information in this letter is correct to the best ` +
	`of my knowledge.`

// Options configure rendering. The zero value is usable; Date defaults to now.
type Options struct {
	// Date is printed on the LOA and becomes the PDF's creation and modification
	// date. Zero means time.Now(). Keep it: re-rendering for SignedPDF needs it.
	Date time.Time
	// CompanyName is the receiving company ("the portdocs operator"); it appears in
	// the header and in the authorization text. Empty: "the receiving provider".
	CompanyName string
	// LogoPNG is an optional PNG logo drawn in the header (at most MaxLogoBytes).
	LogoPNG []byte
	// AuthorizationText overrides DefaultAuthorizationText. When set, AuthorizationVersion
	// must be set too, so the LOA says which wording it carries.
	AuthorizationText    string
	AuthorizationVersion string
	// ShowPIN prints the account PIN, masked (see MaskPIN). By default it is left off.
	ShowPIN bool

	// signed, when set, draws the signature blocks filled in (SignedPDF only).
	signed *signedBlock
	// certificate, when set, appends the certificate page (SignedPDF only).
	certificate *certificateData
}

// MaxLogoBytes caps the configured logo.
const MaxLogoBytes = 1 << 20

var errAuthVersion = errors.New("loa: AuthorizationText is set but AuthorizationVersion is empty; give the custom text a version")

func (o Options) date() time.Time {
	if o.Date.IsZero() {
		return time.Now().UTC()
	}
	return o.Date.UTC()
}

func (o Options) text() (text, version string, err error) {
	if o.AuthorizationText == "" {
		return DefaultAuthorizationText, TextVersion, nil
	}
	if o.AuthorizationVersion == "" {
		return "", "", errAuthVersion
	}
	return o.AuthorizationText, o.AuthorizationVersion, nil
}

func (o Options) company() string {
	if o.CompanyName == "" {
		return "the receiving provider"
	}
	return o.CompanyName
}
