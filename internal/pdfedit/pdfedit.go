// Package pdfedit appends incremental updates to PDFs whose objects are written
// uncompressed (what gofpdf, the fixture producers and most generators write): the
// changed objects under their own numbers, a cross-reference section for them and a
// trailer pointing back (/Prev) at the original's, as an editor's "save" does. The LOA
// seal uses it to name its certification signature in the catalog before signing, and
// fixtures/altergen to alter bills the way a fraudster does.
package pdfedit

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	refRe       = regexp.MustCompile(`^(\d+)\s+(\d+)\s+R`)
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
)

// File is a PDF's bytes, read as they are.
type File struct {
	data []byte
}

// Object returns object n's dictionary text ("<< … >>").
func (f File) Object(n int) (string, error) {
	re := regexp.MustCompile(fmt.Sprintf(`(?:^|[\r\n\s])%d\s+0\s+obj\s*`, n))
	locs := re.FindAllIndex(f.data, -1)
	if locs == nil {
		return "", fmt.Errorf("object %d not found (compressed in an object stream?)", n)
	}
	body := f.data[locs[len(locs)-1][1]:]
	if !bytes.HasPrefix(body, []byte("<<")) {
		return "", fmt.Errorf("object %d is not a dictionary", n)
	}
	end := dictEnd(string(body), 0)
	if end < 0 {
		return "", fmt.Errorf("object %d: unbalanced dictionary", n)
	}
	return string(body[:end]), nil
}

// dictEnd returns the offset just past the dictionary starting at s[i] ("<<").
func dictEnd(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "<<"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], ">>"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		case s[i] == '(':
			i = stringEnd(s, i)
		default:
			i++
		}
	}
	return -1
}

func stringEnd(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

// valueSpan finds key's value at the top level of dict: [start, end) offsets.
func valueSpan(dict, key string) (int, int, bool) {
	const space = " \t\r\n"
	for i := 2; i < len(dict) && !strings.HasPrefix(dict[i:], ">>"); {
		if strings.ContainsRune(space, rune(dict[i])) {
			i++
			continue
		}
		if dict[i] != '/' {
			i = max(valueEnd(dict, i), i+1) // a stray token
			continue
		}
		j := valueEnd(dict, i) // the key, a name
		name := dict[i+1 : j]
		for j < len(dict) && strings.ContainsRune(space, rune(dict[j])) {
			j++
		}
		end := max(valueEnd(dict, j), j+1)
		if name == key {
			return j, end, true
		}
		i = end
	}
	return 0, 0, false
}

// valueEnd returns the end of the PDF value starting at s[i].
func valueEnd(s string, i int) int {
	switch {
	case strings.HasPrefix(s[i:], "<<"):
		return dictEnd(s, i)
	case s[i] == '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '[':
				depth++
			case ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			case '(':
				j = stringEnd(s, j) - 1
			}
		}
		return len(s)
	case s[i] == '(':
		return stringEnd(s, i)
	case s[i] == '/':
		j := i + 1
		for j < len(s) && !strings.ContainsRune(" \t\r\n/<>[]()", rune(s[j])) {
			j++
		}
		return j
	}
	if m := refRe.FindStringIndex(s[i:]); m != nil {
		return i + m[1]
	}
	j := i
	for j < len(s) && !strings.ContainsRune(" \t\r\n/<>[]()", rune(s[j])) {
		j++
	}
	return j
}

// Get returns key's value at the top level of dict, as written.
func Get(dict, key string) (string, bool) {
	s, e, ok := valueSpan(dict, key)
	if !ok {
		return "", false
	}
	return strings.TrimSpace(dict[s:e]), true
}

// Set replaces key's value in dict, or adds the key.
func Set(dict, key, val string) string {
	if s, e, ok := valueSpan(dict, key); ok {
		return dict[:s] + val + dict[e:]
	}
	return dict[:len(dict)-2] + "/" + key + " " + val + ">>"
}

// RefOf is the object number of a reference value ("12 0 R").
func RefOf(v string) (int, bool) {
	m := refRe.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, true
}

