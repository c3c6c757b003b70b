// Package hostile makes files an attacker, a broken scanner or a confused user could
// upload: truncated, encrypted and zero-page PDFs; PDF bombs (lying or exploding page
// counts, deep nesting, cyclic references, decompression bombs); image decompression
// bombs (PNG, JPEG and TIFF headers claiming 30000×30000 pixels and more, and valid
// 40-to-300-megapixel JPEGs of about 1 MB, which are really decoded); empty files,
// wrong magic bytes, random bytes; CSV with giant lines. Generate is deterministic for
// a seed, so a failure found by the fault suite can be replayed; Corpus adds the
// committed Go fuzz corpora (*/testdata/fuzz/).
//
// The package is used by the fault suite (internal/faults) and the load tool
// (cmd/bench); nothing in the service imports it.
package hostile
