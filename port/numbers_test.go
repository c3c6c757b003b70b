package port

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseNumberList(t *testing.T) {
	text := "+14105550142\n\n410-555-0143\n(410) 555.0144 , +1 410 555 0199, Google Ads\nnot a number\n410 555 0142\n   \n555-0100\r\n"
	l := ParseNumberList(text)
	wantNums := []NumberRow{
		{Line: 1, Number: "+14105550142"},
		{Line: 3, Number: "+14105550143"},
		{Line: 4, Number: "+14105550144", ReceivingNumber: "+14105550199", TrackingSource: "Google Ads"},
	}
	if len(l.Numbers) != len(wantNums) {
		t.Fatalf("numbers = %+v; want %+v", l.Numbers, wantNums)
	}
	for i, w := range wantNums {
		if l.Numbers[i] != w {
			t.Errorf("numbers[%d] = %+v; want %+v", i, l.Numbers[i], w)
		}
	}
	wantProblems := map[int]string{5: CodeInvalidNumber, 6: CodeDuplicateNumber, 8: CodeInvalidNumber}
	if len(l.Problems) != len(wantProblems) {
		t.Fatalf("problems = %+v; want lines %v", l.Problems, wantProblems)
	}
	for _, p := range l.Problems {
		if wantProblems[p.Line] != p.Code {
			t.Errorf("line %d: %s; want %s", p.Line, p.Code, wantProblems[p.Line])
		}
		if !strings.HasPrefix(p.Message, fmt.Sprintf("line %d:", p.Line)) {
			t.Errorf("message %q does not start with its line", p.Message)
		}
	}
}

func TestParseCSV(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		mapping  *Mapping
		want     []NumberRow
		problems map[int]string // line → code
		suggest  []string
	}{
		{
			name: "wizard header, commas",
			in:   "Tracking Number to Port,Receiving Number,Tracking Source\n+14105550142,+14105550199,Google Ads\n410-555-0143,410-555-0199,Yelp\n",
			want: []NumberRow{
				{Line: 2, Number: "+14105550142", ReceivingNumber: "+14105550199", TrackingSource: "Google Ads"},
				{Line: 3, Number: "+14105550143", ReceivingNumber: "+14105550199", TrackingSource: "Yelp"},
			},
			suggest: []string{RoleTrackingNumber, RoleReceivingNumber, RoleTrackingSource},
		},
		{
			name:    "BOM, semicolons, quoted fields, own header names",
			in:      "\ufeffSource;Phone Number;Forward To;Account Name\n\"Billboard; I-95\";\"(410) 555-0142\";\"410.555.0199\";\"Acme, LLC\"\n",
			want:    []NumberRow{{Line: 2, Number: "+14105550142", ReceivingNumber: "+14105550199", TrackingSource: "Billboard; I-95", AccountName: "Acme, LLC"}},
			suggest: []string{RoleTrackingSource, RoleTrackingNumber, RoleReceivingNumber, RoleAccountName},
		},
		{
			name:    "tabs, no header: mapping from the data",
			in:      "4105550142\t4105550199\tRadio\n4105550143\t4105550199\tTV\n",
			want:    []NumberRow{{Line: 1, Number: "+14105550142", ReceivingNumber: "+14105550199", TrackingSource: "Radio"}, {Line: 2, Number: "+14105550143", ReceivingNumber: "+14105550199", TrackingSource: "TV"}},
			suggest: []string{RoleTrackingNumber, RoleReceivingNumber, RoleTrackingSource},
		},
		{
			name:    "explicit mapping overrides the suggestion",
			in:      "A,B,C\n+14105550199,Print,+14105550142\n",
			mapping: &Mapping{Columns: []string{RoleReceivingNumber, RoleTrackingSource, RoleTrackingNumber}, Header: ptr(true)},
			want:    []NumberRow{{Line: 2, Number: "+14105550142", ReceivingNumber: "+14105550199", TrackingSource: "Print"}},
			suggest: []string{RoleTrackingNumber, RoleTrackingSource, RoleReceivingNumber}, // from the data
		},
		{
			name: "per-row problems with line numbers",
			in:   "Tracking Number to Port,Receiving Number\n+14105550142,+14105550199\n\n555-0100,+14105550199\n+14105550143,\n+14105550142,+14105550199\n+14105550144,+14105550144\n",
			want: []NumberRow{
				{Line: 2, Number: "+14105550142", ReceivingNumber: "+14105550199"},
				{Line: 5, Number: "+14105550143"},
				{Line: 7, Number: "+14105550144"},
			},
			problems: map[int]string{4: CodeInvalidNumber, 5: CodeReceivingRequired, 6: CodeDuplicateNumber, 7: CodeReceivingIsSelf},
			suggest:  []string{RoleTrackingNumber, RoleReceivingNumber},
		},
		{
			name:     "no receiving column",
			in:       "Number\n+14105550142\n",
			want:     []NumberRow{{Line: 2, Number: "+14105550142"}},
			problems: map[int]string{0: CodeMissingColumn},
			suggest:  []string{RoleTrackingNumber},
		},
		{
			name:    "account number column is not the number to port",
			in:      "Account Number,Tracking Number,Receiving Number\n12345,+14105550142,+14105550199\n",
			want:    []NumberRow{{Line: 2, Number: "+14105550142", ReceivingNumber: "+14105550199"}},
			suggest: []string{"", RoleTrackingNumber, RoleReceivingNumber},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseCSV(strings.NewReader(tc.in), tc.mapping)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(l.Numbers) != fmt.Sprint(tc.want) {
				t.Errorf("numbers = %+v\nwant      %+v", l.Numbers, tc.want)
			}
			got := map[int]string{}
			for _, p := range l.Problems {
				got[p.Line] = p.Code
			}
			if fmt.Sprint(got) != fmt.Sprint(orEmpty(tc.problems)) {
				t.Errorf("problems = %+v; want %v", l.Problems, tc.problems)
			}
			if l.SuggestedMapping == nil || fmt.Sprint(l.SuggestedMapping.Columns) != fmt.Sprint(tc.suggest) {
				t.Errorf("suggested mapping = %+v; want %v", l.SuggestedMapping, tc.suggest)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func orEmpty(m map[int]string) map[int]string {
	if m == nil {
		return map[int]string{}
	}
	return m
}

func csv10k() string {
	var b strings.Builder
	b.WriteString("Tracking Number to Port,Receiving Number,Tracking Source\n")
	for i := range 10000 {
		// area codes vary so the numbers are distinct; 555-01XX stays fictional
		fmt.Fprintf(&b, "(%d) 555-01%02d,+1 410 555 0199,Source %d\n", 201+i/100, i%100, i%7)
	}
	return b.String()
}

func TestParseCSV10k(t *testing.T) {
	l, err := ParseCSV(strings.NewReader(csv10k()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Numbers)+len(l.Problems) != 10000 {
		t.Errorf("%d numbers + %d problems; want 10000 rows", len(l.Numbers), len(l.Problems))
	}
}

func BenchmarkParseCSV10k(b *testing.B) {
	in := csv10k()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := ParseCSV(strings.NewReader(in), nil); err != nil {
			b.Fatal(err)
		}
	}
}
