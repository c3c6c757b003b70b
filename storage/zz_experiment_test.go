package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/storage"
)

func TestZZExperiment(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	s := newMinIOStore(t, srv, storage.MinIOConfig{})
	raw := rawClient(t, srv)
	core := minio.Core{Client: raw}
	ctx := context.Background()
	data := bytes.Repeat([]byte("0123456789abcdef"), 20<<20/16)
	s.Put(ctx, "a", bytes.NewReader(data), int64(len(data)), storage.PutOptions{})
	buf := make([]byte, 32<<10)
	variants := map[string]func(){
		"bare-hash32k": func() { o, _ := raw.GetObject(ctx, s.Bucket(), "a", minio.GetObjectOptions{}); io.CopyBuffer(sha256.New(), o, buf); o.Close() },
		"core-hash32k": func() { o, _, _, _ := core.GetObject(ctx, s.Bucket(), "a", minio.GetObjectOptions{}); io.CopyBuffer(sha256.New(), o, buf); o.Close() },
		"coreck-hash32k": func() { o, _, _, _ := core.GetObject(ctx, s.Bucket(), "a", minio.GetObjectOptions{Checksum: true}); io.CopyBuffer(sha256.New(), o, buf); o.Close() },
		"coreck-hash8k": func() { o, _, _, _ := core.GetObject(ctx, s.Bucket(), "a", minio.GetObjectOptions{Checksum: true}); io.CopyBuffer(sha256.New(), o, buf[:8<<10]); o.Close() },
		"layer-discard": func() { o, _, _ := s.Get(ctx, "a"); io.Copy(io.Discard, o); o.Close() },
		"layer-32k": func() { o, _, _ := s.Get(ctx, "a"); io.CopyBuffer(io.Discard, struct{ io.Reader }{o}, buf); o.Close() },
	}
	res := map[string][]time.Duration{}
	for i := 0; i < 25; i++ {
		for name, f := range variants {
			st := time.Now()
			f()
			res[name] = append(res[name], time.Since(st))
		}
	}
	for name, d := range res {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		t.Logf("%-15s median %v min %v", name, d[len(d)/2], d[0])
	}
}
