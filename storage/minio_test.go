package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/storage"
	"github.com/portdocs/portdocs/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.StopSharedMinIO()
	os.Exit(code)
}

var bucketSeq atomic.Int64

// newBucketName is unique per process and run (buckets outlive nothing: the server's
// data folder is fresh).
func newBucketName(tag string) string {
	return fmt.Sprintf("portdocs-%s-%d-%d", tag, os.Getpid()%100000, bucketSeq.Add(1))
}

// newMinIOStore opens a store on a fresh bucket of the package's shared server.
func newMinIOStore(t testing.TB, srv *testenv.MinIOServer, cfg storage.MinIOConfig) *storage.MinIO {
	t.Helper()
	cfg.Endpoint, cfg.AccessKey, cfg.SecretKey = srv.Endpoint, srv.AccessKey, srv.SecretKey
	if cfg.Bucket == "" {
		cfg.Bucket = newBucketName("t")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := storage.NewMinIO(ctx, cfg)
	if err != nil {
		t.Fatalf("NewMinIO: %v", err)
	}
	return s
}

func rawClient(t testing.TB, srv *testenv.MinIOServer) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMinIOConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  storage.MinIOConfig
	}{
		// Production: object lock, the server refuses to delete retained versions.
		{"object lock", storage.MinIOConfig{ObjectLock: true, RetentionMode: "COMPLIANCE", RetentionPeriod: 30 * 24 * time.Hour}},
		// A plain bucket: retention enforced by portdocs alone.
		{"plain bucket", storage.MinIOConfig{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testenv.SharedMinIO(t)
			storagetest.Run(t, func(t *testing.T) storage.Store { return newMinIOStore(t, srv, tc.cfg) })
		})
	}
}

