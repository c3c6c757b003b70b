package hostile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Targets: which endpoint a file is meant for.
const (
	TargetExtract = "extract" // POST /v1/extract (and bill uploads): a bill
	TargetNumbers = "numbers" // POST /v1/numbers: a CSV number list
)

// File is one hostile upload.
type File struct {
	Name   string // unique within a set: "0042-pdf-fanout.pdf"
	Kind   string // what makes it hostile: "pdf-fanout", "png-zero-bomb", "corpus:FuzzExtractPDF"
	Target string // TargetExtract or TargetNumbers
	Data   []byte
}

// kind is one way of making a hostile file. weight sets how often it appears after
// every kind has appeared once; the expensive bombs are rarer so a bounded run covers
// many kinds.
type kind struct {
	name, ext, target string
	weight            int
	make              func(*rand.Rand) []byte
}

var kinds = []kind{
	{"empty", "pdf", TargetExtract, 2, func(*rand.Rand) []byte { return nil }},
	{"wrong-magic", "pdf", TargetExtract, 6, wrongMagic},
	{"random-bytes", "bin", TargetExtract, 6, func(r *rand.Rand) []byte { return randomBytes(r, 1+r.IntN(256<<10)) }},
	{"text-not-a-bill", "txt", TargetExtract, 2, textNotBill},
	{"polyglot", "pdf", TargetExtract, 2, polyglot},
	{"pdf-random-body", "pdf", TargetExtract, 6, pdfRandomBody},
	{"pdf-truncated", "pdf", TargetExtract, 8, pdfTruncated},
	{"pdf-bit-flip", "pdf", TargetExtract, 8, pdfBitFlip},
	{"pdf-bad-xref", "pdf", TargetExtract, 4, pdfBadXref},
	{"pdf-junk-prefix", "pdf", TargetExtract, 3, pdfJunkPrefix},
	{"pdf-encrypted", "pdf", TargetExtract, 4, pdfEncrypted},
	{"pdf-zero-pages", "pdf", TargetExtract, 3, pdfZeroPages},
	{"pdf-page-count-lie", "pdf", TargetExtract, 3, pdfCountLie},
	{"pdf-kids-repeat", "pdf", TargetExtract, 2, pdfKidsRepeat},
	{"pdf-fanout", "pdf", TargetExtract, 3, pdfFanout},
	{"pdf-deep-nesting", "pdf", TargetExtract, 3, pdfDeepNesting},
	{"pdf-cycle", "pdf", TargetExtract, 4, pdfCycle},
	{"pdf-xref-loop", "pdf", TargetExtract, 3, pdfXrefLoop},
	{"pdf-huge-length", "pdf", TargetExtract, 3, pdfHugeLength},
	{"pdf-flate-bomb", "pdf", TargetExtract, 1, pdfFlateBomb},
	{"pdf-image-bomb", "pdf", TargetExtract, 1, pdfImageBomb},
	{"pdf-many-objects", "pdf", TargetExtract, 1, pdfManyObjects},
	{"pdf-text-flood", "pdf", TargetExtract, 1, pdfTextFlood},
	{"pdf-font-bomb", "pdf", TargetExtract, 2, pdfFontBomb},
	{"png-header-bomb", "png", TargetExtract, 3, pngHeaderBomb},
	{"png-zero-bomb", "png", TargetExtract, 1, pngZeroBomb},
	{"png-damaged", "png", TargetExtract, 4, pngDamaged},
	{"jpeg-header-bomb", "jpg", TargetExtract, 3, jpegHeaderBomb},
	{"jpeg-damaged", "jpg", TargetExtract, 4, jpegDamaged},
	{"tiff-bomb", "tif", TargetExtract, 3, tiffBomb},
	{"csv-giant-line", "csv", TargetNumbers, 2, csvGiantLine},
	{"csv-many-columns", "csv", TargetNumbers, 2, csvManyColumns},
	{"csv-broken", "csv", TargetNumbers, 3, csvBroken},
	{"jpeg-photo-bomb", "jpg", TargetExtract, 2, jpegPhotoBomb},
	{"heif-size-bomb", "heic", TargetExtract, 2, heifSizeBomb},
	{"heif-garbage", "heic", TargetExtract, 3, heifGarbage},
}

