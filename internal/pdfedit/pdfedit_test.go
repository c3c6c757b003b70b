package pdfedit

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/digitorus/pdf"
)

func TestGetSet(t *testing.T) {
	d := `<< /Type /Page /Resources << /Font << /F1 5 0 R >> >> /Contents [4 0 R 6 0 R] /Title (a (nested) \) >> string) /Rotate 0 >>`
	for key, want := range map[string]string{"Type": "/Page", "Resources": "<< /Font << /F1 5 0 R >> >>", "Contents": "[4 0 R 6 0 R]",
		"Title": `(a (nested) \) >> string)`, "Rotate": "0"} {
		if got, ok := Get(d, key); !ok || got != want {
			t.Errorf("Get %s = %q, %v; want %q", key, got, ok, want)
		}
	}
	if _, ok := Get(d, "F1"); ok {
		t.Error("a nested key read as a top-level one")
	}
	d2 := Set(Set(d, "Rotate", "90"), "Annots", "[9 0 R]")
	if v, _ := Get(d2, "Rotate"); v != "90" {
		t.Errorf("Set replaced Rotate with %q", v)
	}
	if v, _ := Get(d2, "Annots"); v != "[9 0 R]" {
		t.Errorf("Set added Annots as %q", v)
	}
	if n, ok := RefOf("12 0 R"); !ok || n != 12 {
		t.Errorf("RefOf = %d, %v", n, ok)
	}
}

// minimalPDF is a one-page PDF with a classic cross-reference table.
func minimalPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// An update adds and replaces objects that a PDF reader then sees in the new revision.
func TestUpdate(t *testing.T) {
	u, pn, page, err := NewPageUpdate(minimalPDF())
	if err != nil || pn != 3 {
		t.Fatalf("page %d, %v", pn, err)
	}
	note := u.Add("<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] >>")
	if note != 4 || u.Next() != 5 {
		t.Fatalf("added object %d, next %d", note, u.Next())
	}
	u.Put(pn, Set(page, "Annots", fmt.Sprintf("[%d 0 R]", note)))
	out := u.Bytes()
	r, err := pdf.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	p := r.Trailer().Key("Root").Key("Pages").Key("Kids").Index(0)
	if got := p.Key("Annots").Index(0).Key("Subtype").Name(); got != "Text" {
		t.Errorf("the reader sees annotation subtype %q", got)
	}
	if n := bytes.Count(out, []byte("%%EOF")); n != 2 {
		t.Errorf("%d revisions, want 2", n)
	}
	if _, err := NewUpdate([]byte("%PDF-1.4\nno trailer")); err == nil {
		t.Error("a file without a trailer accepted")
	}
}
