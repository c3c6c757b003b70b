package forensic

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// A PDF is rewritten in place by appending an incremental update: the changed objects,
// a new cross-reference section and trailer, and another %%EOF. Viewers show the last
// revision; the bytes of the first are still there. Generators of bills write one
// revision (two when the file is linearized: the first-page section ends with its own
// %%EOF), so every later one was added by something else: an editor that saved in
// place, a signing tool, or a form filler. What the update replaced tells them apart.

var (
	eofMarker    = []byte("%%EOF")
	objHeader    = regexp.MustCompile(`(\d+)\s+(\d+)\s+obj\b`)
	linearized   = regexp.MustCompile(`/Linearized\b`)
	typeOf       = regexp.MustCompile(`/Type\s*/([A-Za-z]+)`)
	subtypeOf    = regexp.MustCompile(`/Subtype\s*/([A-Za-z0-9]+)`)
	baseFontOf   = regexp.MustCompile(`/BaseFont\s*/([^\s/\[\]<>()]+)`)
	producerText = regexp.MustCompile(`/Producer\s*\(([^)]{1,120})\)`)
)

// revision is one section of the file ending with %%EOF.
type revision struct {
	start, end int // byte offsets: [start, end)
}

// revisions splits the file at each %%EOF. A linearized file's first two markers end
// one revision. Bytes after the last marker (padding, junk) belong to no revision.
func revisions(data []byte) []revision {
	var out []revision
	start := 0
	for off := 0; ; {
		i := bytes.Index(data[off:], eofMarker)
		if i < 0 {
			break
		}
		end := off + i + len(eofMarker)
		out = append(out, revision{start, end})
		start, off = end, end
	}
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	if len(out) >= 2 && linearized.Match(head) {
		out = append([]revision{{out[0].start, out[1].end}}, out[2:]...)
	}
	return out
}

// updateContent classifies what one incremental update holds.
type updateContent struct {
	objects   int
	content   []string // what changes what a page shows: pages, streams, fonts, images
	benign    []string // annotations, form fields, signatures, catalog, metadata
	producers []string // Producer strings in the update's Info dictionary
}

// classifyUpdate reads one update's objects; before is the file up to the update, where
// a replaced object's previous version is.
func classifyUpdate(before, section []byte) updateContent {
	var u updateContent
	locs := objHeader.FindAllSubmatchIndex(section, -1)
	for n, loc := range locs {
		bodyEnd := len(section)
		if n+1 < len(locs) {
			bodyEnd = locs[n+1][0]
		}
		body := section[loc[1]:bodyEnd]
		if e := bytes.Index(body, []byte("endobj")); e >= 0 {
			body = body[:e]
		}
		id := string(section[loc[2]:loc[3]])
		u.objects++
		dict := body
		if s := bytes.Index(body, []byte("stream")); s >= 0 {
			dict = body[:s]
		}
		typ, sub := firstGroup(typeOf, dict), firstGroup(subtypeOf, dict)
		switch {
		case typ == "XRef":
			// the update's own cross-reference stream
		case typ == "Sig" || typ == "DocTimeStamp":
			u.benign = append(u.benign, "a signature (object "+id+")")
		case typ == "Annot" || sub == "Widget" || bytes.Contains(dict, []byte("/Annots")) && typ == "":
			u.benign = append(u.benign, "an annotation (object "+id+")")
		case typ == "Catalog" || typ == "Pages" || typ == "Metadata" || bytes.Contains(dict, []byte("/AcroForm")):
			u.benign = append(u.benign, "the document catalog (object "+id+")")
		case typ == "Page" && !pageDrawingChanged(before, id, dict):
			u.benign = append(u.benign, "the page object "+id+" (its drawing unchanged)")
		case typ == "Page":
			u.content = append(u.content, "the page object "+id)
		case typ == "Font" || typ == "FontDescriptor" || bytes.Contains(dict, []byte("/FontFile")):
			name := firstGroup(baseFontOf, dict)
			if name == "" {
				name = "object " + id
			}
			u.content = append(u.content, "the font "+name)
		case typ == "ObjStm":
			u.content = append(u.content, "a compressed object stream (object "+id+")")
		case sub == "Image":
			u.content = append(u.content, "an image (object "+id+")")
		case sub == "Form" || typ == "XObject":
			u.content = append(u.content, "a drawing (object "+id+")")
		case bytes.Contains(body, []byte("stream")):
			u.content = append(u.content, "a content stream (object "+id+")")
		case bytes.Contains(dict, []byte("/Producer")) || bytes.Contains(dict, []byte("/ModDate")):
			if m := producerText.FindSubmatch(dict); m != nil {
				u.producers = append(u.producers, string(m[1]))
			}
			u.benign = append(u.benign, "the document information (object "+id+")")
		default:
			u.benign = append(u.benign, "object "+id)
		}
	}
	return u
}