// Kinds lists the kind names Generate uses, in order.
func Kinds() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.name
	}
	return out
}

// Generate makes n hostile files from seed: the first len(Kinds()) are one of each
// kind, the rest drawn by weight. The same seed and n give the same files.
func Generate(seed uint64, n int) []File {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	files := make([]File, 0, n)
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		if i >= len(kinds) {
			w := r.IntN(total)
			for _, c := range kinds {
				if w -= c.weight; w < 0 {
					k = c
					break
				}
			}
		}
		// Each file has its own generator so a file's bytes do not depend on how many
		// random numbers earlier kinds drew: a failing file can be remade alone.
		fr := rand.New(rand.NewPCG(seed, uint64(i)))
		files = append(files, File{
			Name:   fmt.Sprintf("%04d-%s.%s", i, k.name, k.ext),
			Kind:   k.name,
			Target: k.target,
			Data:   k.make(fr),
		})
	}
	return files
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// wrongMagic starts like a format portdocs does not take (or a near miss of one it does).
func wrongMagic(r *rand.Rand) []byte {
	magics := []string{"\x7fELF\x02\x01\x01", "PK\x03\x04", "GIF89a", "BM", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
		"{\\rtf1", "%!PS-Adobe-3.0", "RIFF\x00\x00\x00\x00WEBP", "\x00\x00\x00\x0cjP  ", "%PDX-1.4", "%pdf-1.4",
		"\x89PNG\r\n", "\xff\xd8", "II+\x00", "<?xml version=\"1.0\"?>", "\xef\xbb\xbf%PDF-1.4"}
	return append([]byte(magics[r.IntN(len(magics))]), randomBytes(r, r.IntN(8192))...)
}

func textNotBill(r *rand.Rand) []byte {
	var b strings.Builder
	b.WriteString("<html><body><h1>Invoice</h1>")
	for i := 0; i < r.IntN(500); i++ {
		fmt.Fprintf(&b, "<p>Account %d line 410-555-01%02d</p>", r.IntN(1e9), r.IntN(100))
	}
	return []byte(b.String())
}

// polyglot is a file that is a PDF at the start and a ZIP (or HTML) after it.
func polyglot(r *rand.Rand) []byte {
	b := textPDF(r)
	if r.IntN(2) == 0 {
		return append(b, append([]byte("PK\x03\x04"), randomBytes(r, 2048)...)...)
	}
	return append(b, "<script>alert(1)</script>"...)
}

// csvGiantLine is a number list whose one line is megabytes long.
func csvGiantLine(r *rand.Rand) []byte {
	var b bytes.Buffer
	b.WriteString("number,receiving_number,tracking_source\n+14105550142,+14105550199,Google Ads\n")
	b.WriteString("+14105550143,")
	fill := []byte{'9', 'a', '"', ','}[r.IntN(4)]
	b.Write(bytes.Repeat([]byte{fill}, (1+r.IntN(4))<<20))
	b.WriteString("\n+14105550150,+14105550197,Bing\n")
	return b.Bytes()
}

// csvManyColumns has a header of tens of thousands of columns.
func csvManyColumns(r *rand.Rand) []byte {
	n := 10000 + r.IntN(90000)
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "c%d,", i)
	}
	b.WriteString("\n")
	for row := 0; row < 3; row++ {
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "410555%04d,", 100+r.IntN(100))
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// csvBroken has unbalanced quotes, NUL bytes, invalid UTF-8, mixed line endings and
// ragged rows.
func csvBroken(r *rand.Rand) []byte {
	parts := []string{"\"+14105550142,+14105550199\n", "\x00\x00,\x00\n", "\xff\xfe\xfd,410-555-0143\r\n", "a,b,c,d,e,f\r",
		"\"\"\"\n", "+1410555014\"2,,,\n", strings.Repeat(",", 1000) + "\n", "number\n+1 (410) 555-0150 ext 9\n"}
	var b strings.Builder
	for i := 0; i < 5+r.IntN(200); i++ {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return []byte(b.String())
}
