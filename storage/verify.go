package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync"
)

// verifyingReader hashes what the caller reads and, at EOF, compares size and SHA-256
// with what was recorded at write: a mismatch turns io.EOF into ErrIntegrity, so a
// caller that reads to the end (io.Copy, io.ReadAll) can't miss a corrupted document.
type verifyingReader struct {
	ctx     context.Context
	rc      io.ReadCloser
	key     string
	want    string // hex SHA-256; empty skips the check (object written without one)
	size    int64
	h       digest
	n       int64
	err     error // sticky final error
	mapErr  func(error) error
	release func()
}

func newVerifyingReader(ctx context.Context, rc io.ReadCloser, key, wantSHA string, size int64, mapErr func(error) error) *verifyingReader {
	var h digest = syncDigest{sha256.New()}
	if size >= asyncHashMin {
		h = newAsyncDigest()
	}
	return &verifyingReader{ctx: ctx, rc: rc, key: key, want: wantSHA, size: size, h: h, mapErr: mapErr}
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if err := v.ctx.Err(); err != nil {
		if v.mapErr != nil {
			err = v.mapErr(err)
		}
		v.err = err
		return 0, err
	}
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n > v.size {
		v.err = fmt.Errorf("%w: %s: more than the recorded %d bytes", ErrIntegrity, v.key, v.size)
		return n, v.err
	}
	switch {
	case err == io.EOF:
		v.err = v.check()
		return n, v.err
	case err != nil:
		if v.mapErr != nil {
			err = v.mapErr(err)
		}
		v.err = err
		return n, err
	}
	return n, nil
}

func (v *verifyingReader) check() error {
	if v.n != v.size {
		return fmt.Errorf("%w: %s: read %d bytes, recorded %d", ErrIntegrity, v.key, v.n, v.size)
	}
	if v.want != "" {
		if got := hex.EncodeToString(v.h.Sum()); got != v.want {
			return fmt.Errorf("%w: %s: SHA-256 %s, recorded %s", ErrIntegrity, v.key, got[:12], v.want[:min(12, len(v.want))])
		}
	}
	return io.EOF
}

func (v *verifyingReader) Close() error {
	v.h.Close()
	err := v.rc.Close()
	if v.release != nil {
		v.release()
		v.release = nil
	}
	return err
}

// hashingReader feeds a hash and counts bytes on the way to a writer, stopping with
// a clear error when the caller's reader holds fewer bytes than the size it declared.
type hashingReader struct {
	ctx  context.Context
	r    io.Reader
	h    hash.Hash
	n    int64
	size int64
}

func (hr *hashingReader) Read(p []byte) (int, error) {
	if err := hr.ctx.Err(); err != nil {
		return 0, err
	}
	if rem := hr.size - hr.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	if len(p) == 0 {
		return 0, io.EOF
	}
	n, err := hr.r.Read(p)
	hr.h.Write(p[:n])
	hr.n += int64(n)
	if err == io.EOF && hr.n < hr.size {
		return n, fmt.Errorf("%w: reader ended after %d of the declared %d bytes", ErrShortBody, hr.n, hr.size)
	}
	return n, err
}

func (hr *hashingReader) sum() string { return hex.EncodeToString(hr.h.Sum(nil)) }

// asyncHashMin is the size from which Get hashes on another goroutine, overlapping the
// SHA-256 with the network read; below it the hand-off costs more than it saves.
const asyncHashMin = 1 << 20

// digest is a SHA-256 fed in order; Sum is called once, at EOF.
type digest interface {
	Write(p []byte)
	Sum() []byte
	Close()
}

type syncDigest struct{ h hash.Hash }

func (d syncDigest) Write(p []byte) { d.h.Write(p) }
func (d syncDigest) Sum() []byte    { return d.h.Sum(nil) }
func (d syncDigest) Close()         {}

// asyncDigest copies each chunk (the caller reuses its buffer) and hashes it on a
// goroutine; at most asyncDepth chunks wait, which bounds memory.
type asyncDigest struct {
	ch     chan []byte
	done   chan []byte
	closed bool
}

const (
	asyncDepth = 16
	asyncChunk = 64 << 10
)

var chunkPool = sync.Pool{New: func() any { b := make([]byte, asyncChunk); return &b }}

func newAsyncDigest() *asyncDigest {
	d := &asyncDigest{ch: make(chan []byte, asyncDepth), done: make(chan []byte, 1)}
	go func() {
		h := sha256.New()
		for b := range d.ch {
			h.Write(b)
			if cap(b) == asyncChunk {
				b = b[:asyncChunk]
				chunkPool.Put(&b)
			}
		}
		d.done <- h.Sum(nil)
	}()
	return d
}

func (d *asyncDigest) Write(p []byte) {
	for len(p) > 0 {
		bp := chunkPool.Get().(*[]byte)
		n := copy(*bp, p)
		d.ch <- (*bp)[:n]
		p = p[n:]
	}
}

func (d *asyncDigest) Sum() []byte {
	d.Close()
	return <-d.done
}

// Close stops the goroutine; done is buffered, so it never waits for a reader.
func (d *asyncDigest) Close() {
	if !d.closed {
		d.closed = true
		close(d.ch)
	}
}
