package fields

import (
	"regexp"
	"slices"
	"testing"
)

func TestQuickReNeed(t *testing.T) {
	cases := []struct {
		expr string
		need []string // nil: no test before the regexp
	}{
		{`(?i)amount\s+enclosed|detach`, []string{"enclosed", "detach"}},
		// The longer of a concatenation's literals, whatever the case it is written in.
		{`(?i)make\s+checks?\s+PAYABLE`, []string{"payable"}},
		{`(?i)\b(?:line|lines|btn)\b`, []string{"line", "btn"}},
		{`\b[a-z0-9-]{2,}\.(?:com|net)\b`, []string{"com", "net"}},
		{`(?i)copyright|\(c\)\s*\d{4}`, []string{"copyright", "(c)"}},
		// A branch that needs no literal leaves nothing to test.
		{`(?i)remit|\d{5}`, nil},
		{`(?i)pin(?:\s+code)?|x*`, nil},
		{`[A-Z]{2,}`, nil},
		// A case-folded letter beyond ASCII: ASCII lowering would not find "Ú" for "ú".
		{`(?i)núñez`, nil},
		// ...but one matched as written is found as written.
		{`©\s*\d{4}`, []string{"©"}},
		{`(?i)©|copyright`, []string{"©", "copyright"}},
	}
	for _, c := range cases {
		q := mustQuick(c.expr)
		var got []string
		for _, n := range q.need {
			got = append(got, string(n))
		}
		slices.Sort(got)
		want := slices.Clone(c.need)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: need %q, want %q", c.expr, got, want)
		}
	}
}

// The test before the regexp never changes what it finds.
func TestQuickReSameAsRegexp(t *testing.T) {
	exprs := []string{
		`(?i)amount\s+enclosed|detach|return\s+(?:this|the)\s+(?:portion|stub)`,
		`(?i)\b(?:customer\s+(?:service|care)|call\s+us|call\b|calling|questions?)`,
		`(?i)©|\(c\)\s*\d{4}|copyright|d/b/a|\bdba\b`,
		`(?i)\b(?:www\.|https?://)|\b[a-z0-9-]{2,}\.(?:com|net|org)\b`,
		`(?i)kilo|suite`,
		`(?i)remit|\d{5}`,
	}
	texts := []string{
		"", "PLEASE DETACH AND RETURN", "Amount  Enclosed $", "Return THE stub", "Customer   Care 1-800-555-0100",
		"CALL US", "calling", "Question", "© 2026 Hotwire", "(C) 2026", "Copyright", "RIVERSIDE LLC D/B/A GRANDIN",
		"WWW.EXAMPLE.COM", "example.NET", "pay at https://x", "no match here", "KILO", "\u212aILO", "\u017fuite", "SUITE 100",
		"remit to", "ZIP 80202", "NÚÑEZ", "a very long line " + string(make([]byte, 300)) + " detach",
	}
	for _, e := range exprs {
		q, re := mustQuick(e), regexp.MustCompile(e)
		for _, s := range texts {
			if got, want := q.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%q on %q: MatchString %v, regexp %v", e, s, got, want)
			}
			if got, want := q.FindAllStringIndex(s, -1), re.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%q on %q: FindAllStringIndex %v, regexp %v", e, s, got, want)
			}
			if got, want := q.ReplaceAllString(s, "#"), re.ReplaceAllString(s, "#"); got != want {
				t.Errorf("%q on %q: ReplaceAllString %q, regexp %q", e, s, got, want)
			}
		}
	}
}
