package hostile

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// corpusTargets maps a fuzz target's name to the endpoint its inputs belong to; other
// targets (comparisons, signatures) have no upload endpoint and are left out.
func corpusTarget(fuzzName string) string {
	switch n := strings.ToLower(fuzzName); {
	case strings.Contains(n, "csv"), strings.Contains(n, "numbers"):
		return TargetNumbers
	case strings.Contains(n, "pdf"), strings.Contains(n, "extract"), strings.Contains(n, "image"),
		strings.Contains(n, "png"), strings.Contains(n, "tiff"), strings.Contains(n, "jpeg"):
		return TargetExtract
	}
	return ""
}

// Corpus reads the committed Go fuzz corpora under root (every
// */testdata/fuzz/FuzzName/* file in "go test fuzz v1" format) whose first argument is
// []byte or string, for targets that take uploads. Files are sorted by path.
func Corpus(root string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		dir := filepath.Dir(path)
		if filepath.Base(filepath.Dir(dir)) != "fuzz" || filepath.Base(filepath.Dir(filepath.Dir(dir))) != "testdata" {
			return nil
		}
		target := corpusTarget(filepath.Base(dir))
		if target == "" {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		data, err := firstCorpusValue(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, File{Name: rel, Kind: "corpus:" + filepath.Base(dir), Target: target, Data: data})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, err
}

// firstCorpusValue decodes the first value of a "go test fuzz v1" file when it is a
// []byte("...") or string "..." literal.
func firstCorpusValue(raw []byte) ([]byte, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "go test fuzz v1" {
		return nil, fmt.Errorf("not a Go fuzz corpus file")
	}
	if !sc.Scan() {
		return nil, fmt.Errorf("no value")
	}
	line := strings.TrimSpace(sc.Text())
	switch {
	case strings.HasPrefix(line, "[]byte(") && strings.HasSuffix(line, ")"):
		line = strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")")
	case strings.HasPrefix(line, "string(") && strings.HasSuffix(line, ")"):
		line = strings.TrimSuffix(strings.TrimPrefix(line, "string("), ")")
	case strings.HasPrefix(line, `"`) || strings.HasPrefix(line, "`"):
	default:
		return nil, fmt.Errorf("first value is not []byte or string: %.40s", line)
	}
	s, err := strconv.Unquote(line)
	if err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	return []byte(s), nil
}
