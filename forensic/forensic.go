package forensic

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/portdocs/portdocs/extract"
)

// Kinds of signal. A strong signal alone is worth a reviewer's look; weak ones are
// listed as context and raise the flag only together (see Report.Suspected).
const (
	KindIncrementalUpdate = "incremental_update"      // content or fonts replaced after the original
	KindAnnotationUpdate  = "annotation_update"       // weak: an update adding only annotations, forms or signatures
	KindEditorProducer    = "editor_producer"         // Producer/Creator names a PDF editor or a rewriting tool
	KindMetadataMismatch  = "metadata_mismatch"       // weak: Info and XMP disagree on the producer
	KindModifiedAfter     = "modified_after_creation" // weak: ModDate or the file ID changed after creation
	KindMixedSubsets      = "font_subsets_mixed"      // weak: two subsets of one font on one page
	KindFieldFont         = "field_font_run"          // a field value in a font nothing else on its page uses
	KindOverlappingText   = "overlapping_text"        // different text drawn at the same place
	KindRenderMismatch    = "render_mismatch"         // the rendered page does not show the text layer's value
	KindImageEditor       = "image_editor"            // an image editor's tag in EXIF, PNG text or XMP
)

var weakKinds = map[string]bool{
	KindAnnotationUpdate: true,
	KindMetadataMismatch: true,
	KindModifiedAfter:    true,
	KindMixedSubsets:     true,
}

// Signal is one observation with the evidence a reviewer can check.
type Signal struct {
	Kind     string `json:"kind"`
	Page     int    `json:"page,omitempty"`
	Evidence string `json:"evidence"`
	Weak     bool   `json:"weak,omitempty"`
}

// Report is what Inspect found.
type Report struct {
	Signals []Signal `json:"signals"`
	// Rendered lists the pages rendered and read by OCR to compare with the text
	// layer (only when another signal fired).
	Rendered []int `json:"rendered_pages,omitempty"`
	// Notes say what could not be examined, so that no signal is not read as "clean".
	Notes []string `json:"notes,omitempty"`
}

// Suspected says whether the report should go to a reviewer as a suspected
// alteration: one strong signal, or two weak signals of different kinds.
func (r Report) Suspected() bool {
	weak := map[string]bool{}
	for _, s := range r.Signals {
		if !s.Weak {
			return true
		}
		weak[s.Kind] = true
	}
	return len(weak) >= 2
}

// Summary is one line per signal, for a flag's message.
func (r Report) Summary() string {
	var b strings.Builder
	for i, s := range r.Signals {
		if i > 0 {
			b.WriteString("; ")
		}
		if s.Page > 0 {
			fmt.Fprintf(&b, "page %d: ", s.Page)
		}
		b.WriteString(s.Evidence)
	}
	return b.String()
}

// Options bound an inspection.
type Options struct {
	// Extractor reads the text layer within its limits, and its OCR engine (when it
	// has one) renders pages to compare with the text layer once another signal
	// fired. Nil: a default extractor without OCR.
	Extractor *extract.Extractor
	// MaxRenderPages bounds the pages rendered; 0 = 2.
	MaxRenderPages int
}

// Inspect examines a bill's bytes. ex is what the extractor read from the same bytes
// (nil when unknown); its field values and pages say where to look for a retyped
// account number or name. Inspect never fails: what it cannot read becomes a note.
func Inspect(ctx context.Context, data []byte, ex *extract.Extraction, opts Options) Report {
	var r Report
	switch {
	case isPDF(data):
		inspectPDF(ctx, data, ex, opts, &r)
	case len(data) > 0:
		r.Signals = append(r.Signals, imageSignals(data)...)
	}
	for i := range r.Signals {
		r.Signals[i].Weak = r.Signals[i].Weak || weakKinds[r.Signals[i].Kind]
	}
	sort.SliceStable(r.Signals, func(i, j int) bool {
		if r.Signals[i].Weak != r.Signals[j].Weak {
			return !r.Signals[i].Weak
		}
		return r.Signals[i].Page < r.Signals[j].Page
	})
	if r.Signals == nil {
		r.Signals = []Signal{}
	}
	return r
}

func isPDF(data []byte) bool {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	return bytes.Contains(head, []byte("%PDF-"))
}

func inspectPDF(ctx context.Context, data []byte, ex *extract.Extraction, opts Options, r *Report) {
	r.Signals = append(r.Signals, revisionSignals(data)...)
	exr := opts.Extractor
	if exr == nil {
		exr = extract.New(extract.Options{})
	}
	tl, err := exr.TextLayer(ctx, data)
	if err != nil {
		r.Notes = append(r.Notes, "the metadata and fonts were not examined: "+err.Error())
		return
	}
	targets := fieldTargets(ex)
	r.Signals = append(r.Signals, metadataSignals(tl.Info)...)
	r.Signals = append(r.Signals, fontSignals(tl.Pages, targets)...)
	if r.Suspected() {
		renderCompare(ctx, data, exr, tl.Pages, targets, opts.MaxRenderPages, r)
	}
}

// target is a field value to look for in the text layer.
type target struct {
	field string
	value string
	page  int
	bbox  extract.BBox
}

// fieldTargets are the values a fraudster retypes: the account number and the names.
func fieldTargets(ex *extract.Extraction) []target {
	if ex == nil {
		return nil
	}
	var out []target
	add := func(name string, f *extract.Field[string]) {
		if f != nil && f.Source == extract.SourceText && len([]rune(strings.TrimSpace(f.Value))) >= 4 {
			out = append(out, target{name, strings.TrimSpace(f.Value), f.Page, f.BBox})
		}
	}
	add("account_number", ex.Fields.AccountNumber)
	add("billing_name", ex.Fields.BillingName)
	add("business_name", ex.Fields.BusinessName)
	return out
}