// Trailer returns the last classic trailer dictionary and the last startxref.
func (f File) Trailer() (string, int, error) {
	i := bytes.LastIndex(f.data, []byte("trailer"))
	m := startxrefRe.FindSubmatch(f.data)
	if i < 0 || m == nil {
		return "", 0, fmt.Errorf("no classic trailer")
	}
	rest := string(f.data[i+len("trailer"):])
	rest = strings.TrimLeft(rest, " \r\n\t")
	end := dictEnd(rest, 0)
	if end < 0 {
		return "", 0, fmt.Errorf("unbalanced trailer")
	}
	prev, _ := strconv.Atoi(string(m[1]))
	return rest[:end], prev, nil
}

// Deref reads the dictionary a reference value ("12 0 R") names.
func (f File) Deref(v string) (int, string, error) {
	n, ok := RefOf(v)
	if !ok {
		return 0, "", fmt.Errorf("%q is not a reference", v)
	}
	d, err := f.Object(n)
	return n, d, err
}

// FirstPage follows Root → Pages → Kids[0] down to a page.
func (f File) FirstPage(trailer string) (int, string, error) {
	root, _ := Get(trailer, "Root")
	_, cat, err := f.Deref(root)
	if err != nil {
		return 0, "", fmt.Errorf("the catalog: %w", err)
	}
	v, _ := Get(cat, "Pages")
	for depth := 0; depth < 16; depth++ {
		n, d, err := f.Deref(v)
		if err != nil {
			return 0, "", fmt.Errorf("the page tree: %w", err)
		}
		kids, ok := Get(d, "Kids")
		if !ok {
			return n, d, nil
		}
		v = strings.TrimSpace(strings.TrimPrefix(kids, "["))
	}
	return 0, "", fmt.Errorf("page tree too deep")
}

// Update is an incremental update being written.
type Update struct {
	Orig    File   // the file being updated
	Trailer string // its last trailer dictionary
	prev    int
	next    int // next free object number
	objs    map[int]string
	order   []int
}

// NewUpdate starts an update of data (a file with a classic trailer).
func NewUpdate(data []byte) (*Update, error) {
	f := File{data}
	t, prev, err := f.Trailer()
	if err != nil {
		return nil, err
	}
	size, _ := Get(t, "Size")
	n, err := strconv.Atoi(size)
	if err != nil {
		return nil, fmt.Errorf("trailer /Size %q", size)
	}
	return &Update{Orig: f, Trailer: t, prev: prev, next: n, objs: map[int]string{}}, nil
}

// NewPageUpdate starts an update of page 1: its object number and dictionary.
func NewPageUpdate(data []byte) (*Update, int, string, error) {
	u, err := NewUpdate(data)
	if err != nil {
		return nil, 0, "", err
	}
	pn, page, err := u.Orig.FirstPage(u.Trailer)
	return u, pn, page, err
}

// Put writes object n (a new version of an existing object, or a new one).
func (u *Update) Put(n int, body string) {
	if _, ok := u.objs[n]; !ok {
		u.order = append(u.order, n)
	}
	u.objs[n] = body
}

// Next is the number the next added object gets.
func (u *Update) Next() int { return u.next }

// Add writes a new object and returns its number.
func (u *Update) Add(body string) int {
	n := u.next
	u.next++
	u.Put(n, body)
	return n
}

// Bytes is the file with the update appended.
func (u *Update) Bytes() []byte {
	var b bytes.Buffer
	b.Write(u.Orig.data)
	if !bytes.HasSuffix(u.Orig.data, []byte("\n")) {
		b.WriteByte('\n')
	}
	offsets := map[int]int{}
	for _, n := range u.order {
		offsets[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, u.objs[n])
	}
	xref := b.Len()
	b.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for _, n := range u.order {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	t := Set(u.Trailer, "Size", strconv.Itoa(u.next))
	t = Set(t, "Prev", strconv.Itoa(u.prev))
	fmt.Fprintf(&b, "trailer\n%s\nstartxref\n%d\n%%%%EOF\n", t, xref)
	return b.Bytes()
}
