package port

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Mapping says what each CSV column holds: Columns[i] is the role of column i
// (RoleTrackingNumber, RoleReceivingNumber, RoleTrackingSource, RoleAccountName, or ""
// to ignore it). Header says whether the first row holds column names; nil lets the
// parser decide.
type Mapping struct {
	Columns []string `json:"columns"`
	Header  *bool    `json:"header,omitempty"`
}

func (m *Mapping) column(role string) int {
	for i, r := range m.Columns {
		if r == role {
			return i
		}
	}
	return -1
}

// ErrCSV is wrapped by ParseCSV when the file cannot be read as a CSV at all.
var ErrCSV = errors.New("not a readable CSV file")

// headerLabels maps folded header texts to roles: the wizard's own names first, then
// what people's spreadsheets call them.
var headerLabels = map[string]string{
	"TRACKING NUMBER TO PORT": RoleTrackingNumber, "TRACKING NUMBER": RoleTrackingNumber,
	"NUMBER TO PORT": RoleTrackingNumber, "NUMBERS TO PORT": RoleTrackingNumber, "PORT NUMBER": RoleTrackingNumber,
	"PHONE NUMBER": RoleTrackingNumber, "PHONE": RoleTrackingNumber, "NUMBER": RoleTrackingNumber,
	"TELEPHONE NUMBER": RoleTrackingNumber, "TN": RoleTrackingNumber, "DID": RoleTrackingNumber,
	"RECEIVING NUMBER": RoleReceivingNumber, "RECEIVING": RoleReceivingNumber, "FORWARDING NUMBER": RoleReceivingNumber,
	"FORWARD TO": RoleReceivingNumber, "RING TO": RoleReceivingNumber, "DESTINATION NUMBER": RoleReceivingNumber,
	"TRACKING SOURCE": RoleTrackingSource, "SOURCE": RoleTrackingSource, "MARKETING SOURCE": RoleTrackingSource,
	"CAMPAIGN":     RoleTrackingSource,
	"ACCOUNT NAME": RoleAccountName, "ACCOUNT": RoleAccountName, "CLIENT": RoleAccountName, "CUSTOMER": RoleAccountName,
}

// headerRole guesses a column's role from its header text.
func headerRole(h string) string {
	f := foldWords(h)
	if r, ok := headerLabels[f]; ok {
		return r
	}
	switch {
	case strings.Contains(f, "RECEIV") || strings.Contains(f, "FORWARD") || strings.Contains(f, "DESTINATION"):
		return RoleReceivingNumber
	case strings.Contains(f, "SOURCE") || strings.Contains(f, "CAMPAIGN"):
		return RoleTrackingSource
	case strings.Contains(f, "ACCOUNT") && strings.Contains(f, "NAME"):
		return RoleAccountName
	case strings.Contains(f, "ACCOUNT"):
		return "" // an account *number* column is not ours
	case strings.Contains(f, "PORT") || strings.Contains(f, "PHONE") || strings.Contains(f, "TRACKING") || strings.Contains(f, "NUMBER"):
		return RoleTrackingNumber
	}
	return ""
}

