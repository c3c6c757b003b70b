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
// parallel with the GET (for the recorded SHA-256) and a SHA-256 of everything read.
// "put" writes a fresh key each time on both sides; "overwrite" is an unconditional
// Put of an existing key, which costs the layer a HEAD first (the retention check).
// "get-*-vs-hashed" compares with bare minio-go hashing what it reads, which isolates
// the layer's own cost from the SHA-256 that verifying at read needs anyway.
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
		// The layer and bare minio-go doing one op, each under its own key prefix. A
		// put with no fixed key writes a fresh key every time (a counter per side), as
		// the service stores a new document: create-only through the layer.
		fresh := map[string]int{}
		key := func(side string, op benchOp) string {
			if op.key != "" {
				return "bench/" + side + "/" + op.key
			}
			fresh[side]++
			return fmt.Sprintf("bench/%s/%s/%d", side, label, fresh[side])
		}
		layer := func(op benchOp) error {
			k := key("layer", op)
			if op.put {
				opts := storage.PutOptions{ContentType: "application/pdf"}
				if op.key == "" {
					opts.IfNoneMatch = "*"
				}
				_, err := s.Put(ctx, k, bytes.NewReader(data), int64(size), opts)
				return err
			}
			rc, _, err := s.Get(ctx, k)
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.Copy(io.Discard, rc)
			return err
		}
		bare := func(op benchOp) error {
			k := key("bare", op)
			if op.put {
				_, err := raw.PutObject(ctx, s.Bucket(), k, bytes.NewReader(data), int64(size), minio.PutObjectOptions{ContentType: "application/pdf"})
				return err
			}
			obj, err := raw.GetObject(ctx, s.Bucket(), k, minio.GetObjectOptions{})
			if err != nil {
				return err
			}
			defer obj.Close()
			var w io.Writer = io.Discard
			if op.hashed {
				w = sha256.New()
			}
			_, err = io.Copy(w, obj)
			return err
		}
		// What the get benchmarks read, written the way each side writes.
		for _, write := range []func(benchOp) error{layer, bare} {
			if err := write(benchOp{put: true, key: "get-" + label}); err != nil {
				b.Fatal(err)
			}
		}
		ops := []benchOp{
			{name: "put-" + label, put: true},
			{name: "overwrite-" + label, put: true, key: "ow-" + label},
			{name: "get-" + label, key: "get-" + label},
			// The same read, with bare minio-go hashing what it reads: what verifying
			// costs anyway, so the rest is the layer's own overhead.
			{name: "get-" + label + "-vs-hashed", key: "get-" + label, hashed: true},
		}
		for _, op := range ops {
			b.Run(op.name, func(b *testing.B) {
				b.SetBytes(int64(size))
				var layerTimes, bareTimes []time.Duration
				timed := func(f func() error) time.Duration {
					start := time.Now()
					if err := f(); err != nil {
						b.Fatal(err)
					}
					return time.Since(start)
				}
				onLayer := func() error { return layer(op) }
				onBare := func() error { return bare(op) }
				// One untimed round warms connections.
				timed(onLayer)
				timed(onBare)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if i%2 == 0 {
						layerTimes = append(layerTimes, timed(onLayer))
						bareTimes = append(bareTimes, timed(onBare))
					} else {
						bareTimes = append(bareTimes, timed(onBare))
						layerTimes = append(layerTimes, timed(onLayer))
					}
				}
				// Medians: the machine is shared, and one stall shouldn't decide.
				l, r := median(layerTimes), median(bareTimes)
				b.ReportMetric(float64(l.Microseconds())/1000, "storage-ms")
				b.ReportMetric(float64(r.Microseconds())/1000, "minio-go-ms")
				b.ReportMetric(100*(float64(l)-float64(r))/float64(r), "overhead-%")
			})
		}
	}
}

// benchOp is one operation BenchmarkMinIOOverhead times through the layer and through
// bare minio-go.
type benchOp struct {
	name   string
	put    bool   // write the test data; otherwise read the object to the end
	key    string // the object's key under each side's prefix; "" for a fresh key each time
	hashed bool   // bare minio-go hashes what it reads, as the layer does
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
