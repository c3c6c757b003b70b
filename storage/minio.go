package storage

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

// MinIOConfig configures the MinIO (or any S3 server with object lock and trailing
// checksums) backend.
type MinIOConfig struct {
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
	Region    string

	// ObjectLock creates the bucket with object lock (which implies versioning) and
	// writes Retain puts with a retention of RetentionMode until now+RetentionPeriod, so
	// the server itself refuses to delete them. Without it, retention is enforced by
	// portdocs alone (recorded in metadata), which an operator with bucket access can
	// bypass.
	ObjectLock bool
	// Versioning keeps every version of every object (implied by ObjectLock).
	Versioning bool
	// RetentionMode is "COMPLIANCE" (default: nobody, not even root, can shorten it) or
	// "GOVERNANCE" (users with s3:BypassGovernanceRetention can).
	RetentionMode string
	// RetentionPeriod defaults to DefaultRetention.
	RetentionPeriod time.Duration
	// LegalHold also puts a legal hold on retained objects; it lasts until removed.
	LegalHold bool
	// SSE is server-side encryption: "" (none), "SSE-S3", or "SSE-KMS:keyid". The
	// server needs a KMS configured for either.
	SSE string

	// Timeout bounds each call (a Put or Get gets an extra second per MiB); default 30s.
	Timeout time.Duration
	// Retries is how many times minio-go retries a failed request; default 3.
	Retries int
}

// MinIO stores objects in one bucket of a MinIO server. It records every object's
// SHA-256 as an S3 checksum (sent by minio-go as a trailer and verified by the server on
// receipt), and verifies it again at read.
type MinIO struct {
	client *minio.Client
	core   minio.Core
	cfg    MinIOConfig
	sse    encrypt.ServerSide
	mode   minio.RetentionMode
}

// errCallTimeout is the cause of a Get whose deadline passed (a timer, not
// context.WithTimeout, since the body's deadline is only known after the first answer).
var errCallTimeout = fmt.Errorf("call timed out: %w", context.DeadlineExceeded)

const (
	emptySHA256B64  = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	metaRetainUntil = "Portdocs-Retain-Until" // user metadata, enforced by portdocs
	putAttempts     = 8                       // internal-condition retries of an unconditional put
)

