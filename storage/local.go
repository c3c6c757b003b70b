package storage

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultRetention is how long archived (PutOptions.Retain) objects stay immutable when
// no period is configured: seven years, a common retention rule for customer records.
const DefaultRetention = 7 * 365 * 24 * time.Hour

// LocalOptions configure the local-folder backend.
type LocalOptions struct {
	// Retention is how long a Retain put stays immutable; zero means DefaultRetention.
	Retention time.Duration
	// Now is the clock (tests move it past retention); nil means time.Now.
	Now func() time.Time
}

// Local keeps objects in a folder: the embedded default for `portdocs serve`.
//
// Each object is one file holding the content followed by a small JSON trailer (key,
// size, content type, ETag, SHA-256, metadata, retention), so content and metadata change
// together with one rename. Writes go to a temporary file in the destination folder,
// are fsynced, then renamed over the old version and the folder is fsynced: a reader sees
// the old object or the new one, never a mix. Key segments are stored with a prefix
// ("d_" for folders, "f_" for objects, "t_" for temporary files) so the key "a" and the
// key "a/b" can coexist and temporary files never look like objects.
//
// Conditional puts, deletes and retention checks run under a store-wide lock: a mutex
// for goroutines and flock(2) on a lock file for other processes sharing the folder.
type Local struct {
	root      string // objects live under root/objects
	retention time.Duration
	now       func() time.Time

	mu   sync.Mutex
	lock *os.File
}

const (
	localMagic      = "PDOBJv1\n"
	localTrailerLen = 8 + len(localMagic)
	tempPrefix      = "t_"
	staleTempAge    = 15 * time.Minute
)

