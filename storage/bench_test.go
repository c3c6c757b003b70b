package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/storage"
)

// BenchmarkMinIOOverhead compares the storage layer with bare minio-go on the same
// server in the same run. Each iteration does the operation once through each, in
// alternating order so neither always gets the warm cache, and reports both median
// times and the layer's overhead in percent.
//
//	go test -run '^$' -bench MinIOOverhead -benchtime 20x ./storage/
//
// What the layer adds: a SHA-256 of the body (sent as a trailer that the server
// verifies; bare minio-go signs each chunk with SHA-256 instead, so the hashing cost is
// similar), a whole-object PUT instead of 16 MiB multipart parts, and on read a HEAD in
// parallel with the GET (for the recorded SHA-256) and a SHA-256 of everything read. "overwrite" is an unconditional Put of an existing key, which
// costs the layer a HEAD first (the retention check). "get-*-vs-hashed" compares with
// bare minio-go hashing what it reads, which isolates the layer's own cost from the
// SHA-256 that verifying at read needs anyway.
func BenchmarkMinIOOverhead(b *testing.B) {
	srv := testenv.SharedMinIO(b)
	s := newMinIOStore(b, srv, storage.MinIOConfig{ObjectLock: true})
	raw := rawClient(b, srv)
	ctx := context.Background()
	for _, size := range []int{1 << 20, 20 << 20} {
		data := make([]byte, size)
		rng := rand.NewChaCha8([32]byte{byte(size >> 20)})
		rng.Read(data)
		label := fmt.Sprintf("%dMB", size>>20)
		// What the get benchmarks read, written the way each side writes.
		if _, err := s.Put(ctx, "bench/layer/get-"+label, bytes.NewReader(data), int64(size), storage.PutOptions{}); err != nil {
			b.Fatal(err)
		}
		if _, err := raw.PutObject(ctx, s.Bucket(), "bench/bare/get-"+label, bytes.NewReader(data), int64(size), minio.PutObjectOptions{}); err != nil {
			b.Fatal(err)
		}
		n := 0
		ops := []struct {
			name  string
			layer func() error
			bare  func() error
		}{
			{"put-" + label,
				func() error {
					n++
					_, err := s.Put(ctx, fmt.Sprintf("bench/layer/%s/%d", label, n), bytes.NewReader(data), int64(size), storage.PutOptions{IfNoneMatch: "*", ContentType: "application/pdf"})
					return err
				},
				func() error {
					_, err := raw.PutObject(ctx, s.Bucket(), fmt.Sprintf("bench/bare/%s/%d", label, n), bytes.NewReader(data), int64(size), minio.PutObjectOptions{ContentType: "application/pdf"})
					return err
				}},
			{"overwrite-" + label,
				func() error {
					_, err := s.Put(ctx, "bench/layer/ow-"+label, bytes.NewReader(data), int64(size), storage.PutOptions{ContentType: "application/pdf"})
					return err
				},
				func() error {
					_, err := raw.PutObject(ctx, s.Bucket(), "bench/bare/ow-"+label, bytes.NewReader(data), int64(size), minio.PutObjectOptions{ContentType: "application/pdf"})
					return err
				}},
			{"get-" + label,
				func() error {
					rc, _, err := s.Get(ctx, "bench/layer/get-"+label)
					if err != nil {
						return err
					}
					defer rc.Close()
					_, err = io.Copy(io.Discard, rc)
					return err
				},
				func() error {
					obj, err := raw.GetObject(ctx, s.Bucket(), "bench/bare/get-"+label, minio.GetObjectOptions{})
					if err != nil {
						return err
					}
					defer obj.Close()
					_, err = io.Copy(io.Discard, obj)
					return err
				}},
			// The same read, with bare minio-go hashing what it reads: what verifying
			// costs anyway, so the rest is the layer's own overhead.
			{"get-" + label + "-vs-hashed",
				func() error {
					rc, _, err := s.Get(ctx, "bench/layer/get-"+label)
					if err != nil {
						return err
					}
					defer rc.Close()
					_, err = io.Copy(io.Discard, rc)
					return err
				},
				func() error {
					obj, err := raw.GetObject(ctx, s.Bucket(), "bench/bare/get-"+label, minio.GetObjectOptions{})
					if err != nil {
						return err
					}
					defer obj.Close()
					h := sha256.New()
					_, err = io.Copy(h, obj)
					h.Sum(nil)
					return err
				}},
		}
		for _, op := range ops {
			b.Run(op.name, func(b *testing.B) {
				b.SetBytes(int64(size))
				var layer, bare []time.Duration
				timed := func(f func() error) time.Duration {
					start := time.Now()
					if err := f(); err != nil {
						b.Fatal(err)
					}
					return time.Since(start)
				}
				// One untimed round warms connections.
				timed(op.layer)
				timed(op.bare)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if i%2 == 0 {
						layer = append(layer, timed(op.layer))
						bare = append(bare, timed(op.bare))
					} else {
						bare = append(bare, timed(op.bare))
						layer = append(layer, timed(op.layer))
					}
				}
				// Medians: the machine is shared, and one stall shouldn't decide.
				l, r := median(layer), median(bare)
				b.ReportMetric(float64(l.Microseconds())/1000, "storage-ms")
				b.ReportMetric(float64(r.Microseconds())/1000, "minio-go-ms")
				b.ReportMetric(100*(float64(l)-float64(r))/float64(r), "overhead-%")
			})
		}
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkLocal measures the local-folder backend (fsync included) for reference.
func BenchmarkLocal(b *testing.B) {
	l := newLocal(b, storage.LocalOptions{})
	ctx := context.Background()
	for _, size := range []int{1 << 20, 20 << 20} {
		data := make([]byte, size)
		b.Run(fmt.Sprintf("put-get-%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				if _, err := l.Put(ctx, "bench/x", bytes.NewReader(data), int64(size), storage.PutOptions{}); err != nil {
					b.Fatal(err)
				}
				rc, _, err := l.Get(ctx, "bench/x")
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		})
	}
}