// NewMinIO connects, creates the bucket if needed (with object lock or versioning as
// configured) and checks an existing bucket has object lock when asked for.
func NewMinIO(ctx context.Context, cfg MinIOConfig) (*MinIO, error) {
	var problems []error
	if cfg.Endpoint == "" {
		problems = append(problems, errors.New("MINIO_ENDPOINT is empty"))
	} else if strings.Contains(cfg.Endpoint, "://") {
		problems = append(problems, fmt.Errorf("MINIO_ENDPOINT %q: give host:port without a scheme (use MINIO_USE_SSL for https)", cfg.Endpoint))
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		problems = append(problems, errors.New("MINIO_ACCESS_KEY and MINIO_SECRET_KEY are required"))
	}
	if cfg.Bucket == "" {
		problems = append(problems, errors.New("MINIO_BUCKET is empty"))
	}
	m := &MinIO{cfg: cfg}
	switch strings.ToUpper(cfg.RetentionMode) {
	case "", "COMPLIANCE":
		m.mode = minio.Compliance
	case "GOVERNANCE":
		m.mode = minio.Governance
	default:
		problems = append(problems, fmt.Errorf("retention mode %q: use COMPLIANCE or GOVERNANCE", cfg.RetentionMode))
	}
	switch sse := cfg.SSE; {
	case sse == "":
	case strings.EqualFold(sse, "SSE-S3"):
		m.sse = encrypt.NewSSE()
	case strings.HasPrefix(strings.ToUpper(sse), "SSE-KMS:") && len(sse) > len("SSE-KMS:"):
		kms, err := encrypt.NewSSEKMS(sse[len("SSE-KMS:"):], nil)
		if err != nil {
			problems = append(problems, fmt.Errorf("SSE %q: %w", sse, err))
		}
		m.sse = kms
	default:
		problems = append(problems, fmt.Errorf("SSE %q: use SSE-S3 or SSE-KMS:keyid", sse))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("storage: minio: %w", err)
	}
	if m.cfg.Timeout <= 0 {
		m.cfg.Timeout = 30 * time.Second
	}
	if m.cfg.Retries <= 0 {
		m.cfg.Retries = 3
	}
	if m.cfg.RetentionPeriod <= 0 {
		m.cfg.RetentionPeriod = DefaultRetention
	}

	tr, err := minio.DefaultTransport(cfg.UseSSL)
	if err != nil {
		return nil, fmt.Errorf("storage: minio: %w", err)
	}
	// Bound the parts of a call that can hang on a dead server; the call's context
	// bounds the rest.
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.ResponseHeaderTimeout = m.cfg.Timeout
	tr.TLSHandshakeTimeout = 10 * time.Second
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:           credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:          cfg.UseSSL,
		Region:          cfg.Region,
		Transport:       tr,
		TrailingHeaders: true, // the SHA-256 goes in a trailer: hashed while streaming
		MaxRetries:      m.cfg.Retries,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: minio %s: %w", cfg.Endpoint, err)
	}
	m.client, m.core = client, minio.Core{Client: client}
	if err := m.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *MinIO) ensureBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	b := m.cfg.Bucket
	exists, err := m.client.BucketExists(ctx, b)
	if err != nil {
		return fmt.Errorf("storage: minio %s: bucket %s: %w", m.cfg.Endpoint, b, m.translate(ctx, err))
	}
	if !exists {
		err := m.client.MakeBucket(ctx, b, minio.MakeBucketOptions{Region: m.cfg.Region, ObjectLocking: m.cfg.ObjectLock})
		if err != nil && !isCode(err, "BucketAlreadyOwnedByYou") {
			return fmt.Errorf("storage: minio %s: creating bucket %s: %w", m.cfg.Endpoint, b, m.translate(ctx, err))
		}
	} else if m.cfg.ObjectLock {
		lock, _, _, _, err := m.client.GetObjectLockConfig(ctx, b)
		if err != nil || lock != "Enabled" {
			return fmt.Errorf("storage: minio: bucket %s exists without object lock; use a new bucket (object lock can only be set at creation) or set MINIO_OBJECT_LOCK=false", b)
		}
	}
	if m.cfg.Versioning && !m.cfg.ObjectLock {
		if err := m.client.EnableVersioning(ctx, b); err != nil {
			return fmt.Errorf("storage: minio: enabling versioning on %s: %w", b, m.translate(ctx, err))
		}
	}
	return nil
}

// callCtx bounds one call: the configured timeout plus a second per MiB moved.
func (m *MinIO) callCtx(ctx context.Context, size int64) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, m.cfg.Timeout+time.Duration(size>>20)*time.Second)
}

