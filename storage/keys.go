package storage

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalidMetadata reports a metadata key or value that one of the backends could not
// store faithfully (S3 user metadata travels in HTTP headers).
var ErrInvalidMetadata = errors.New("invalid object metadata")

// ErrShortBody reports a reader that ended before the size passed to Put.
var ErrShortBody = errors.New("reader shorter than the declared size")

// MaxKeyLen is the longest key either backend accepts (S3's limit).
const MaxKeyLen = 1024

// maxSegmentLen keeps a key segment, plus the local backend's two-byte prefix, within
// the 255-byte file-name limit of common file systems.
const maxSegmentLen = 250

// reservedMetaPrefix marks metadata the backends write for themselves.
const reservedMetaPrefix = "portdocs-"

// ValidateKey reports whether key is a well-formed object key: a relative, slash-separated
// path of printable UTF-8 without backslashes, empty, "." or ".." segments, at most
// MaxKeyLen bytes. Both backends apply the same rule so a key that works on a laptop works
// on MinIO too. The error wraps ErrInvalidKey.
func ValidateKey(key string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidKey, truncate(key), why)
	}
	switch {
	case key == "":
		return bad("empty")
	case len(key) > MaxKeyLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	case !utf8.ValidString(key):
		return bad("not UTF-8")
	case strings.HasPrefix(key, "/"):
		return bad("absolute path")
	case strings.ContainsRune(key, '\\'):
		return bad("contains a backslash")
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return bad("contains a control character")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return bad("empty path segment")
		case seg == "." || seg == "..":
			return bad("contains a . or .. segment")
		case len(seg) > maxSegmentLen:
			return bad(fmt.Sprintf("path segment longer than %d bytes", maxSegmentLen))
		}
	}
	return nil
}

// validatePrefix accepts "" or anything a key could start with.
func validatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	// A prefix may end in "/" (a folder) or mid-segment; validate it as a key without
	// the trailing slash.
	if err := ValidateKey(strings.TrimSuffix(prefix, "/")); err != nil {
		return err
	}
	return nil
}

// normalizeMetadata lower-cases keys (S3 metadata names are case-insensitive, so both
// backends hand them back lower-cased) and rejects what HTTP headers can't carry.
func normalizeMetadata(md map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(md))
	for k, v := range md {
		lk := strings.ToLower(k)
		if lk == "" || reservedMetaKey(lk) {
			return nil, fmt.Errorf("%w: key %q is empty or reserved", ErrInvalidMetadata, k)
		}
		for _, r := range lk {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return nil, fmt.Errorf("%w: key %q may hold only letters, digits and -", ErrInvalidMetadata, k)
			}
		}
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] > 0x7e {
				return nil, fmt.Errorf("%w: value of %q must be printable ASCII", ErrInvalidMetadata, k)
			}
		}
		if strings.TrimSpace(v) != v {
			return nil, fmt.Errorf("%w: value of %q has leading or trailing spaces (HTTP would drop them)", ErrInvalidMetadata, k)
		}
		if _, dup := out[lk]; dup {
			return nil, fmt.Errorf("%w: key %q given twice with different case", ErrInvalidMetadata, k)
		}
		out[lk] = v
	}
	return out, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// reservedMetaKey: names portdocs keeps for itself, and names that S3 clients send as
// headers of their own rather than as x-amz-meta-*: letting them through would let
// metadata set a checksum, a lock mode or a content type behind the API's back.
func reservedMetaKey(k string) bool {
	for _, p := range []string{reservedMetaPrefix, "x-amz-", "x-minio-"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	switch k {
	case "content-type", "content-encoding", "content-disposition", "content-language", "content-length",
		"content-md5", "cache-control", "expires", "etag", "last-modified":
		return true
	}
	return false
}
