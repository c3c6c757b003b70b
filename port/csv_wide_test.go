package port

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseCSVRefusesVeryWideRows(t *testing.T) {
	for _, tc := range []struct {
		name    string
		columns int
		wantErr bool
	}{
		{name: "three columns", columns: 3},
		{name: "at the limit", columns: MaxCSVColumns},
		{name: "one over", columns: MaxCSVColumns + 1, wantErr: true},
		{name: "a hundred thousand", columns: 100000, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := make([]string, tc.columns)
			row[0] = "+14105550142"
			if tc.columns > 1 {
				row[1] = "+14105550199"
			}
			_, err := ParseCSV(strings.NewReader(strings.Join(row, ",")+"\n"), nil)
			if got := errors.Is(err, ErrCSV); got != tc.wantErr {
				t.Fatalf("ParseCSV with %d columns: err = %v, want ErrCSV: %v", tc.columns, err, tc.wantErr)
			}
		})
	}
}

func TestNumberListLongLines(t *testing.T) {
	head := "number,receiving_number,tracking_source\n+14105550142,+14105550199,Google Ads\n"
	tail := "\n+14105550150,+14105550197,Bing\n"
	for _, tc := range []struct {
		name     string
		line     string // the third line
		wantErr  bool   // ParseCSV refuses the file
		wantLine int    // and names this line
	}{
		{name: "a long tracking source", line: "+14105550143,+14105550198," + strings.Repeat("a", 500)},
		{name: "at the limit", line: "+14105550143,+14105550198," + strings.Repeat("a", MaxLineBytes-26)},
		{name: "one byte over", line: "+14105550143,+14105550198," + strings.Repeat("a", MaxLineBytes-25), wantErr: true, wantLine: 3},
		{name: "a megabyte of digits", line: "+14105550143," + strings.Repeat("9", 1<<20), wantErr: true, wantLine: 3},
		{name: "a megabyte of commas", line: strings.Repeat(",", 1<<20), wantErr: true, wantLine: 3},
		{name: "a megabyte of quotes", line: strings.Repeat(`"`, 1<<20), wantErr: true, wantLine: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ParseCSV(strings.NewReader(head+tc.line+tail), nil)
			if !tc.wantErr {
				if err != nil || len(l.Numbers) != 3 {
					t.Fatalf("ParseCSV: %d numbers, err %v; want 3 and no error", len(l.Numbers), err)
				}
				return
			}
			if !errors.Is(err, ErrCSV) {
				t.Fatalf("ParseCSV: err = %v, want ErrCSV", err)
			}
			if want := fmt.Sprintf("line %d is longer than", tc.wantLine); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error is %d bytes long; it must not echo the line", len(err.Error()))
			}

			// The same text as a plain list: that line is a problem, the others are read.
			pl := ParseNumberList(strings.ReplaceAll(head, "number,receiving_number,tracking_source\n", "") + tc.line + tail)
			if len(pl.Numbers) != 2 {
				t.Errorf("ParseNumberList: %d numbers, want the 2 on short lines", len(pl.Numbers))
			}
			for _, p := range pl.Problems {
				if len(p.Message) > 300 {
					t.Errorf("problem message is %d bytes long; it must not echo the line", len(p.Message))
				}
			}
		})
	}
}

func TestNormalizeNumberLongText(t *testing.T) {
	long := "+1 410 555 0142" + strings.Repeat("9", 1<<20)
	_, err := NormalizeNumber(long)
	if !errors.Is(err, ErrInvalidNumber) {
		t.Fatalf("err = %v, want ErrInvalidNumber", err)
	}
	if !strings.Contains(err.Error(), "too long for a phone number") || len(err.Error()) > 200 {
		t.Errorf("error %q: want a short message that says it is too long", err)
	}
	if got, err := NormalizeNumber("+1 (410) 555-0142"); err != nil || got != "+14105550142" {
		t.Errorf("ordinary number: %q, %v", got, err)
	}
}
