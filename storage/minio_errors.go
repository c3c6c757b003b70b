package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
)

// translate maps minio-go's errors onto the storage errors, so nothing above this
// package needs minio-go to tell "not found" from "down". The original error stays in
// the chain for the log.
func (m *MinIO) translate(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	for _, known := range []error{ErrNotFound, ErrPreconditionFailed, ErrRetained, ErrUnavailable, ErrIntegrity, ErrInvalidKey, ErrShortBody} {
		if errors.Is(err, known) {
			return err // already translated (or ours from the start)
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return fmt.Errorf("%w: %w: no answer from %s in time (%v)", ErrUnavailable, context.DeadlineExceeded, m.cfg.Endpoint, err)
	case ctx.Err() == context.Canceled || errors.Is(err, context.Canceled):
		return fmt.Errorf("%w (%v)", context.Canceled, err)
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) && (er.Code != "" || er.StatusCode != 0) {
		switch er.Code {
		case "NoSuchKey", "NoSuchVersion":
			return fmt.Errorf("%w: %s", ErrNotFound, er.Message)
		case "PreconditionFailed":
			return fmt.Errorf("%w: %s", ErrPreconditionFailed, er.Message)
		case "ObjectLocked", "InvalidRetentionPeriod":
			return fmt.Errorf("%w: %s", ErrRetained, er.Message)
		case "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken":
			return fmt.Errorf("%w: %s refused the credentials: check MINIO_ACCESS_KEY and MINIO_SECRET_KEY (%s)", ErrUnavailable, m.cfg.Endpoint, er.Code)
		case "AccessDenied":
			if msg := strings.ToLower(er.Message); strings.Contains(msg, "worm") || strings.Contains(msg, "retention") || strings.Contains(msg, "locked") {
				return fmt.Errorf("%w: %s", ErrRetained, er.Message)
			}
			return fmt.Errorf("%w: access denied by %s: check MINIO_ACCESS_KEY, MINIO_SECRET_KEY and the bucket policy (%s)", ErrUnavailable, m.cfg.Endpoint, er.Message)
		case "XMinioInvalidObjectName", "InvalidObjectName", "KeyTooLongError":
			return fmt.Errorf("%w: %s", ErrInvalidKey, er.Message)
		case "NoSuchBucket":
			return fmt.Errorf("%w: bucket %s does not exist on %s", ErrUnavailable, m.cfg.Bucket, m.cfg.Endpoint)
		case "IncompleteBody":
			return fmt.Errorf("%w: %s", ErrShortBody, er.Message)
		case "BadDigest", "XAmzContentChecksumMismatch", "XAmzContentSHA256Mismatch", "InvalidDigest":
			// The body changed on its way to the server: nothing was stored, try again.
			return fmt.Errorf("%w: upload corrupted in transit, nothing stored (%s)", ErrUnavailable, er.Message)
		}
		switch {
		case er.StatusCode == http.StatusNotFound:
			return fmt.Errorf("%w: %s", ErrNotFound, er.Code)
		case er.StatusCode == http.StatusPreconditionFailed:
			return fmt.Errorf("%w: %s", ErrPreconditionFailed, er.Code)
		case er.StatusCode >= 500 || er.StatusCode == http.StatusTooManyRequests || er.StatusCode == http.StatusRequestTimeout:
			return fmt.Errorf("%w: %s answered %d %s: %s", ErrUnavailable, m.cfg.Endpoint, er.StatusCode, er.Code, er.Message)
		}
		return fmt.Errorf("storage: minio %s: %s: %w", m.cfg.Endpoint, er.Code, err)
	}
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "connection re") {
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, m.cfg.Endpoint, err)
	}
	return fmt.Errorf("storage: minio %s: %w", m.cfg.Endpoint, err)
}

func isCode(err error, code string) bool {
	var er minio.ErrorResponse
	return errors.As(err, &er) && er.Code == code
}

// exactReader hands minio-go a reader of exactly size bytes. A seekable reader stays
// seekable (minio-go can then retry, and Put can replay it) and is checked for length
// up front; any other reader reports ErrShortBody if it ends early.
func exactReader(r io.Reader, size int64) (io.Reader, error) {
	type readSeekerAt interface {
		io.ReaderAt
		io.Seeker
	}
	if rs, ok := r.(readSeekerAt); ok {
		cur, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			end, err := rs.Seek(0, io.SeekEnd)
			if err == nil {
				if _, err := rs.Seek(cur, io.SeekStart); err != nil {
					return nil, err
				}
				if end-cur < size {
					return nil, fmt.Errorf("%w: %d bytes left, %d declared", ErrShortBody, end-cur, size)
				}
				return io.NewSectionReader(rs, cur, size), nil
			}
		}
	}
	return &shortReader{r: r, left: size, size: size}, nil
}

type shortReader struct {
	r          io.Reader
	left, size int64
}

func (s *shortReader) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	if err == io.EOF && s.left > 0 {
		return n, fmt.Errorf("%w: reader ended after %d of the declared %d bytes", ErrShortBody, s.size-s.left, s.size)
	}
	if err == io.EOF {
		err = nil // minio-go stops at size on its own
		if s.left == 0 {
			err = io.EOF
		}
	}
	return n, err
}
