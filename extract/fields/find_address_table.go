package fields

import (
	"strings"

	"github.com/portdocs/portdocs/extract/layout"
)

// An address table: a bill with several service locations may list them as rows of
// a table whose columns are headed Street, City, State and ZIP (or Street and
// "City, State ZIP"), under a heading that says what they are ("Service Locations").
// Each row is an address block with no name lines, labelled by the table's heading.

var (
	streetHeadRe = mustQuick(`(?i)^(?:(?:service|street|site|location|premises?)\s+)?(?:street|address)(?:\s+address)?$`)
	cityHeadRe   = mustQuick(`(?i)^(?:city|town|city\s*/\s*town)$`)
	stateHeadRe  = mustQuick(`(?i)^(?:state|st\.?|province)$`)
	zipHeadRe    = mustQuick(`(?i)^(?:zip|zip\s*code|zip\+4|postal\s+code)$`)
	cszHeadRe    = mustQuick(`(?i)^city\s*,?\s*(?:/\s*)?state\s*,?\s*(?:/\s*)?(?:and\s+)?zip(?:\s*code)?$`)
)

// tableColumns are the columns of an address table's header row.
type tableColumns struct {
	street, city, state, zip, csz int // index in the header's segments, or -1
}

// addressHeader reads l as an address table's header row.
func addressHeader(l *layout.Line) (tableColumns, bool) {
	c := tableColumns{-1, -1, -1, -1, -1}
	for i, s := range l.Segs {
		t := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s.Text), ":"))
		switch {
		case streetHeadRe.MatchString(t):
			c.street = i
		case cszHeadRe.MatchString(t):
			c.csz = i
		case cityHeadRe.MatchString(t):
			c.city = i
		case stateHeadRe.MatchString(t):
			c.state = i
		case zipHeadRe.MatchString(t):
			c.zip = i
		}
	}
	ok := c.street >= 0 && (c.csz >= 0 || c.city >= 0 && c.state >= 0 && c.zip >= 0)
	return c, ok
}

// tableBlocks finds the rows of every address table. With frame, running lines are
// no part of a table.
func tableBlocks(lay *layout.Layout, frame bool) []*addrBlock {
	var out []*addrBlock
	for pi, lines := range lay.Lines {
		for li, head := range lines {
			if len(head.Segs) < 2 {
				continue
			}
			labels := lineText(head.Segs[0])
			if countDigits(labels) > 0 {
				continue
			}
			cols, ok := addressHeader(head)
			if !ok {
				continue
			}
			if up := lay.Above(head.Segs[0]); up != nil && !(frame && up.Running) {
				labels = up.Text + " " + labels
			}
			label := classifyLabel(labels)
			if label == "" {
				continue // a table of addresses nothing says are the account's
			}
			prev := head
			for ri := li + 1; ri < len(lines); ri++ {
				row := lines[ri]
				if row.Top-prev.Bot > 1.5*head.Segs[cols.street].Size || frame && row.Segs[0].Running {
					break
				}
				b, ok := tableRow(head, row, cols, pi+1)
				if !ok {
					break
				}
				b.label = label
				out = append(out, b)
				prev = row
			}
		}
	}
	return out
}

// tableRow reads the address of row under the header's columns.
func tableRow(head, row *layout.Line, cols tableColumns, page int) (*addrBlock, bool) {
	cell := func(col int) *layout.Seg {
		if col < 0 {
			return nil
		}
		// A column runs from midway between its header and the one left of it to
		// midway between its header and the next: cells left- or right-aligned
		// under their headers fall in it.
		lo, hi := -1e9, 1e9
		if col > 0 {
			lo = (head.Segs[col-1].BBox[2] + head.Segs[col].BBox[0]) / 2
		}
		if col+1 < len(head.Segs) {
			hi = (head.Segs[col].BBox[2] + head.Segs[col+1].BBox[0]) / 2
		}
		for _, s := range row.Segs {
			if mid := (s.BBox[0] + s.BBox[2]) / 2; mid >= lo && mid < hi {
				return s
			}
		}
		return nil
	}
	text := func(s *layout.Seg) string {
		if s == nil {
			return ""
		}
		return strings.TrimSpace(s.Text)
	}
	street := cell(cols.street)
	if street == nil || !isStreetLine(text(street)) {
		return nil, false
	}
	b := &addrBlock{page: page, lines: []*layout.Seg{street}, top: street.BBox[1]}
	b.addr.Street, b.addr.Street2 = splitStreet(unglueUnit(text(street)))
	if cols.csz >= 0 {
		c := cell(cols.csz)
		m := cityLineRe.FindStringSubmatch(text(c))
		if m == nil || !states[m[2]] {
			return nil, false
		}
		b.addr.City, b.addr.State, b.addr.ZIP = strings.TrimRight(strings.TrimSpace(m[1]), ","), m[2], m[3]
		b.lines = append(b.lines, c)
		return b, true
	}
	city, state, zip := cell(cols.city), cell(cols.state), cell(cols.zip)
	if city == nil || state == nil || zip == nil || !hasLetter(text(city)) || countDigits(text(city)) > 0 ||
		!states[strings.TrimRight(text(state), ".")] || !zipOnlyRe.MatchString(text(zip)) {
		return nil, false
	}
	b.addr.City, b.addr.State, b.addr.ZIP = text(city), strings.TrimRight(text(state), "."), text(zip)
	b.lines = append(b.lines, city, state, zip)
	return b, true
}
