package server

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/storage"
)

// The interfaces below are the server's view of the packages it uses (STYLE §3): each
// is the smallest set of methods the handlers call, so tests pass small fakes.

// Store is the subset of storage.Store the server uses.
type Store interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error)
	Get(ctx context.Context, key string) (io.ReadCloser, storage.ObjectInfo, error)
	Stat(ctx context.Context, key string) (storage.ObjectInfo, error)
	List(ctx context.Context, prefix string) ([]storage.ObjectInfo, error)
	Ping(ctx context.Context) error
}

// Extractor reads a bill.
type Extractor interface {
	Extract(ctx context.Context, data []byte) (*extract.Extraction, error)
}

// Checker compares a request with a bill (its bytes and their extraction) and returns
// the Check (CONTRACT §3) as JSON. The server stores and returns the JSON as it is and
// reads only the verdict and the flag codes from it, so it does not depend on the check
// package's types.
//
// others are the port's earlier bills (their summaries): numbers on them are on those
// bills' accounts, not missing, and the check's split plan groups by them.
type Checker func(ctx context.Context, req port.Request, ex *extract.Extraction, bill []byte, others []extract.BillSummary, now time.Time) (json.RawMessage, error)

// Sealer seals a signed LOA with a PKCS#7 signature (*loa.Sealer).
type Sealer interface {
	Seal(pdf []byte, info loa.SealInfo) ([]byte, error)
}

// Mailer sends one plain-text email.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Pinger reports whether a dependency is ready (readiness probe).
type Pinger func(ctx context.Context) error

// QueueStats reports the OCR queue for metrics; optional.
type QueueStats interface {
	QueueDepth() int
}
