// Package storage keeps portdocs' objects: port records, documents, checks and the
// timeline. Two backends honour one contract (Store, in storage.go): MinIO for
// production and a local folder for a developer's machine. Nothing above this package
// imports minio-go.
//
// # Backends
//
// NewLocal(dir, LocalOptions{}) is the default for `portdocs serve`
// (PORTDOCS_DATA_DIR, default ./data). NewMinIO(ctx, MinIOConfig{...}) is production;
// OpenFromEnv picks one from the environment the way the contract says (MINIO_ENDPOINT
// set means MinIO). Both pass storagetest.Run, the one conformance suite.
//
// # Object layout
//
// One prefix per port, so a port's whole file is one List away and nothing else is
// mixed in:
//
//	ports/{id}/port.json                the port record (request, status, timeline);
//	                                    conditional puts (IfMatch)
//	ports/{id}/docs/{name}              bills, LOA, signed LOA; written once,
//	                                    create-only, signed LOA and proof bill retained
//	ports/{id}/checks/{ts}.json         (if kept apart) each Check of a bill
//	ports/{id}/events/{ts}-{seq}.json   (if kept apart) one object per timeline event,
//	                                    create-only, so appends never conflict
//
// {ts} is UTC in the sortable form 20061002T150405.000Z, so List (sorted by key)
// returns checks and events in time order; {seq} breaks ties.
//
// # Rules the server should follow
//
//   - Always pass the exact size. Prefer a seekable reader (bytes.Reader, *os.File, a
//     multipart.File): minio-go can then retry a failed request.
//   - Records that change (port.json) use read-modify-write: Get or Stat, then Put
//     with IfMatch: info.ETag; on ErrPreconditionFailed re-read and retry or report a
//     409. Two reviewers can't overwrite each other.
//   - ETags are opaque; compare them for equality only. The local backend makes a new
//     one on every write; MinIO's comes from the content, so rewriting identical bytes
//     keeps it (harmless: nothing was lost).
//   - An unconditional Put on MinIO reads the current version first (retention check)
//     and writes conditionally on it; if another writer wins in between it retries,
//     and with a reader it can't rewind it returns ErrPreconditionFailed instead.
//   - Documents and events are written with IfNoneMatch: "*" (create-only): that is the
//     cheapest Put on MinIO (no look-up first) and it never replaces anything.
//   - Signed LOAs and proof-of-ownership bills are written with Retain: true. Until the
//     retention ends (7 years by default) Put and Delete on them return ErrRetained.
//   - Read to EOF: the SHA-256 recorded at write is checked then, and a mismatch
//     surfaces as ErrIntegrity in place of io.EOF. Don't send a partly verified
//     document as a success without checking the copy error.
//   - A key must not also be a folder: with "ports/p1/request.json" stored, don't store
//     "ports/p1". MinIO can't hold both (the local backend could, but must not be
//     relied on).
//   - Keys are relative slash-separated paths of printable UTF-8, up to MaxKeyLen bytes,
//     with no empty, "." or ".." segments (ValidateKey; ErrInvalidKey otherwise).
//     Metadata keys are letters, digits and '-' (returned lower-cased), values
//     printable ASCII (ErrInvalidMetadata otherwise); "portdocs-", "x-amz-",
//     "x-minio-" and standard header names are reserved.
//
// # Errors, for the HTTP layer
//
//	ErrNotFound            404
//	ErrPreconditionFailed  409 (or 412): someone else changed it; re-read
//	ErrRetained            409: archived, can't be changed or deleted
//	ErrUnavailable         503: storage down, refused credentials, or deadline passed
//	ErrIntegrity           500: stored content doesn't match its SHA-256 (alert!)
//	ErrInvalidKey, ErrInvalidMetadata, ErrShortBody  400 or a programming error
//
// A canceled context comes back as context.Canceled, not ErrUnavailable.
//
// # Pointing portdocs at a MinIO cluster
//
// Set MINIO_ENDPOINT (host:port of the cluster's load balancer, no scheme),
// MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_BUCKET and MINIO_USE_SSL=true for https.
// Optional: MINIO_REGION; MINIO_OBJECT_LOCK=true (default true) creates the bucket
// with object lock, so retention is enforced by MinIO itself, not only by portdocs;
// MINIO_RETENTION_MODE (COMPLIANCE, the default, or GOVERNANCE); MINIO_RETENTION_DAYS
// (default 2555, seven years); MINIO_LEGAL_HOLD=true; MINIO_SSE (SSE-S3 or
// SSE-KMS:keyid; the cluster needs a KMS); MINIO_TIMEOUT (a Go duration, default 30s,
// per call plus a second per MiB moved); MINIO_RETRIES (default 3).
// Object lock can only be chosen when the bucket is created: portdocs creates it at
// start if it is missing and refuses to start on an existing bucket without object
// lock when object lock is asked for. The user needs s3:PutObject, GetObject,
// DeleteObject, ListBucket, PutObjectRetention, GetObjectRetention and, for the first
// start, CreateBucket and PutBucketObjectLockConfiguration. The server must support
// S3 trailing checksums (MinIO does since 2022; so does AWS S3).
package storage
