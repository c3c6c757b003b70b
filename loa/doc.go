// Package loa turns a port request into a Letter of Authorization and carries it
// through signing to a sealed, verifiable record.
//
// The life of an LOA:
//
//  1. Render draws the LOA PDF from a port.Request. Rendering is deterministic: the
//     same request and Options give the same bytes, which is what lets SignedPDF
//     prove later that the signed document is the one the signer saw.
//  2. NewSigning opens a signing request for it: an unguessable single-use token
//     (only its SHA-256 is kept in the Signing), an expiry, and an audit trail that
//     records created, sent, opened, consented and signed events with time, IP and
//     user agent, and the SHA-256 of the LOA exactly as sent.
//  3. SignedPDF re-renders the LOA with the signature filled in (after checking that
//     the unsigned re-render is byte-identical to what was sent) and appends a
//     certificate page with the audit trail and the hashes.
//  4. A Sealer seals it with a PKCS#7 PDF signature (a configured certificate, or a
//     self-signed development certificate); Verify checks the seal and that it
//     covers the whole file.
//
// Signing is storage-agnostic: Signing and Event are plain JSON-friendly values the
// server persists; the methods on Signing enforce the rules (expiry, single use,
// voiding, consent, the signer's name).
package loa