// sniffDelimiter picks ',', ';' or tab by counting them outside quotes on the first line.
func sniffDelimiter(first []byte) rune {
	counts := map[rune]int{}
	inQuote := false
	for _, c := range string(first) {
		switch {
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

func looksLikeNumber(s string) bool {
	_, err := NormalizeNumber(s)
	return err == nil
}

// suggest builds a mapping from the header (when the first row is one) or, failing that,
// from the data: the first column of phone numbers is the number to port, the second the
// receiving number, the first text column the tracking source.
func suggest(first []string, sample [][]string) *Mapping {
	m := &Mapping{Columns: make([]string, len(first))}
	header := false
	for _, c := range first {
		if strings.TrimSpace(c) != "" && !looksLikeNumber(c) && headerRole(c) != "" {
			header = true
		}
	}
	if header {
		used := map[string]bool{}
		for i, c := range first {
			if r := headerRole(c); r != "" && !used[r] {
				m.Columns[i], used[r] = r, true
			}
		}
		m.Header = &header
		return m
	}
	m.Header = &header
	rows := append([][]string{first}, sample...)
	phoneCols, textCol := []int{}, -1
	for i := range first {
		phones, texts := 0, 0
		for _, r := range rows {
			if i >= len(r) || strings.TrimSpace(r[i]) == "" {
				continue
			}
			if looksLikeNumber(r[i]) {
				phones++
			} else {
				texts++
			}
		}
		switch {
		case phones > 0 && phones >= texts:
			phoneCols = append(phoneCols, i)
		case texts > 0 && textCol < 0:
			textCol = i
		}
	}
	if len(phoneCols) > 0 {
		m.Columns[phoneCols[0]] = RoleTrackingNumber
	}
	if len(phoneCols) > 1 {
		m.Columns[phoneCols[1]] = RoleReceivingNumber
	}
	if textCol >= 0 {
		m.Columns[textCol] = RoleTrackingSource
	}
	return m
}

// MaxCSVColumns is the most columns a number-list CSV may have.
const MaxCSVColumns = 64

// MaxLineBytes is the longest line of a number list (CSV or plain text). A row is a
// number, a receiving number, a source and a name or two: a few hundred bytes. A longer
// line is not a number list, and reading it whole (a megabyte of commas is a million
// columns) would cost the server far more memory than the file's size.
const MaxLineBytes = 8 << 10

// errLineTooLong stops the CSV reader at a line over MaxLineBytes.
var errLineTooLong = errors.New("line too long")

// lineLimitReader fails with errLineTooLong once a line passes max bytes, before the
// CSV reader buffers it.
type lineLimitReader struct {
	r    io.Reader
	max  int
	run  int // bytes since the last newline
	line int // 1-based line being read
}

func (l *lineLimitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			l.run = 0
			l.line++
			continue
		}
		if l.run++; l.run > l.max {
			return i, errLineTooLong
		}
	}
	return n, err
}

// ParseCSV reads an uploaded number list. The delimiter (',', ';' or tab) is sniffed, a
// UTF-8 byte-order mark skipped, quoted fields honoured. The column mapping comes from
// mapping when given, else from the header or the data; the mapping the parser
// suggests is always returned so the wizard can show it. Each bad row becomes a problem
// with its line number. The returned error is only for a file that is not CSV at all.
func ParseCSV(r io.Reader, mapping *Mapping) (NumberList, error) {
	l := NumberList{Numbers: []NumberRow{}, Problems: []Problem{}}
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	firstLine, _ := br.Peek(4096)
	if i := bytes.IndexByte(firstLine, '\n'); i >= 0 {
		firstLine = firstLine[:i]
	}
	limited := &lineLimitReader{r: br, max: MaxLineBytes, line: 1}
	cr := csv.NewReader(limited)
	cr.Comma = sniffDelimiter(firstLine)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false

	type rec struct {
		line   int
		fields []string
	}
	var recs []rec
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				l.Problems = append(l.Problems, Problem{Field: "file", Code: CodeInvalidCSV, Line: pe.Line, Severity: SeverityError,
					Message: fmt.Sprintf("line %d: %v", pe.Line, pe.Err)})
				if len(recs) == 0 && len(l.Problems) > 20 {
					return l, fmt.Errorf("%w: %v", ErrCSV, err)
				}
				continue
			}
			if errors.Is(err, errLineTooLong) {
				return l, fmt.Errorf("%w: line %d is longer than %d KB; a number list has one short row per number", ErrCSV, limited.line, MaxLineBytes>>10)
			}
			return l, fmt.Errorf("%w: %v", ErrCSV, err)
		}
		if len(fields) > MaxCSVColumns {
			// A number list has a handful of columns; a very wide row is not one, and
			// folding tens of thousands of columns per row would hold a request for seconds.
			return l, fmt.Errorf("%w: line %d has %d columns; a number list has at most %d (number, receiving number, tracking source, ...)", ErrCSV, line, len(fields), MaxCSVColumns)
		}
		blank := true
		for _, f := range fields {
			if strings.TrimSpace(f) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		if len(recs) > MaxNumbers+1 { // +1: a header
			l.Problems = append(l.Problems, Problem{Field: "file", Code: CodeTooManyNumbers, Line: line, Severity: SeverityError,
				Message: fmt.Sprintf("line %d: more than %d numbers; split the list into several port requests", line, MaxNumbers)})
			break
		}
		recs = append(recs, rec{line: line, fields: fields})
	}
	if len(recs) == 0 {
		l.Problems = append(l.Problems, Problem{Field: "file", Code: CodeNoNumbers, Severity: SeverityError, Message: "the file has no rows; upload a CSV with one number per row"})
		return l, nil
	}
	sample := make([][]string, 0, 20)
	for _, r := range recs[1:min(len(recs), 21)] {
		sample = append(sample, r.fields)
	}
	l.SuggestedMapping = suggest(recs[0].fields, sample)
	m := mapping
	if m == nil {
		m = l.SuggestedMapping
	}
	header := *l.SuggestedMapping.Header
	if m.Header != nil {
		header = *m.Header
	}
	if header {
		l.Header = recs[0].fields
		recs = recs[1:]
	}
	tn, rn := m.column(RoleTrackingNumber), m.column(RoleReceivingNumber)
	if tn < 0 {
		l.Problems = append(l.Problems, Problem{Field: "mapping", Code: CodeMissingColumn, Severity: SeverityError,
			Message: "no column is mapped to Tracking Number to Port; choose which column holds the numbers to port"})
		return l, nil
	}
	if rn < 0 {
		l.Problems = append(l.Problems, Problem{Field: "mapping", Code: CodeMissingColumn, Severity: SeverityError,
			Message: "no column is mapped to Receiving Number; every number needs one — choose the column or add it to the file"})
	}
	ts, an := m.column(RoleTrackingSource), m.column(RoleAccountName)
	cell := func(f []string, i int) string {
		if i < 0 || i >= len(f) {
			return ""
		}
		return strings.TrimSpace(f[i])
	}
	seen := make(map[string]int, len(recs))
	for _, r := range recs {
		if len(l.Numbers) >= MaxNumbers {
			l.Problems = append(l.Problems, Problem{Field: "file", Code: CodeTooManyNumbers, Line: r.line, Severity: SeverityError,
				Message: fmt.Sprintf("line %d: more than %d numbers; split the list into several port requests", r.line, MaxNumbers)})
			break
		}
		cells := map[string]string{
			RoleTrackingNumber: cell(r.fields, tn), RoleReceivingNumber: cell(r.fields, rn),
			RoleTrackingSource: cell(r.fields, ts), RoleAccountName: cell(r.fields, an),
		}
		if row, ok := l.addRow(r.line, cells, seen, rn >= 0); ok {
			l.Numbers = append(l.Numbers, row)
		}
	}
	return l, nil
}