// Put writes an object. Unless the caller asked for create-only (IfNoneMatch "*"),
// which needs no look-up, it first reads the current version: a retained one refuses
// the write (with versioning S3 would otherwise quietly stack a new version on top),
// and the write is made conditional on that version so a retained object written in
// between can't be replaced either.
func (m *MinIO) Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error) {
	md, err := checkPut(ctx, key, size, opts)
	if err != nil {
		return ObjectInfo{}, err
	}
	r, err = exactReader(r, size)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, err)
	}
	ctx, cancel := m.callCtx(ctx, size)
	defer cancel()

	po := minio.PutObjectOptions{
		ContentType:          opts.ContentType,
		UserMetadata:         make(map[string]string, len(md)+1),
		ServerSideEncryption: m.sse,
		Checksum:             minio.ChecksumSHA256,
		// The SHA-256 trailer (verified by the server) protects the body; signing each
		// chunk as well would hash everything twice.
		DisableContentSha256: true,
		// One PUT: the checksum stays a whole-object SHA-256 and the conditions apply
		// to the single request that creates the object.
		DisableMultipart: true,
	}
	if po.ContentType == "" {
		po.ContentType = "application/octet-stream"
	}
	for k, v := range md {
		po.UserMetadata[k] = v
	}
	if size == 0 {
		// minio-go adds no checksum trailer to an empty body; state the (well-known)
		// SHA-256 of nothing in a header so the server records it all the same.
		po.UserMetadata["X-Amz-Checksum-Sha256"] = emptySHA256B64
	}
	if opts.Retain {
		until := time.Now().Add(m.cfg.RetentionPeriod).UTC().Truncate(time.Second)
		po.UserMetadata[metaRetainUntil] = until.Format(time.RFC3339)
		if m.cfg.ObjectLock {
			po.Mode, po.RetainUntilDate = m.mode, until
			if m.cfg.LegalHold {
				po.LegalHold = minio.LegalHoldEnabled
			}
		}
	}

	if opts.IfNoneMatch == "*" && opts.IfMatch == "" {
		po.SetMatchETagExcept("*")
		return m.putOnce(ctx, key, r, size, po)
	}
	seeker, _ := r.(io.Seeker)
	for attempt := 1; ; attempt++ {
		cur, err := m.stat(ctx, key)
		exists := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, err)
		}
		if exists && time.Now().Before(cur.RetainUntil) {
			return ObjectInfo{}, fmt.Errorf("storage: put %s: %w (until %s)", key, ErrRetained, cur.RetainUntil.Format(time.RFC3339))
		}
		if err := checkConditions(key, cur.ETag, exists, opts); err != nil {
			return ObjectInfo{}, err
		}
		p := po // po carries no conditions yet, so p gets its own header map
		internal := false
		switch {
		case opts.IfMatch != "":
			p.SetMatchETag(opts.IfMatch)
		case exists:
			p.SetMatchETag(cur.ETag)
			internal = true
		default:
			p.SetMatchETagExcept("*")
			internal = true
		}
		if opts.IfNoneMatch != "" && opts.IfMatch != "" {
			p.SetMatchETagExcept(opts.IfNoneMatch)
		}
		info, err := m.putOnce(ctx, key, r, size, p)
		// A lost race against our own condition means someone else wrote: look again
		// (the body can be replayed only from a seekable reader).
		if internal && errors.Is(err, ErrPreconditionFailed) && seeker != nil && attempt < putAttempts {
			if _, serr := seeker.Seek(0, io.SeekStart); serr == nil {
				continue
			}
		}
		return info, err
	}
}

func (m *MinIO) putOnce(ctx context.Context, key string, r io.Reader, size int64, po minio.PutObjectOptions) (ObjectInfo, error) {
	up, err := m.client.PutObject(ctx, m.cfg.Bucket, key, r, size, po)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, m.translate(ctx, err))
	}
	sum, err := b64ToHex(up.ChecksumSHA256)
	if err != nil || sum == "" {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: the server returned no SHA-256 checksum; it must support S3 trailing checksums", key, ErrUnavailable)
	}
	info := ObjectInfo{Key: key, Size: up.Size, ContentType: po.ContentType, ETag: up.ETag, SHA256: sum,
		Metadata: make(map[string]string, len(po.UserMetadata)), Modified: time.Now().UTC()}
	for k, v := range po.UserMetadata {
		if lk := strings.ToLower(k); !strings.HasPrefix(lk, reservedMetaPrefix) && !strings.HasPrefix(lk, "x-amz-") {
			info.Metadata[k] = v
		}
	}
	if v := po.UserMetadata[metaRetainUntil]; v != "" {
		info.RetainUntil, _ = time.Parse(time.RFC3339, v)
	}
	// Modified is our clock here, to save a round trip; Stat gives the server's.
	return info, nil
}