// TestMinIOObjectLockOnServer checks the retention really is the server's: a raw
// client trying to delete the locked version is refused by MinIO itself.
func TestMinIOObjectLockOnServer(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	ctx := context.Background()
	s := newMinIOStore(t, srv, storage.MinIOConfig{ObjectLock: true, RetentionMode: "GOVERNANCE", RetentionPeriod: time.Hour})
	body := []byte("%PDF-1.7 signed LOA")
	info, err := s.Put(ctx, "ports/p1/documents/loa-signed.pdf", bytes.NewReader(body), int64(len(body)), storage.PutOptions{Retain: true})
	if err != nil {
		t.Fatal(err)
	}
	raw := rawClient(t, srv)
	st, err := raw.StatObject(ctx, s.Bucket(), "ports/p1/documents/loa-signed.pdf", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Metadata.Get("X-Amz-Object-Lock-Mode"); got != "GOVERNANCE" {
		t.Errorf("object lock mode on the server = %q, want GOVERNANCE", got)
	}
	if d := info.RetainUntil.Sub(time.Now().Add(time.Hour)); d < -time.Minute || d > time.Minute {
		t.Errorf("RetainUntil = %v, want about an hour from now", info.RetainUntil)
	}
	err = raw.RemoveObject(ctx, s.Bucket(), "ports/p1/documents/loa-signed.pdf", minio.RemoveObjectOptions{VersionID: st.VersionID})
	if err == nil {
		t.Fatalf("MinIO deleted a locked version for a raw client")
	}
	if _, err := s.Stat(ctx, "ports/p1/documents/loa-signed.pdf"); err != nil {
		t.Errorf("Stat after the refused delete: %v", err)
	}
}

// TestMinIOUnverifiable: an object another client wrote without a SHA-256 can't be
// verified, so it is reported as an integrity problem, not served as if it were fine.
func TestMinIOUnverifiable(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	ctx := context.Background()
	s := newMinIOStore(t, srv, storage.MinIOConfig{})
	raw := rawClient(t, srv)
	if _, err := raw.PutObject(ctx, s.Bucket(), "ports/p1/foreign", strings.NewReader("no checksum"), 11,
		minio.PutObjectOptions{DisableContentSha256: true, SendContentMd5: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, "ports/p1/foreign"); !errors.Is(err, storage.ErrIntegrity) {
		t.Errorf("Get of an object without a SHA-256: %v, want ErrIntegrity", err)
	}
	if _, err := s.Stat(ctx, "ports/p1/foreign"); !errors.Is(err, storage.ErrIntegrity) {
		t.Errorf("Stat of an object without a SHA-256: %v, want ErrIntegrity", err)
	}
}

func TestNewMinIOConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  storage.MinIOConfig
		want string
	}{
		{"nothing", storage.MinIOConfig{}, "MINIO_ENDPOINT is empty"},
		{"scheme", storage.MinIOConfig{Endpoint: "http://x:9000", AccessKey: "a", SecretKey: "b", Bucket: "c"}, "without a scheme"},
		{"mode", storage.MinIOConfig{Endpoint: "x:9000", AccessKey: "a", SecretKey: "b", Bucket: "c", RetentionMode: "forever"}, "COMPLIANCE or GOVERNANCE"},
		{"sse", storage.MinIOConfig{Endpoint: "x:9000", AccessKey: "a", SecretKey: "b", Bucket: "c", SSE: "rot13"}, "SSE-S3 or SSE-KMS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := storage.NewMinIO(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewMinIO: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestMinIOExistingBucketWithoutLock: asking for object lock on a bucket made without
// it must fail at start, not silently archive without retention.
func TestMinIOExistingBucketWithoutLock(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	name := newBucketName("nolock")
	newMinIOStore(t, srv, storage.MinIOConfig{Bucket: name})
	cfg := storage.MinIOConfig{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: name, ObjectLock: true}
	if _, err := storage.NewMinIO(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "object lock") {
		t.Errorf("NewMinIO with object lock on an unlocked bucket: %v, want an error about object lock", err)
	}
}

func TestMinIOWrongCredentials(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	cfg := storage.MinIOConfig{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: "wrong-secret-key", Bucket: newBucketName("cred")}
	_, err := storage.NewMinIO(context.Background(), cfg)
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("NewMinIO with a wrong secret: %v, want ErrUnavailable", err)
	}
}

// readAll is io.ReadAll for tests.
func readAll(t testing.TB, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMinIOServerSideEncryption: with SSE configured, objects are stored encrypted
// (the server says so) and still read back verified.
func TestMinIOServerSideEncryption(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	ctx := context.Background()
	for _, tc := range []struct {
		sse, wantHeader string
	}{
		{"SSE-S3", "AES256"},
		{"SSE-KMS:" + srv.KMSKeyID, "aws:kms"},
	} {
		t.Run(tc.sse, func(t *testing.T) {
			s := newMinIOStore(t, srv, storage.MinIOConfig{ObjectLock: true, SSE: tc.sse})
			body := bytes.Repeat([]byte("account 2876543210 "), 1000)
			put, err := s.Put(ctx, "ports/p1/documents/bill.pdf", bytes.NewReader(body), int64(len(body)), storage.PutOptions{Retain: true})
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			st, err := rawClient(t, srv).StatObject(ctx, s.Bucket(), "ports/p1/documents/bill.pdf", minio.StatObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Metadata.Get("X-Amz-Server-Side-Encryption"); got != tc.wantHeader {
				t.Errorf("server-side encryption = %q, want %q", got, tc.wantHeader)
			}
			rc, info, err := s.Get(ctx, "ports/p1/documents/bill.pdf")
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, rc); !bytes.Equal(got, body) || info.SHA256 != put.SHA256 {
				t.Errorf("read back %d bytes sha %.12s, want %d sha %.12s", len(got), info.SHA256, len(body), put.SHA256)
			}
		})
	}
}

func TestMinIOLegalHold(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	ctx := context.Background()
	s := newMinIOStore(t, srv, storage.MinIOConfig{ObjectLock: true, LegalHold: true, RetentionMode: "GOVERNANCE", RetentionPeriod: time.Hour})
	for _, tc := range []struct {
		key    string
		retain bool
		want   minio.LegalHoldStatus
	}{
		{"ports/p1/documents/loa-signed.pdf", true, minio.LegalHoldEnabled},
		{"ports/p1/request.json", false, ""},
	} {
		if _, err := s.Put(ctx, tc.key, strings.NewReader("x"), 1, storage.PutOptions{Retain: tc.retain}); err != nil {
			t.Fatal(err)
		}
		st, err := rawClient(t, srv).StatObject(ctx, s.Bucket(), tc.key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := minio.LegalHoldStatus(st.Metadata.Get("X-Amz-Object-Lock-Legal-Hold")); got != tc.want && !(tc.want == "" && got == minio.LegalHoldDisabled) {
			t.Errorf("%s: legal hold %q, want %q", tc.key, got, tc.want)
		}
	}
}
