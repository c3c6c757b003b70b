package storage

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// mkdirAllSync is os.MkdirAll that fsyncs the parent of every folder it creates, so a
// new folder survives a crash along with the object written into it.
func mkdirAllSync(dir string) error {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAllSync(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// writeTrailer appends the metadata after the content: JSON, its length as 8 big-endian
// bytes, then localMagic. At the end, not the front, because the SHA-256 is known only
// once the content has been streamed.
func writeTrailer(w io.Writer, meta localMeta) error {
	js, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(js)))
	for _, b := range [][]byte{js, n[:], []byte(localMagic)} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func readMetaFile(p string) (localMeta, error) {
	f, err := os.Open(p)
	if err != nil {
		return localMeta{}, fileErr(err)
	}
	defer f.Close()
	return readMeta(f)
}

// readMeta reads the trailer; a file that doesn't end in one is corrupt (ErrIntegrity).
func readMeta(f *os.File) (localMeta, error) {
	st, err := f.Stat()
	if err != nil {
		return localMeta{}, fileErr(err)
	}
	corrupt := func(why string) (localMeta, error) {
		return localMeta{}, fmt.Errorf("%w: %s: %s", ErrIntegrity, filepath.Base(f.Name()), why)
	}
	end := st.Size()
	if end < int64(localTrailerLen) {
		return corrupt("too short for a trailer")
	}
	var tail [localTrailerLen]byte
	if _, err := f.ReadAt(tail[:], end-int64(localTrailerLen)); err != nil {
		return localMeta{}, fileErr(err)
	}
	if string(tail[8:]) != localMagic {
		return corrupt("trailer magic missing")
	}
	jl := int64(binary.BigEndian.Uint64(tail[:8]))
	if jl <= 0 || jl > 1<<20 || jl > end-int64(localTrailerLen) {
		return corrupt("trailer length out of range")
	}
	js := make([]byte, jl)
	if _, err := f.ReadAt(js, end-int64(localTrailerLen)-jl); err != nil {
		return localMeta{}, fileErr(err)
	}
	var meta localMeta
	if err := json.Unmarshal(js, &meta); err != nil {
		return corrupt("trailer is not JSON")
	}
	if meta.Size != end-int64(localTrailerLen)-jl {
		return corrupt("content length differs from the recorded size")
	}
	return meta, nil
}

// fileErr maps file-system errors onto the storage errors.
func fileErr(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory") {
		return ErrNotFound // a key segment names an object, not a folder
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// newETag is random rather than content-derived: rewriting a record with the same bytes
// still changes its ETag, so a reviewer holding the old ETag learns someone wrote.
func newETag() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
