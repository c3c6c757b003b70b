package fields

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/internal/pagetest"
)

func TestConfusableChars(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"8123 4567 0199", nil},        // all digits: nothing to doubt
		{"ACME PLUMBING", nil},         // all letters
		{"8123 4567 O199", []int{10}},  // O among digits
		{"81l3-4S67", []int{2, 6}},     // l and S among digits
		{"B0B", []int{1}},              // the lone digit among letters
		{"AB12", []int{1}},             // a tie doubts the letters: B may be 8
		{"942186753-0000I", []int{14}}, // I at the end
		{"STE 12", nil},                // separate tokens are not mixed
		{"Z1P 62704", []int{1}},        // the lone digit among letters
		{"", nil},
	} {
		if got := ConfusableChars(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ConfusableChars(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestConfusionConfidenceAndWarning(t *testing.T) {
	for _, tc := range []struct {
		value    string
		src      doc.Source
		conf     float64
		want     float64
		warnPart string
	}{
		{"8123 4567 0199", doc.SourceOCR, 0.9, 0.9, ""},
		{"8123 4567 O199", doc.SourceOCR, 0.9, 0.9 * 0.85, "character 11"},
		{"81l3 4S67 O199", doc.SourceOCR, 0.9, 0.9 * 0.85 * 0.85 * 0.85, "character 3, 7, 11"},
		{"8123 4567 O199", doc.SourceText, 0.9, 0.9, ""},               // a text layer is not OCR
		{"1O1O1O1O1O1O1O1O1O1O", doc.SourceOCR, 0.9, 0.2, "character"}, // floor
	} {
		if got := ConfusionConfidence(tc.conf, tc.value, tc.src); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("ConfusionConfidence(%q, %s) = %v, want %v", tc.value, tc.src, got, tc.want)
		}
		w := ConfusionWarning("account_number", tc.value, tc.src)
		if (tc.warnPart == "") != (w == "") || !strings.Contains(w, tc.warnPart) {
			t.Errorf("ConfusionWarning(%q, %s) = %q, want it to say %q", tc.value, tc.src, w, tc.warnPart)
		}
		if strings.Contains(w, tc.value) {
			t.Errorf("warning %q repeats the value; account numbers are not to be echoed", w)
		}
	}
}

func TestConfusableMatch(t *testing.T) {
	for _, tc := range []struct {
		bill, typed string
		diffs       []int
		ok          bool
	}{
		{"8123 4567 O199", "812345670199", []int{10}, true},
		{"8I23", "8123", []int{1}, true},
		{"8l23", "8I23", []int{1}, true}, // l and I both stand for 1
		{"8123", "8123", nil, true},
		{"8123", "8124", nil, false}, // a real difference stays a mismatch
		{"8123", "81234", nil, false},
		{"SB", "58", []int{0, 1}, true},
	} {
		diffs, ok := ConfusableMatch(tc.bill, tc.typed)
		if ok != tc.ok || !reflect.DeepEqual(diffs, tc.diffs) {
			t.Errorf("ConfusableMatch(%q, %q) = %v, %v; want %v, %v", tc.bill, tc.typed, diffs, ok, tc.diffs, tc.ok)
		}
	}
}

// TestAccountConfusions: an OCR'd account number mixing look-alike letters and digits
// keeps its value as read, loses confidence and carries a warning naming positions
// only; a text-layer value or a clean OCR value is left alone.
func TestAccountConfusions(t *testing.T) {
	ocr := pagetest.Opts{Conf: 0.9, Jitter: true}
	for _, tc := range []struct {
		name    string
		opts    pagetest.Opts
		line    string
		value   string
		clean   string // the same line without look-alikes, for the confidence it would have
		warnAt  string // "" = no warning
		lowered bool
	}{
		{"ocr O among digits", ocr, "Account Number: 8123 4567 O199", "8123 4567 O199", "Account Number: 8123 4567 0199", "character 11", true},
		{"ocr I, B and S among digits", ocr, "Account Number: 8IB3-4S67-2201", "8IB3-4S67-2201", "Account Number: 8183-4567-2201", "character 2, 3, 7", true},
		{"ocr all digits", ocr, "Account Number: 8123 4567 0199", "8123 4567 0199", "Account Number: 8123 4567 0199", "", false},
		{"text layer keeps its letters", pagetest.Opts{}, "Account Number: 8123 4567 O199", "8123 4567 O199", "Account Number: 8123 4567 0199", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := findAccount(layoutOf(tc.opts, tc.line))
			ref, _ := findAccount(layoutOf(tc.opts, tc.clean))
			if f == nil || ref == nil {
				t.Fatalf("no account number found (%v, %v)", f, ref)
			}
			if f.Value != tc.value {
				t.Errorf("value %q, want %q as read (never corrected)", f.Value, tc.value)
			}
			var warn string
			for _, w := range f.Warnings {
				if strings.Contains(w, "look-alike") {
					warn = w
				}
			}
			switch {
			case tc.warnAt == "" && warn != "":
				t.Errorf("unexpected warning %q", warn)
			case tc.warnAt != "" && !strings.Contains(warn, tc.warnAt):
				t.Errorf("warning %q, want one naming %s", warn, tc.warnAt)
			case warn != "" && strings.Contains(warn, alnumUpper(tc.value)[4:]):
				t.Errorf("warning %q shows the account number", warn)
			}
			if tc.lowered && f.Confidence >= ref.Confidence {
				t.Errorf("confidence %.2f, want below the clean value's %.2f", f.Confidence, ref.Confidence)
			}
			if !tc.lowered && f.Confidence != ref.Confidence {
				t.Errorf("confidence %.2f, want %.2f as without look-alikes", f.Confidence, ref.Confidence)
			}
		})
	}
}
