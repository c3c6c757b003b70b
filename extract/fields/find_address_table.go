package fields

import (
	"math"
	"slices"
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
		t := strings.TrimSpace(strings.TrimRight(cellText(s), ":"))
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
	// (OCR may lose a narrow State column's header, or the whole column: the state
	// is then read from the row, or from the bill's other addresses; see tableRow.)
	ok := c.street >= 0 && (c.csz >= 0 || c.city >= 0 && c.zip >= 0)
	return c, ok
}

// cellText is a table cell's text without the rules OCR reads into it ("| GLENDIVE",
// "[Street").
func cellText(s *layout.Seg) string {
	return strings.Trim(strings.TrimSpace(s.Text), " |[]{}")
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
		// Of two cells in the range (a column whose header OCR lost lies in its
		// neighbour's), the one nearest the header's middle.
		var best *layout.Seg
		hmid, bestD := (head.Segs[col].BBox[0]+head.Segs[col].BBox[2])/2, math.Inf(1)
		for _, s := range row.Segs {
			if mid := (s.BBox[0] + s.BBox[2]) / 2; mid >= lo && mid < hi && math.Abs(mid-hmid) < bestD {
				best, bestD = s, math.Abs(mid-hmid)
			}
		}
		return best
	}
	text := func(s *layout.Seg) string {
		if s == nil {
			return ""
		}
		return cellText(s)
	}
	// stateOf is the USPS state code a cell holds, or "".
	stateOf := func(s *layout.Seg) string {
		if t := strings.TrimRight(text(s), "."); states[t] {
			return t
		}
		return ""
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
	if cols.state < 0 && city != nil && zip != nil {
		// No State header: the cell between the city and the ZIP, if OCR kept it.
		for _, s := range row.Segs {
			if s.BBox[0] >= city.BBox[2] && s.BBox[2] <= zip.BBox[0] && stateOf(s) != "" {
				state = s
			}
		}
	}
	if city == nil || zip == nil || !hasLetter(text(city)) || countDigits(text(city)) > 0 ||
		state != nil && stateOf(state) == "" || state == nil && cols.state >= 0 ||
		!zipOnlyRe.MatchString(text(zip)) {
		return nil, false
	}
	b.addr.City, b.addr.ZIP = text(city), text(zip)
	b.lines = append(b.lines, city)
	if state != nil {
		b.addr.State = stateOf(state)
		b.lines = append(b.lines, state)
	}
	b.lines = append(b.lines, zip)
	return b, true
}

// stateFromSiblings gives a table row that has no state cell the state of another of
// the bill's addresses in the same city and ZIP code ("GLENDIVE ... 59330" under the
// mailing block's "GLENDIVE MT 59330-1190"), and drops the rows none gives one.
func stateFromSiblings(blocks []*addrBlock) []*addrBlock {
	return slices.DeleteFunc(blocks, func(b *addrBlock) bool {
		if b.addr.State != "" {
			return false
		}
		for _, o := range blocks {
			if o.addr.State != "" && strings.EqualFold(o.addr.City, b.addr.City) && len(o.addr.ZIP) >= 5 &&
				len(b.addr.ZIP) >= 5 && o.addr.ZIP[:5] == b.addr.ZIP[:5] {
				b.addr.State = o.addr.State
				return false
			}
		}
		return true
	})
}
