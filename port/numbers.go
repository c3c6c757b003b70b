package port

import (
	"fmt"
	"strings"
)

// Column roles of a number list (the names the wizard's drop-downs show).
const (
	RoleTrackingNumber  = "tracking_number"  // "Tracking Number to Port"
	RoleReceivingNumber = "receiving_number" // "Receiving Number"
	RoleTrackingSource  = "tracking_source"  // "Tracking Source"
	RoleAccountName     = "account_name"
)

// NumberRow is one number read from a list, with the line it came from.
type NumberRow struct {
	Line            int    `json:"line"`
	Number          string `json:"number"`
	ReceivingNumber string `json:"receiving_number,omitempty"`
	TrackingSource  string `json:"tracking_source,omitempty"`
	AccountName     string `json:"account_name,omitempty"`
}

// NumberList is a parsed number list: the rows whose number is valid (in E.164), the
// problems of the others by line, and for a CSV the column mapping used or suggested.
type NumberList struct {
	Numbers          []NumberRow `json:"numbers"`
	Problems         []Problem   `json:"problems"`
	Header           []string    `json:"header,omitempty"`
	SuggestedMapping *Mapping    `json:"suggested_mapping,omitempty"`
}

// PortNumbers returns the rows as the numbers of a Request.
func (l NumberList) PortNumbers() []Number {
	out := make([]Number, len(l.Numbers))
	for i, r := range l.Numbers {
		out[i] = Number{Number: r.Number, ReceivingNumber: r.ReceivingNumber, TrackingSource: r.TrackingSource}
	}
	return out
}

// ParseNumberList reads the wizard's manual entry: one number per line, written any way
// people write numbers ("+14105550142", "(410) 555-0142", "410.555.0142"). Blank lines are
// skipped. A line may also carry a receiving number and a tracking source after a comma,
// semicolon or tab ("+14105550142, +14105550199, Google Ads"). Each bad line becomes a
// problem with its line number; duplicates are reported once, on the repeat.
func ParseNumberList(text string) NumberList {
	l := NumberList{Numbers: []NumberRow{}, Problems: []Problem{}}
	seen := map[string]int{}
	text = strings.TrimPrefix(text, "\ufeff")
	for i, line := range strings.Split(text, "\n") {
		lineNo := i + 1
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(line) > MaxLineBytes {
			l.Problems = append(l.Problems, Problem{Field: RoleTrackingNumber, Code: CodeInvalidNumber, Line: lineNo, Severity: SeverityError,
				Message: fmt.Sprintf("line %d: %d KB on one line is not a phone number; put one number per line", lineNo, len(line)>>10)})
			continue
		}
		if len(l.Numbers) >= MaxNumbers {
			l.Problems = append(l.Problems, Problem{Field: RoleTrackingNumber, Code: CodeTooManyNumbers, Line: lineNo, Severity: SeverityError,
				Message: fmt.Sprintf("line %d: more than %d numbers; split the list into several port requests", lineNo, MaxNumbers)})
			break
		}
		parts := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == '\t' })
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		if len(parts) == 0 {
			continue
		}
		cells := map[string]string{RoleTrackingNumber: parts[0]}
		if len(parts) > 1 {
			cells[RoleReceivingNumber] = parts[1]
		}
		if len(parts) > 2 {
			cells[RoleTrackingSource] = strings.Join(parts[2:], ", ")
		}
		if row, ok := l.addRow(lineNo, cells, seen, false); ok {
			l.Numbers = append(l.Numbers, row)
		}
	}
	return l
}

// addRow normalizes one row's cells and records its problems; ok is false when the row
// has no usable number to port.
func (l *NumberList) addRow(lineNo int, cells map[string]string, seen map[string]int, needReceiving bool) (NumberRow, bool) {
	row := NumberRow{Line: lineNo, TrackingSource: cells[RoleTrackingSource], AccountName: cells[RoleAccountName]}
	bad := func(field, code, format string, args ...any) {
		l.Problems = append(l.Problems, Problem{Field: field, Code: code, Line: lineNo, Severity: SeverityError,
			Message: fmt.Sprintf("line %d: ", lineNo) + fmt.Sprintf(format, args...)})
	}
	num := cells[RoleTrackingNumber]
	if num == "" {
		bad(RoleTrackingNumber, CodeRequired, "no number to port on this line")
		return row, false
	}
	e, err := NormalizeNumber(num)
	if err != nil {
		bad(RoleTrackingNumber, CodeInvalidNumber, "%v; write it with country code, e.g. +14105550142", err)
		return row, false
	}
	row.Number = e
	if first, dup := seen[e]; dup {
		bad(RoleTrackingNumber, CodeDuplicateNumber, "%s is already on line %d", e, first)
		return row, false
	}
	seen[e] = lineNo
	switch rec := cells[RoleReceivingNumber]; {
	case rec == "" && needReceiving:
		bad(RoleReceivingNumber, CodeReceivingRequired, "%s has no receiving number; every number needs one", e)
	case rec != "":
		re, err := NormalizeNumber(rec)
		switch {
		case err != nil:
			bad(RoleReceivingNumber, CodeInvalidNumber, "receiving number %v", err)
		case re == e:
			bad(RoleReceivingNumber, CodeReceivingIsSelf, "%s cannot be its own receiving number", e)
		default:
			row.ReceivingNumber = re
		}
	}
	return row, true
}
