package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

func TestMinIOTranslate(t *testing.T) {
	m := &MinIO{cfg: MinIOConfig{Endpoint: "minio.test:9000", Bucket: "portdocs"}}
	resp := func(code string, status int, msg string) error {
		return minio.ErrorResponse{Code: code, StatusCode: status, Message: msg}
	}
	refused := &url.Error{Op: "Put", URL: "http://minio.test:9000/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want error
	}{
		{"no such key", nil, resp("NoSuchKey", 404, "The specified key does not exist."), ErrNotFound},
		{"bare 404 (HEAD has no body)", nil, resp("", 404, ""), ErrNotFound},
		{"precondition", nil, resp("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"), ErrPreconditionFailed},
		{"WORM", nil, resp("AccessDenied", 403, "Object is WORM protected and cannot be overwritten"), ErrRetained},
		{"object locked", nil, resp("ObjectLocked", 400, ""), ErrRetained},
		{"plain access denied", nil, resp("AccessDenied", 403, "Access Denied."), ErrUnavailable},
		{"bad secret", nil, resp("SignatureDoesNotMatch", 403, ""), ErrUnavailable},
		{"no bucket", nil, resp("NoSuchBucket", 404, ""), ErrUnavailable},
		{"not initialised", nil, resp("XMinioServerNotInitialized", 503, "Server not initialized yet"), ErrUnavailable},
		{"slow down", nil, resp("SlowDown", 503, ""), ErrUnavailable},
		{"internal error", nil, resp("InternalError", 500, ""), ErrUnavailable},
		{"checksum mismatch on upload", nil, resp("XAmzContentChecksumMismatch", 400, ""), ErrUnavailable},
		{"invalid name", nil, resp("XMinioInvalidObjectName", 400, ""), ErrInvalidKey},
		{"incomplete body", nil, resp("IncompleteBody", 400, ""), ErrShortBody},
		{"connection refused", nil, refused, ErrUnavailable},
		{"connection reset", nil, fmt.Errorf("read: %w", syscall.ECONNRESET), ErrUnavailable},
		{"unexpected EOF", nil, io.ErrUnexpectedEOF, ErrUnavailable},
		{"short body passes through", nil, fmt.Errorf("x: %w", ErrShortBody), ErrShortBody},
		{"caller canceled", canceled, fmt.Errorf("Put: %w", context.Canceled), context.Canceled},
		{"deadline passed", expired, fmt.Errorf("Put: %w", context.DeadlineExceeded), ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			got := m.translate(ctx, tc.err)
			if !errors.Is(got, tc.want) {
				t.Errorf("translate(%v) = %v, want %v", tc.err, got, tc.want)
			}
			for _, other := range []error{ErrNotFound, ErrPreconditionFailed, ErrRetained, ErrUnavailable, ErrInvalidKey, ErrShortBody, ErrIntegrity} {
				if other != tc.want && errors.Is(got, other) {
					t.Errorf("translate(%v) = %v: also %v", tc.err, got, other)
				}
			}
			if strings.Contains(got.Error(), "%!") {
				t.Errorf("badly formatted: %q", got)
			}
		})
	}
}
