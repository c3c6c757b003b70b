package ocr

// The bundled OCR model.
//
// tessdata/Latin.traineddata is Tesseract's script model "Latin" with its 8.6-million-word
// multilingual dictionary replaced by the English, Spanish and French ones: 40 MB and
// 0.2 s per client instead of 279 MB and 2 s, with the same fields read on every OCR
// fixture. scripts/tessdata.sh builds it (and says why at length). Tesseract loads models
// only from files, so the bytes are written once to a cache directory named by their hash
// and checked on every start.

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

//go:embed tessdata/Latin.traineddata
var bundledLatin []byte

// bundledLanguage is the bundled model's name: the file is <name>.traineddata.
const bundledLanguage = "Latin"

var bundled struct {
	once sync.Once
	dir  string
	err  error
}

// bundledTessdata returns a directory holding the bundled model, writing it on first use
// in the process.
func bundledTessdata() (string, error) {
	bundled.once.Do(func() {
		sum := sha256.Sum256(bundledLatin)
		name := "tessdata-" + hex.EncodeToString(sum[:8])
		var errs []error
		if cache, err := os.UserCacheDir(); err == nil {
			dir := filepath.Join(cache, "portdocs", name)
			err := writeModel(dir, sum)
			if err == nil {
				bundled.dir = dir
				return
			}
			errs = append(errs, err)
		}
		// No usable cache directory (no HOME, read-only): one per user in the temporary
		// directory, reused by later runs, if it is a private directory of ours...
		shared := filepath.Join(os.TempDir(), fmt.Sprintf("portdocs-%d-%s", os.Getuid(), name))
		if err := os.Mkdir(shared, 0o700); err == nil || errors.Is(err, fs.ErrExist) {
			if privateDir(shared) {
				if err := writeModel(shared, sum); err == nil {
					bundled.dir = shared
					return
				}
			}
		}
		// ...else a new one for this process.
		dir, err := os.MkdirTemp("", "portdocs-"+name+"-")
		if err == nil {
			if err = writeModel(dir, sum); err == nil {
				bundled.dir = dir
				return
			}
		}
		bundled.err = fmt.Errorf("writing the bundled OCR model: %w", errors.Join(append(errs, err)...))
	})
	return bundled.dir, bundled.err
}

// privateDir reports whether path is a directory (not a link to one) owned by this user
// and closed to everyone else, so nobody else can swap the model Tesseract will read.
func privateDir(path string) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		return false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(sys.Uid) == os.Getuid()
}

// writeModel makes dir/Latin.traineddata hold the bundled model, whose SHA-256 is sum:
// kept when it already does, else written to a temporary file and renamed over, so a
// concurrent start or a crash never leaves a half-written model for Tesseract to read.
func writeModel(dir string, sum [32]byte) error {
	path := filepath.Join(dir, bundledLanguage+".traineddata")
	if b, err := os.ReadFile(path); err == nil && sha256.Sum256(b) == sum {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".model-*")
	if err != nil {
		return err
	}
	_, err = f.Write(bundledLatin)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, bundledLatin) {
		return fmt.Errorf("%s does not hold the model just written", path)
	}
	return nil
}

// BundledModel returns the directory holding the bundled model and its language name,
// writing it there first if needed: for running the tesseract CLI with the model the
// service reads with (`tesseract --tessdata-dir DIR -l LANG ...`).
func BundledModel() (dir, language string, err error) {
	dir, err = bundledTessdata()
	return dir, bundledLanguage, err
}