var (
	contentsOf  = regexp.MustCompile(`/Contents\s*(\d+\s+\d+\s+R|\[[^\]]*\])`)
	resourcesOf = regexp.MustCompile(`/Resources\s*(\d+\s+\d+\s+R)`)
)

// pageDrawingChanged says whether a page object's new version draws differently from
// its previous one: other /Contents, or other resources (a new font or image). An
// update that only adds /Annots to a page leaves both as they were. A page with no
// previous version found, or with direct resources (not compared), counts as changed.
func pageDrawingChanged(before []byte, id string, dict []byte) bool {
	re := regexp.MustCompile(`(?:^|\s)` + id + `\s+\d+\s+obj\b`)
	locs := re.FindAllIndex(before, -1)
	if locs == nil {
		return true
	}
	prev := before[locs[len(locs)-1][1]:]
	if e := bytes.Index(prev, []byte("endobj")); e >= 0 {
		prev = prev[:e]
	}
	if bytes.Contains(dict, []byte("/Resources <<")) || bytes.Contains(dict, []byte("/Resources<<")) {
		return !bytes.Equal(firstRaw(contentsOf, prev), firstRaw(contentsOf, dict)) ||
			!bytes.Equal(resourceDict(prev), resourceDict(dict))
	}
	return !bytes.Equal(firstRaw(contentsOf, prev), firstRaw(contentsOf, dict)) ||
		!bytes.Equal(firstRaw(resourcesOf, prev), firstRaw(resourcesOf, dict))
}

func firstRaw(re *regexp.Regexp, b []byte) []byte {
	if m := re.FindSubmatch(b); m != nil {
		return bytes.Join(bytes.Fields(m[1]), []byte(" "))
	}
	return nil
}

// resourceDict is a page's direct /Resources dictionary, whitespace normalized.
func resourceDict(d []byte) []byte {
	i := bytes.Index(d, []byte("/Resources"))
	if i < 0 {
		return nil
	}
	rest := d[i+len("/Resources"):]
	j := bytes.Index(rest, []byte("<<"))
	if j < 0 {
		return nil
	}
	depth := 0
	for k := j; k+1 < len(rest); k++ {
		switch {
		case rest[k] == '<' && rest[k+1] == '<':
			depth++
			k++
		case rest[k] == '>' && rest[k+1] == '>':
			depth--
			k++
			if depth == 0 {
				return bytes.Join(bytes.Fields(rest[j:k+1]), []byte(" "))
			}
		}
	}
	return nil
}

func firstGroup(re *regexp.Regexp, b []byte) string {
	if m := re.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

// revisionSignals reports every update after the original revision.
func revisionSignals(data []byte) []Signal {
	revs := revisions(data)
	if len(revs) < 2 {
		return nil
	}
	var out []Signal
	for i, rev := range revs[1:] {
		u := classifyUpdate(data[:rev.start], data[rev.start:rev.end])
		if u.objects == 0 {
			continue // an empty section: a repeated trailer, nothing changed
		}
		where := fmt.Sprintf("revision %d (bytes %d–%d, after the original's %d bytes)", i+2, rev.start, rev.end, revs[0].end)
		by := ""
		if len(u.producers) > 0 {
			by = fmt.Sprintf(", written by %q", u.producers[0])
		}
		if len(u.content) > 0 {
			out = append(out, Signal{Kind: KindIncrementalUpdate,
				Evidence: fmt.Sprintf("%s%s replaces or adds %s", where, by, listOf(u.content, 4))})
			continue
		}
		out = append(out, Signal{Kind: KindAnnotationUpdate,
			Evidence: fmt.Sprintf("%s%s adds only %s", where, by, listOf(u.benign, 4))})
	}
	return out
}

// listOf joins at most n items, saying how many more there were.
func listOf(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more objects", strings.Join(items[:n], ", "), len(items)-n)
}
