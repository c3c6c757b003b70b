package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Errors every backend returns (wrapped), so callers use errors.Is.
var (
	ErrNotFound           = errors.New("object not found")
	ErrPreconditionFailed = errors.New("object changed since it was read") // If-Match / If-None-Match failed
	ErrUnavailable        = errors.New("storage unavailable")
	ErrRetained           = errors.New("object is under retention and cannot be changed or deleted")
	ErrIntegrity          = errors.New("object content does not match its recorded SHA-256")
	ErrInvalidKey         = errors.New("invalid object key")
)

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key         string
	Size        int64
	ContentType string
	ETag        string
	SHA256      string // hex, recorded at write
	Metadata    map[string]string
	Modified    time.Time
	RetainUntil time.Time // zero when not retained
}

// PutOptions say how to write an object.
type PutOptions struct {
	ContentType string
	Metadata    map[string]string
	// IfMatch writes only when the current ETag equals it; IfNoneMatch "*" writes only
	// when the key does not exist yet. A failed condition returns ErrPreconditionFailed.
	IfMatch     string
	IfNoneMatch string
	// Retain archives the object: it can be neither overwritten nor deleted until the
	// backend's retention period ends (object lock on MinIO).
	Retain bool
}

// Store is the contract both backends implement. Consumers declare the subset they use.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error)
	// Get returns the object; reading it to EOF verifies the SHA-256 and returns
	// ErrIntegrity instead of io.EOF on a mismatch.
	Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error)
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	List(ctx context.Context, prefix string) ([]ObjectInfo, error)
	Delete(ctx context.Context, key string) error
	Ping(ctx context.Context) error
}

// checkPut validates what every backend's Put is given, before any I/O: the key, a
// known size, the metadata (returned normalized) and a context not already done.
func checkPut(ctx context.Context, key string, size int64, opts PutOptions) (map[string]string, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("storage: put %s: size %d: the size must be known", key, size)
	}
	md, err := normalizeMetadata(opts.Metadata)
	if err != nil {
		return nil, fmt.Errorf("storage: put %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("storage: put %s: %w", key, err)
	}
	return md, nil
}