// Get opens an object; reading it to EOF verifies its SHA-256.
func (m *MinIO) Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	if err := ValidateKey(key); err != nil {
		return nil, ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("storage: get %s: %w", key, err)
	}
	// The deadline covers the first response; the body gets a size-scaled one below.
	cctx, cancelCause := context.WithCancelCause(ctx)
	cancel := func() { cancelCause(context.Canceled) }
	timer := time.AfterFunc(m.cfg.Timeout, func() { cancelCause(errCallTimeout) })
	go func() { <-cctx.Done(); timer.Stop() }()
	body, info, err := m.open(cctx, key)
	if err != nil {
		err = m.translate(cctx, err) // before cancel, which would make it look canceled
		cancel()
		return nil, ObjectInfo{}, fmt.Errorf("storage: get %s: %w", key, err)
	}
	timer.Reset(m.cfg.Timeout + time.Duration(info.Size>>20)*time.Second)
	vr := newVerifyingReader(cctx, body, key, info.SHA256, info.Size, func(err error) error { return m.translate(cctx, err) })
	vr.release = cancel
	return vr, info, nil
}

// open starts the GET and, alongside it, a HEAD for the recorded SHA-256. Asking the
// GET itself for the checksum (x-amz-checksum-mode) made MinIO serve a 20 MB body
// about 15 ms slower, and the HEAD in parallel costs no wait. If the two saw different
// versions (a write landed in between), it falls back to that single, consistent GET.
func (m *MinIO) open(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	type head struct {
		info ObjectInfo
		err  error
	}
	hc := make(chan head, 1)
	go func() {
		info, err := m.stat(ctx, key)
		hc <- head{info, err}
	}()
	body, oi, _, err := m.core.GetObject(ctx, m.cfg.Bucket, key, minio.GetObjectOptions{})
	h := <-hc
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	if h.err == nil && h.info.ETag == oi.ETag && h.info.Size == oi.Size {
		return body, h.info, nil
	}
	body.Close()
	if h.err != nil && !errors.Is(h.err, ErrNotFound) {
		return nil, ObjectInfo{}, h.err
	}
	body, oi, _, err = m.core.GetObject(ctx, m.cfg.Bucket, key, minio.GetObjectOptions{Checksum: true})
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	info, err := m.info(key, oi)
	if err != nil {
		body.Close()
		return nil, ObjectInfo{}, err
	}
	return body, info, nil
}

// Stat describes an object (a HEAD request).
func (m *MinIO) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	if err := ValidateKey(key); err != nil {
		return ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: stat %s: %w", key, err)
	}
	ctx, cancel := m.callCtx(ctx, 0)
	defer cancel()
	info, err := m.stat(ctx, key)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: stat %s: %w", key, err)
	}
	return info, nil
}

func (m *MinIO) stat(ctx context.Context, key string) (ObjectInfo, error) {
	oi, err := m.client.StatObject(ctx, m.cfg.Bucket, key, minio.StatObjectOptions{Checksum: true})
	if err != nil {
		return ObjectInfo{}, m.translate(ctx, err)
	}
	return m.info(key, oi)
}

// info converts minio-go's description; an object without a SHA-256 checksum was not
// written by portdocs (or lost it) and can't be verified, so it counts as corrupt.
func (m *MinIO) info(key string, oi minio.ObjectInfo) (ObjectInfo, error) {
	sum, err := b64ToHex(oi.ChecksumSHA256)
	if err != nil || sum == "" {
		return ObjectInfo{}, fmt.Errorf("%w: %s has no recorded SHA-256", ErrIntegrity, key)
	}
	info := ObjectInfo{Key: key, Size: oi.Size, ContentType: oi.ContentType, ETag: oi.ETag, SHA256: sum,
		Metadata: map[string]string{}, Modified: oi.LastModified.UTC()}
	for k, v := range oi.UserMetadata {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, reservedMetaPrefix) {
			continue
		}
		info.Metadata[lk] = v
	}
	info.RetainUntil = retainUntil(oi.UserMetadata, oi.Metadata)
	return info, nil
}

