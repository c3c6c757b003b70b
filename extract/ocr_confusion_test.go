package extract

import (
	"reflect"
	"strings"
	"testing"
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
		src      Source
		conf     float64
		want     float64
		warnPart string
	}{
		{"8123 4567 0199", SourceOCR, 0.9, 0.9, ""},
		{"8123 4567 O199", SourceOCR, 0.9, 0.9 * 0.85, "character 11"},
		{"81l3 4S67 O199", SourceOCR, 0.9, 0.9 * 0.85 * 0.85 * 0.85, "character 3, 7, 11"},
		{"8123 4567 O199", SourceText, 0.9, 0.9, ""},               // a text layer is not OCR
		{"1O1O1O1O1O1O1O1O1O1O", SourceOCR, 0.9, 0.2, "character"}, // floor
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
