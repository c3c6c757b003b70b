package ocr

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
)

func TestBundledModelWritten(t *testing.T) {
	sum := sha256.Sum256(bundledLatin)
	dir := t.TempDir()
	path := filepath.Join(dir, bundledLanguage+".traineddata")

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
	}{
		{"missing", func(t *testing.T) {}},
		{"already there", func(t *testing.T) {}},
		{"truncated by a crash", func(t *testing.T) {
			if err := os.WriteFile(path, bundledLatin[:1000], 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced by another model", func(t *testing.T) {
			b := append([]byte(nil), bundledLatin...)
			b[len(b)/2] ^= 0xff
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup(t)
			if err := writeModel(dir, sum); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if sha256.Sum256(b) != sum {
				t.Errorf("%s holds %d bytes that are not the bundled model", path, len(b))
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".model-*"))
			if len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}

	if err := writeModel(filepath.Join(path, "sub"), sum); err == nil {
		t.Error("writing under a file succeeded; want an error")
	}
}

func TestBundledModelReads(t *testing.T) {
	// The default engine uses the bundled model, and reads with it.
	o := testOCR(t)
	if got, want := o.Model(), "Latin (bundled)"; got != want {
		t.Fatalf("model %q, want %q", got, want)
	}
	st, err := os.Stat(filepath.Join(o.opts.TessdataPrefix, bundledLanguage+".traineddata"))
	if err != nil || st.Size() != int64(len(bundledLatin)) {
		t.Fatalf("bundled model file: %v, %v", st, err)
	}
}

func TestPrivateDir(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, perm os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.Mkdir(p, perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, perm); err != nil { // the umask may have narrowed it
			t.Fatal(err)
		}
		return p
	}
	private := mk("private", 0o700)
	open := mk("open", 0o777)
	link := filepath.Join(base, "link")
	if err := os.Symlink(private, link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want bool
	}{
		{private, true},
		{open, false}, // others could replace the model
		{link, false}, // a link could be pointed elsewhere
		{file, false}, // not a directory
		{filepath.Join(base, "missing"), false},
	} {
		if got := privateDir(tc.path); got != tc.want {
			t.Errorf("privateDir(%s) = %v, want %v", filepath.Base(tc.path), got, tc.want)
		}
	}
}