// retainUntil is the later of the server's object-lock date and portdocs' own record.
func retainUntil(user map[string]string, h http.Header) time.Time {
	var t time.Time
	for k, v := range user {
		if strings.EqualFold(k, metaRetainUntil) {
			t, _ = time.Parse(time.RFC3339, v)
		}
	}
	if v := h.Get("X-Amz-Object-Lock-Retain-Until-Date"); v != "" {
		if lt, err := time.Parse(time.RFC3339, v); err == nil && lt.After(t) {
			t = lt
		}
	}
	return t.UTC()
}

// List returns the objects under prefix, sorted by key (S3 lists in key order). With
// MinIO the listing carries user metadata; SHA256 is left empty (Stat has it).
func (m *MinIO) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	if err := validatePrefix(prefix); err != nil {
		return nil, err
	}
	ctx, cancel := m.callCtx(ctx, 0)
	defer cancel()
	var out []ObjectInfo
	for oi := range m.client.ListObjects(ctx, m.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true, WithMetadata: true}) {
		if oi.Err != nil {
			return nil, fmt.Errorf("storage: list %q: %w", prefix, m.translate(ctx, oi.Err))
		}
		if oi.IsDeleteMarker {
			continue
		}
		info := ObjectInfo{Key: oi.Key, Size: oi.Size, ContentType: oi.ContentType, ETag: oi.ETag,
			Metadata: map[string]string{}, Modified: oi.LastModified.UTC()}
		for k, v := range oi.UserMetadataStripped {
			if lk := strings.ToLower(k); !strings.HasPrefix(lk, reservedMetaPrefix) {
				info.Metadata[lk] = v
			}
		}
		if ct := oi.UserMetadata["content-type"]; ct != "" && info.ContentType == "" {
			info.ContentType = ct
		}
		info.RetainUntil = retainUntil(oi.UserMetadataStripped, nil)
		out = append(out, info)
	}
	return out, nil
}

// Delete removes an object unless it is retained. With versioning this adds a delete
// marker; earlier versions stay in the bucket.
func (m *MinIO) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	ctx, cancel := m.callCtx(ctx, 0)
	defer cancel()
	cur, err := m.stat(ctx, key)
	if err != nil && !errors.Is(err, ErrIntegrity) {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	if err != nil {
		// Without a readable record nobody can prove the object is not retained; the
		// server still protects a locked version.
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	if time.Now().Before(cur.RetainUntil) {
		return fmt.Errorf("storage: delete %s: %w (until %s)", key, ErrRetained, cur.RetainUntil.Format(time.RFC3339))
	}
	if err := m.client.RemoveObject(ctx, m.cfg.Bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("storage: delete %s: %w", key, m.translate(ctx, err))
	}
	return nil
}

// Ping reports whether the bucket is reachable: the readiness check.
func (m *MinIO) Ping(ctx context.Context) error {
	ctx, cancel := m.callCtx(ctx, 0)
	defer cancel()
	ok, err := m.client.BucketExists(ctx, m.cfg.Bucket)
	if err != nil {
		return fmt.Errorf("storage: minio %s: %w", m.cfg.Endpoint, m.translate(ctx, err))
	}
	if !ok {
		return fmt.Errorf("storage: minio %s: %w: bucket %s is gone", m.cfg.Endpoint, ErrUnavailable, m.cfg.Bucket)
	}
	return nil
}

// Bucket is the configured bucket's name.
func (m *MinIO) Bucket() string { return m.cfg.Bucket }

func b64ToHex(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	// A composite checksum of a multipart object ends in "-N": not a whole-object hash.
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return "", fmt.Errorf("checksum %q is not a SHA-256", s)
	}
	return hex.EncodeToString(b), nil
}
