package port

import (
	"errors"
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
