package hostile

import (
	"bytes"
	"compress/zlib"
	"image/png"
	"io"
	"strings"
	"testing"
)

func TestGenerateIsDeterministicAndCoversEveryKind(t *testing.T) {
	n := len(kinds) + 20
	a, b := Generate(7, n), Generate(7, n)
	if len(a) != n {
		t.Fatalf("Generate(7, %d) made %d files", n, len(a))
	}
	seen := map[string]bool{}
	names := map[string]bool{}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("file %d differs between two runs with the same seed: %s vs %s", i, a[i].Name, b[i].Name)
		}
		if names[a[i].Name] {
			t.Errorf("duplicate name %s", a[i].Name)
		}
		names[a[i].Name] = true
		seen[a[i].Kind] = true
		if len(a[i].Data) > 20<<20 {
			t.Errorf("%s is %d bytes, over the 20 MB upload limit: it would test the limit, not the parser", a[i].Name, len(a[i].Data))
		}
		if a[i].Target != TargetExtract && a[i].Target != TargetNumbers {
			t.Errorf("%s: target %q", a[i].Name, a[i].Target)
		}
	}
	for _, k := range Kinds() {
		if !seen[k] {
			t.Errorf("kind %s never generated", k)
		}
	}
	if c := Generate(8, n); bytes.Equal(c[len(kinds)+1].Data, a[len(kinds)+1].Data) && c[len(kinds)+1].Kind == a[len(kinds)+1].Kind {
		t.Errorf("seeds 7 and 8 made the same file %s", c[len(kinds)+1].Name)
	}
}

func TestZlibZerosInflatesToExactlyN(t *testing.T) {
	for _, n := range []int64{0, 1, 65521, 1<<20 - 1, 3<<20 + 5} {
		z := zlibZeros(n)
		r, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		got, err := io.ReadAll(r) // io.ReadAll verifies the Adler-32 at EOF
		if err != nil {
			t.Fatalf("n=%d: inflate: %v", n, err)
		}
		if int64(len(got)) != n || bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }) {
			t.Fatalf("n=%d: inflated to %d bytes (zeros: %v)", n, len(got), !bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }))
		}
		if n >= 1<<20 && int64(len(z))*100 > n {
			t.Errorf("n=%d: %d compressed bytes is not a bomb (ratio under 100)", n, len(z))
		}
	}
}

func TestImageBombsClaimHugeSizes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    []byte
		minSide int
	}{
		{"png zero bomb", pngZeroBomb(nil), 30000},
	} {
		cfg, err := png.DecodeConfig(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if cfg.Width < tc.minSide || cfg.Height < tc.minSide {
			t.Errorf("%s: %dx%d, want at least %d on each side", tc.name, cfg.Width, cfg.Height, tc.minSide)
		}
		if len(tc.data) > 2<<20 {
			t.Errorf("%s: %d bytes; a bomb should be small", tc.name, len(tc.data))
		}
	}
}

func TestPDFKindsAreWellFormedWhereMeant(t *testing.T) {
	// Kinds that hide their payload in a structurally valid file must keep a valid
	// header, trailer and startxref, or they test the wrong thing.
	for _, f := range Generate(3, len(kinds)) {
		if !strings.HasPrefix(f.Kind, "pdf-") || f.Kind == "pdf-truncated" || f.Kind == "pdf-random-body" ||
			f.Kind == "pdf-bit-flip" || f.Kind == "pdf-junk-prefix" {
			continue
		}
		if !bytes.HasPrefix(f.Data, []byte("%PDF-")) {
			t.Errorf("%s: no %%PDF- header", f.Name)
		}
		if !bytes.Contains(f.Data, []byte("startxref")) || !bytes.HasSuffix(f.Data, []byte("%%EOF\n")) {
			t.Errorf("%s: no startxref or %%%%EOF", f.Name)
		}
	}
}

func TestCorpusReadsGoFuzzFiles(t *testing.T) {
	files, err := Corpus("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Target == "" || !strings.HasPrefix(f.Kind, "corpus:") {
			t.Errorf("%s: kind %q target %q", f.Name, f.Kind, f.Target)
		}
	}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"go test fuzz v1\n[]byte(\"%PDF\\x00\")\n", "%PDF\x00", true},
		{"go test fuzz v1\nstring(\"a,b\")\n", "a,b", true},
		{"go test fuzz v1\n\"x\"\n", "x", true},
		{"go test fuzz v1\nint(3)\n", "", false},
		{"something else\n", "", false},
	} {
		got, err := firstCorpusValue([]byte(tc.in))
		if (err == nil) != tc.ok || string(got) != tc.want {
			t.Errorf("firstCorpusValue(%q) = %q, %v; want %q, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
