package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/portdocs/portdocs/extract"
)

func TestParseWeights(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]int
		ok   bool
	}{
		{"text=70,scan=10,loa=10,check=10", map[string]int{"text": 70, "scan": 10, "loa": 10, "check": 10}, true},
		{" text=1 , scan=0", map[string]int{"text": 1, "scan": 0}, true},
		{"text=-1", nil, false},
		{"pdf=3", nil, false},
		{"text", nil, false},
	} {
		got, err := parseWeights(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("parseWeights(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("parseWeights(%q)[%s] = %d, want %d", tc.in, k, got[k], v)
			}
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{.5, 50 * time.Millisecond}, {.95, 95 * time.Millisecond}, {.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}} {
		if got := percentile(d, tc.p); got != tc.want {
			t.Errorf("p%.0f = %v, want %v", tc.p*100, got, tc.want)
		}
	}
	if got := percentile(nil, .5); got != 0 {
		t.Errorf("percentile of nothing = %v", got)
	}
}

// The big phase's file must be a real bill the service reads to the end, of the size
// asked for, or the phase measures a fast refusal instead of an upload.
func TestBigPDFIsReadableAtSize(t *testing.T) {
	const size = 3 << 20
	data := bigPDF(size)
	if n := len(data); n < size-4096 || n > size+4096 {
		t.Fatalf("bigPDF(%d) is %d bytes", size, n)
	}
	x, err := extract.New(extract.Options{}).Extract(context.Background(), data)
	if err != nil {
		t.Fatalf("the big PDF does not extract: %v", err)
	}
	if x.Pages != 1 || x.Method != extract.MethodText {
		t.Errorf("pages %d method %s, want 1 page read from its text layer", x.Pages, x.Method)
	}
}

func TestParseFlagsNeedsAKeyOrServe(t *testing.T) {
	env := func(string) string { return "" }
	if _, err := parseFlags([]string{"-url", "http://127.0.0.1:1"}, env, io.Discard); err == nil {
		t.Error("no -key and no -serve: want an error")
	}
	if _, err := parseFlags([]string{"-serve", "./portdocs", "-phases", "text,ref"}, env, io.Discard); err != nil {
		t.Errorf("-serve without -key: %v", err)
	}
	if _, err := parseFlags([]string{"-serve", "./portdocs", "-phases", "warp"}, env, io.Discard); err == nil {
		t.Error("unknown phase: want an error")
	}
}