// localMeta is the trailer of each object file.
type localMeta struct {
	Key         string            `json:"key"`
	Size        int64             `json:"size"`
	ContentType string            `json:"content_type"`
	ETag        string            `json:"etag"`
	SHA256      string            `json:"sha256"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	Modified    time.Time         `json:"modified"`
	RetainUntil time.Time         `json:"retain_until,omitzero"`
}

func (m localMeta) info() ObjectInfo {
	md := make(map[string]string, len(m.Metadata))
	for k, v := range m.Metadata {
		md[k] = v
	}
	return ObjectInfo{Key: m.Key, Size: m.Size, ContentType: m.ContentType, ETag: m.ETag, SHA256: m.SHA256,
		Metadata: md, Modified: m.Modified, RetainUntil: m.RetainUntil}
}

// NewLocal opens (creating if needed) a store in dir and removes temporary files a crash
// left behind.
func NewLocal(dir string, opts LocalOptions) (*Local, error) {
	if dir == "" {
		return nil, errors.New("storage: local: empty data folder; set PORTDOCS_DATA_DIR")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("storage: local: %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "objects"), 0o750); err != nil {
		return nil, fmt.Errorf("storage: local: %s: cannot create the data folder: %w", dir, err)
	}
	lf, err := os.OpenFile(filepath.Join(abs, ".lock"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("storage: local: %s: cannot open the lock file: %w", dir, err)
	}
	l := &Local{root: abs, retention: opts.Retention, now: opts.Now, lock: lf}
	if l.retention <= 0 {
		l.retention = DefaultRetention
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.cleanTemp()
	return l, nil
}

// Close releases the lock file. The store must not be used afterwards.
func (l *Local) Close() error { return l.lock.Close() }

// Dir is the data folder.
func (l *Local) Dir() string { return l.root }

// path maps a key to its object file: "ports/7/request.json" ->
// root/objects/d_ports/d_7/f_request.json.
func (l *Local) path(key string) string {
	segs := strings.Split(key, "/")
	parts := make([]string, 0, len(segs)+2)
	parts = append(parts, l.root, "objects")
	for i, s := range segs {
		if i == len(segs)-1 {
			parts = append(parts, "f_"+s)
		} else {
			parts = append(parts, "d_"+s)
		}
	}
	return filepath.Join(parts...)
}

// Put writes an object atomically; see Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (ObjectInfo, error) {
	md, err := checkPut(ctx, key, size, opts)
	if err != nil {
		return ObjectInfo{}, err
	}
	final := l.path(key)
	// Fail fast, before copying a large body, when the outcome is already known; the
	// check is repeated under the lock where it counts.
	if cur, err := readMetaFile(final); err == nil || errors.Is(err, ErrNotFound) {
		if err := l.checkPut(key, cur, err == nil, opts); err != nil {
			return ObjectInfo{}, err
		}
	}

	tmp, err := l.createTemp(filepath.Dir(final))
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: %w", key, ErrUnavailable, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	hr := &hashingReader{ctx: ctx, r: r, h: sha256.New(), size: size}
	if _, err := io.Copy(tmp, hr); err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrShortBody) {
			return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, err)
		}
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: %w", key, ErrUnavailable, err)
	}
	if hr.n != size {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: got %d of %d bytes", key, ErrShortBody, hr.n, size)
	}
	ct := opts.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	meta := localMeta{Key: key, Size: size, ContentType: ct, ETag: newETag(), SHA256: hr.sum(),
		Metadata: md, Modified: l.now().UTC().Truncate(time.Millisecond)}
	if opts.Retain {
		meta.RetainUntil = meta.Modified.Add(l.retention)
	}
	if err := writeTrailer(tmp, meta); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: %w", key, ErrUnavailable, err)
	}
	if err := tmp.Sync(); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: fsync: %w", key, ErrUnavailable, err)
	}
	if err := tmp.Close(); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: %w", key, ErrUnavailable, err)
	}
	if err := ctx.Err(); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, err)
	}

	unlock, err := l.acquire()
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, err)
	}
	defer unlock()
	cur, err := readMetaFile(final)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		// A corrupt current version is reported, never silently replaced: its trailer
		// can't tell whether it is retained, and an auditor must see the damage.
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w", key, err)
	}
	if err := l.checkPut(key, cur, exists, opts); err != nil {
		return ObjectInfo{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: rename: %w", key, ErrUnavailable, err)
	}
	committed = true
	if err := syncDir(filepath.Dir(final)); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: put %s: %w: fsync folder: %w", key, ErrUnavailable, err)
	}
	return meta.info(), nil
}

// checkPut applies retention and the caller's conditions to the current version.
func (l *Local) checkPut(key string, cur localMeta, exists bool, opts PutOptions) error {
	if exists && l.now().Before(cur.RetainUntil) {
		return fmt.Errorf("storage: put %s: %w (until %s)", key, ErrRetained, cur.RetainUntil.Format(time.RFC3339))
	}
	return checkConditions(key, cur.ETag, exists, opts)
}

// checkConditions is the If-Match / If-None-Match rule both backends share.
func checkConditions(key, etag string, exists bool, opts PutOptions) error {
	switch {
	case opts.IfNoneMatch == "*" && exists:
		return fmt.Errorf("storage: put %s: %w: it already exists", key, ErrPreconditionFailed)
	case opts.IfNoneMatch != "" && opts.IfNoneMatch != "*" && exists && opts.IfNoneMatch == etag:
		return fmt.Errorf("storage: put %s: %w: ETag is %s", key, ErrPreconditionFailed, etag)
	case opts.IfMatch != "" && !exists:
		return fmt.Errorf("storage: put %s: %w: it does not exist", key, ErrPreconditionFailed)
	case opts.IfMatch != "" && opts.IfMatch != "*" && opts.IfMatch != etag:
		return fmt.Errorf("storage: put %s: %w: ETag is %s, not %s", key, ErrPreconditionFailed, etag, opts.IfMatch)
	}
	return nil
}

// Get opens an object; reading it to EOF verifies its SHA-256.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	if err := ValidateKey(key); err != nil {
		return nil, ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("storage: get %s: %w", key, err)
	}
	f, err := os.Open(l.path(key))
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("storage: get %s: %w", key, fileErr(err))
	}
	meta, err := readMeta(f)
	if err != nil {
		f.Close()
		return nil, ObjectInfo{}, fmt.Errorf("storage: get %s: %w", key, err)
	}
	body := struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, 0, meta.Size), f}
	return newVerifyingReader(ctx, body, key, meta.SHA256, meta.Size, nil), meta.info(), nil
}

// Stat describes an object without reading it.
func (l *Local) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	if err := ValidateKey(key); err != nil {
		return ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: stat %s: %w", key, err)
	}
	meta, err := readMetaFile(l.path(key))
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("storage: stat %s: %w", key, err)
	}
	return meta.info(), nil
}

// List returns the objects whose keys start with prefix, sorted by key.
func (l *Local) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	if err := validatePrefix(prefix); err != nil {
		return nil, err
	}
	// Start the walk at the deepest folder the prefix names completely.
	start := filepath.Join(l.root, "objects")
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		for _, s := range strings.Split(prefix[:i], "/") {
			start = filepath.Join(start, "d_"+s)
		}
	}
	var out []ObjectInfo
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking, or the prefix names no folder
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != start && !strings.HasPrefix(name, "d_") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(name, "f_") {
			return nil // temporary files and strays are not objects
		}
		meta, err := readMetaFile(p)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(meta.Key, prefix) {
			out = append(out, meta.info())
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("storage: list %q: %w", prefix, ctx.Err())
		}
		if errors.Is(err, ErrIntegrity) {
			return nil, fmt.Errorf("storage: list %q: %w", prefix, err)
		}
		return nil, fmt.Errorf("storage: list %q: %w: %w", prefix, ErrUnavailable, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete removes an object unless it is retained.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	unlock, err := l.acquire()
	if err != nil {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	defer unlock()
	p := l.path(key)
	meta, err := readMetaFile(p)
	if err != nil && !errors.Is(err, ErrIntegrity) {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	if err == nil && l.now().Before(meta.RetainUntil) {
		return fmt.Errorf("storage: delete %s: %w (until %s)", key, ErrRetained, meta.RetainUntil.Format(time.RFC3339))
	}
	if errors.Is(err, ErrIntegrity) {
		// Without a readable trailer nobody can prove the object is not retained.
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("storage: delete %s: %w", key, fileErr(err))
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return fmt.Errorf("storage: delete %s: %w: %w", key, ErrUnavailable, err)
	}
	return nil
}

// Ping checks the data folder is there and writable.
func (l *Local) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(l.root, "objects"), tempPrefix+"ping-*")
	if err != nil {
		return fmt.Errorf("storage: local %s: %w: %w", l.root, ErrUnavailable, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// acquire takes the store-wide write lock: the mutex orders goroutines (flock is per
// open file, so it would let them all through), flock orders processes.
func (l *Local) acquire() (func(), error) {
	l.mu.Lock()
	if err := flock(l.lock); err != nil {
		l.mu.Unlock()
		return nil, fmt.Errorf("%w: lock: %w", ErrUnavailable, err)
	}
	return func() {
		funlock(l.lock)
		l.mu.Unlock()
	}, nil
}

// createTemp makes the destination folders (fsyncing each new one into its parent) and
// a temporary file there, so the final rename stays within one folder.
func (l *Local) createTemp(dir string) (*os.File, error) {
	if err := mkdirAllSync(dir); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, tempPrefix+"*")
}

// cleanTemp removes temporary files old enough that no live writer owns them (another
// process may be writing right now, so fresh ones stay).
func (l *Local) cleanTemp() {
	cutoff := l.now().Add(-staleTempAge)
	filepath.WalkDir(filepath.Join(l.root, "objects"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(p)
		}
		return nil
	})
}
