package fields

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"

	"github.com/portdocs/portdocs/port"
)

// The carrier: every place a known carrier name stands is weighed by where it stands.
// A name at the top of page 1, in large (logo) type, alone on its line, on the
// remittance stub, in the legal line or repeated on every page counts; a name inside
// running text counts little, and inside marketing ("switch from Verizon", "better than
// Comcast") it counts against.

type carrierName struct {
	lower     string // ASCII-lowered as printed in the table
	carrier   int    // index in port.Carriers
	ambiguous bool
	acronym   bool // the table writes it in capitals ("MCI", "GCI")
}

var carrierNames = func() map[string][]carrierName {
	m := map[string][]carrierName{}
	for i, c := range port.Carriers {
		amb := map[string]bool{}
		for _, a := range c.Ambiguous {
			amb[a] = true
		}
		names := c.Names
		if !slices.Contains(names, c.Name) {
			// The brand alone ("Lumos" of "Lumos Fiber") is printed too, in a logo
			// or a heading, but the table leaves it out of Names as a word of its own
			// (a product's, a spell's): it names the carrier only where a name stands.
			names = append(slices.Clip(names), c.Name)
			amb[c.Name] = true
		}
		for _, n := range names {
			// Legal suffixes are optional when printed; match the name without them too.
			for _, form := range []string{n, trimLegal(n)} {
				l := layout.ASCIILower(form)
				if len(l) < 2 {
					continue
				}
				m[l[:2]] = append(m[l[:2]], carrierName{lower: l, carrier: i, ambiguous: amb[n] || amb[form],
					acronym: strings.ToUpper(form) == form && hasLetter(form)})
			}
		}
	}
	for k := range m {
		// Longest first, so "AT&T Mobility" wins over "AT&T".
		sort.SliceStable(m[k], func(i, j int) bool { return len(m[k][i].lower) > len(m[k][j].lower) })
	}
	return m
}()

var legalTail = mustQuick(`(?i),?\s+(?:inc\.?|llc|l\.l\.c\.|corp\.?|corporation|co\.?|ltd\.?|l\.p\.|lp)$`)

func trimLegal(s string) string { return legalTail.ReplaceAllString(s, "") }

var (
	marketingRe    = mustQuick(`(?i)\b(?:switch|switching|switched|compare|compared|comparison|than|vs\.?|versus|competitor|unlike|leave|leaving|moving\s+from|coming\s+from|still\s+(?:on|with|paying)|other\s+carriers?|bring\s+your|port\s+your|porting|offer|offers|save|savings|promo|deal|trade[\s\-]?in|coverage\s+map|%)`)
	remitRe        = mustQuick(`(?i)\b(?:payable\s+to|remit|make\s+checks|send\s+payment|mail\s+payment|payment\s+address|return\s+this\s+(?:portion|stub|coupon)|detach|amount\s+enclosed)`)
	ownMarketingRe = mustQuick(`(?i)\b(?:port|bring|move|transfer|take|keep)\b[^.?!]*\b(?:to|with)\s+(?:the\s+)?$`)
	notOwnRe       = mustQuick(`(?i)\b(?:compared?|similar|relative|next|close|equal|equivalent|superior)\s+to\s+(?:the\s+)?$`)
	legalLineRe    = mustQuick(`(?i)©|\(c\)\s*\d{4}|copyright|all\s+rights\s+reserved|trademark|d/b/a|\bdba\b|is\s+a\s+(?:registered|service)`)
	sentenceWord   = 9   // a segment with more words than this is running text
	proseGap       = 3.0 // segments of prose this many font sizes apart or less are one run (OCR splits at a dash)
)

type carrierHit struct {
	seg        *layout.Seg
	start, end int
	carrier    int
	score      float64
	// ambiguous: an ordinary word of the table ("Zoom", "Frontier"); header: printed
	// where a sender names itself first, the top of page 1 or in logo type.
	ambiguous, header bool
	// entity: the start of another company's legal name (otherEntity).
	entity bool
}

func findCarrier(lay *layout.Layout) *Field[string] {
	medSize := medianSize(lay)
	var hits []carrierHit
	for _, s := range lay.Segs {
		low := s.Lower
		for i := 0; i < len(low); i++ {
			if i > 0 && isAlnum(low[i-1]) || i+2 > len(low) {
				continue
			}
			for _, cn := range carrierNames[low[i:i+2]] {
				if !strings.HasPrefix(low[i:], cn.lower) {
					continue
				}
				end := i + len(cn.lower)
				if inWebAddress(low, i, end) {
					continue // "fiber.google.com" is an address, not a name
				}
				if cn.acronym && s.Text[i:end] == low[i:end] {
					continue // an acronym in lower case is a word ("mci", as OCR reads "incl")
				}
				if end < len(low) && isAlnum(low[end]) && !(low[end] == 's' && strings.HasSuffix(cn.lower, "'")) &&
					!logoMark(lay, s, cn, end, medSize) {
					continue
				}
				if score, ok := weighCarrier(lay, s, i, end, cn, medSize); ok {
					header := s.Page == 1 && s.BBox[1] < 0.15*lay.Pages[0].Height || medSize > 0 && s.Size >= 1.4*medSize
					entity := otherEntity(s.Text[end:])
					if entity {
						// The start of another company's legal name ("Cablevision
						// Lightpath LLC", a parent's name in its subsidiary's): evidence
						// of the group, as running text is, not of the sender (nor,
						// repeated in a footer, placed).
						score = math.Min(score, 0.3)
					}
					hits = append(hits, carrierHit{seg: s, start: i, end: end, carrier: cn.carrier, score: score,
						ambiguous: cn.ambiguous, header: header, entity: entity})
				}
				i = end - 1
				break
			}
		}
	}
	if len(hits) == 0 {
		return unknownCarrier(lay, medSize)
	}
	// Repetition: a carrier named near the top of most pages is the one that sent them.
	if len(lay.Pages) > 1 {
		tops := map[int]map[int]bool{}
		for _, h := range hits {
			if h.seg.BBox[1] < 0.2*lay.Pages[h.seg.Page-1].Height || h.seg.BBox[3] > 0.85*lay.Pages[h.seg.Page-1].Height {
				if tops[h.carrier] == nil {
					tops[h.carrier] = map[int]bool{}
				}
				tops[h.carrier][h.seg.Page] = true
			}
		}
		for i := range hits {
			if n := len(tops[hits[i].carrier]); n >= 2 && n*2 >= len(lay.Pages) && hits[i].score > 0 {
				hits[i].score += 1.5
			}
		}
	}
	// The value is the name as the header prints it: a legal entity from the fine
	// print ("Frontier Communications Parent, Inc.") is evidence, not the value.
	brand := func(h carrierHit) float64 {
		v := h.score
		if legalLineRe.MatchString(h.seg.Text) || legalTail.MatchString(h.seg.Text[h.start:h.end]) {
			v -= 3
		}
		return v
	}
	total := map[int]float64{}
	best := map[int]carrierHit{}
	for _, h := range hits {
		total[h.carrier] += h.score
		if b, ok := best[h.carrier]; !ok || brand(h) > brand(b) {
			best[h.carrier] = h
		}
	}
	var order []int
	for c := range total {
		order = append(order, c)
	}
	sort.Slice(order, func(i, j int) bool {
		if total[order[i]] != total[order[j]] {
			return total[order[i]] > total[order[j]]
		}
		return order[i] < order[j]
	})
	top := order[0]
	if total[top] < 1 {
		// Only marketing or running text named a known carrier ("Moving from
		// Spectrum?"): the sender may be one the table does not know.
		return unknownCarrier(lay, medSize)
	}
	placed := false // named once where more than running text stands
	// wordOnly: only as an ordinary word, and never where a sender names itself (a
	// product's heading: "Zoom Internet Detail" on Armstrong's bill).
	wordOnly := true
	for _, h := range hits {
		placed = placed || h.carrier == top && h.score >= 1 && !h.entity
		wordOnly = wordOnly && (h.carrier != top || h.ambiguous && !h.header)
	}
	if !placed || wordOnly {
		// Running text alone named it, if often ("Local service is furnished over the
		// network of Verizon ..."): a reseller's fine print names the network it rents.
		// A sender the table does not know, named where senders name themselves, is
		// the one; failing that, the name the text repeats.
		if f := unknownCarrier(lay, medSize); f != nil {
			return f
		}
	}
	second := 0.0
	if len(order) > 1 {
		second = math.Max(total[order[1]], 0)
	}
	conf := math.Min(0.97, 0.6+0.06*total[top])
	if second > 0 {
		conf *= 0.6 + 0.4*(total[top]-second)/total[top]
	}
	// The value is the name as the best place prints it. A name set all in lower
	// case or all in capitals (a logo's lettering, a stub's USPS capitals) yields to
	// the same name in mixed case elsewhere on the bill ("astound business": "Astound
	// Business"; "GRANITE TELECOMMUNICATIONS": "Granite Telecommunications, LLC"
	// without its legal suffix).
	h := best[top]
	value, end := h.seg.Text[h.start:h.end], h.end
	if trimmed := trimLegal(value); trimmed != value && len(trimmed) >= 2 {
		// Only a legal entity named it ("Granite Telecommunications, LLC"): the name
		// is the entity's without the suffix.
		value, end = trimmed, h.start+len(trimmed)
	}
	var same []carrierHit
	for _, o := range hits {
		if o.carrier == top && o.score > 0 {
			same = append(same, o)
		}
	}
	if alt, ok := mixedCaseForm(value, same); ok {
		h, value = alt, trimLegal(alt.seg.Text[alt.start:alt.end])
		end = h.start + len(value)
	}
	return hit{seg: h.seg, start: h.start, end: end, value: value, rule: conf}.field(lay)
}

// mixedCaseForm is, for a name set all in capitals or all in lower case (a logo's
// lettering, a stub's USPS capitals) or in a logo's styled case (a word in capitals or
// in lower case beside capitalized ones: "Ben Lomand CONNECT", "zoom Phone"), the
// place among cands that prints the same name in mixed case as text is written, its
// legal suffix aside: the one scored highest, the first of equals. It is false when
// name is so written already or no place prints it so.
func mixedCaseForm(name string, cands []carrierHit) (carrierHit, bool) {
	var alt carrierHit
	found := false
	if !oneCase(name) && !styledCase(name) {
		return alt, false
	}
	f := port.FoldCarrierName(trimLegal(name))
	for _, o := range cands {
		v := trimLegal(o.seg.Text[o.start:o.end])
		if !oneCase(v) && !styledCase(v) && port.FoldCarrierName(v) == f && (!found || o.score > alt.score) {
			alt, found = o, true
		}
	}
	return alt, found
}

// oneCase: s has letters, all of one case.
func oneCase(s string) bool {
	return s != strings.ToLower(s) != (s != strings.ToUpper(s))
}

var connectorWords = map[string]bool{"of": true, "and": true, "the": true, "de": true, "del": true, "la": true, "for": true}

// styledCase: s sets a word of two letters or more all in capitals or all in lower
// case beside a capitalized one ("Ben Lomand CONNECT", "zoom Phone"), as a logo does
// and text does not.
func styledCase(s string) bool {
	var one, capitalized bool
	for _, w := range strings.Fields(s) {
		letters := strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return r
			}
			return -1
		}, w)
		switch {
		case connectorWords[strings.ToLower(w)]:
			// "Bank of America": a name's small words are in lower case in text too.
		case len(letters) >= 2 && oneCase(letters):
			one = true
		default:
			// (The first letter decoded whole: "Émile" is capitalized too.)
			first, n := utf8.DecodeRuneInString(letters)
			if rest := letters[n:]; rest != "" && unicode.IsUpper(first) && strings.ToLower(rest) == rest {
				capitalized = true
			}
		}
	}
	return one && capitalized
}

// inWebAddress says whether low[start:end] is part of a host name or an e-mail
// address: after a dot, slash or at sign, or before a dot and a letter.
func inWebAddress(low string, start, end int) bool {
	if start > 0 && strings.IndexByte("./@", low[start-1]) >= 0 {
		return true
	}
	return end+1 < len(low) && low[end] == '.' && low[end+1] >= 'a' && low[end+1] <= 'z'
}

// weighCarrier scores one occurrence of a carrier name by where it stands.
func weighCarrier(lay *layout.Layout, s *layout.Seg, start, end int, cn carrierName, medSize float64) (float64, bool) {
	printed := s.Text[start:end]
	words := len(s.Words)
	ctx := s.Text
	if l := s.Left(); l != nil {
		ctx = l.Text + " " + ctx
	}
	if a := lay.Above(s); a != nil && words <= 4 {
		ctx = a.Text + " " + ctx // a heading over a short line: "Remit to:" / "AT&T"
	}
	// In running text the name is read in its sentence, which may begin on the line
	// above or in the segments left of it (OCR splits a line of prose at a dash's
	// spaces): "no need to switch / to Optimum or Comcast Business."
	before, after, words := proseAround(lay, s, start, end)
	if words <= sentenceWord {
		before, after, words = s.Text[:start], s.Text[end:], len(s.Words)
	}
	sentence := before + printed + after
	remit := remitRe.MatchString(ctx) || words <= 5 && headsAddress(lay, s)
	if cn.ambiguous {
		// An ordinary word is a carrier only where a name stands: capitalized, on a
		// short line of its own, as the heading or as the payee.
		if printed == layout.ASCIILower(printed) || words > 4 && !remit {
			return 0, false
		}
		// On a charge line it names a product ("Zoom Internet  $69.95"), not who
		// bills it.
		if chargedRow(s) {
			return 0, false
		}
	}
	page := lay.Pages[s.Page-1]
	score := 1.0
	if words > sentenceWord && !(legalTail.MatchString(printed) && strings.HasPrefix(strings.TrimSpace(s.Text), printed)) {
		// (A legal name opening a long line is the footer's, "Granite
		// Telecommunications, LLC - 100 Newport Ave ...", no sentence's.)
		score = 0.3
	}
	if s.Page == 1 && s.BBox[1] < 0.15*page.Height {
		score += 3
	} else if s.Page == 1 && s.BBox[1] < 0.3*page.Height {
		score += 1
	}
	if medSize > 0 && s.Size >= 1.4*medSize && words <= sentenceWord {
		score += 2 // logo or heading type (a sentence is neither, whatever its size as OCR reads it)
	}
	if words <= 4 && len(strings.TrimSpace(s.Text)) <= len(printed)+12 {
		score += 1.5 // stands alone
	}
	if remit {
		score += 1.5
	}
	if legalLineRe.MatchString(s.Text) {
		score += 1
	}
	// (A sentence within the segment's text is read with it.)
	if marketingRe.MatchString(s.Text) || !strings.Contains(s.Text, sentence) && marketingRe.MatchString(sentence) {
		// A name marketing sends the reader to ("port your number to Google Fiber
		// Phone") is the sender's own; one it compares or sends away from is a
		// competitor's.
		if ownMarketingRe.MatchString(before) && !notOwnRe.MatchString(before) {
			score = 0.3
		} else {
			score = -1.5
		}
	}
	return score, true
}

// headsAddress: s is the first line of an address, a street or PO box line below it
// and a city line below that. A carrier's name heading an address is the payee of a
// remittance block (its "Remit to" heading faint or lost to OCR) or its own letterhead,
// the sender either way.
func headsAddress(lay *layout.Layout, s *layout.Seg) bool {
	street := lay.Below(s, false)
	if street == nil || !isStreetLine(strings.TrimSpace(street.Text)) {
		return false
	}
	city := lay.Below(street, false)
	return city != nil && cityLineRe.MatchString(strings.TrimSpace(city.Text))
}

// entityTailRe is the rest of a legal name after a carrier's name: capitalized words
// and a legal suffix.
var entityTailRe = mustQuick(`^((?:\s+[A-Z][\w&'’-]*)+),?\s+(?:LLC|L\.L\.C\.|Inc\.?|Corp\.?|Corporation|LP|L\.P\.|Ltd\.?)(?:\W|$)`)

// entityWords are the words a carrier's own legal name adds to its brand ("Comcast
// Cable Communications, LLC", "Frontier Communications Parent, Inc.").
var entityWords = map[string]bool{"communications": true, "telecommunications": true, "telecom": true,
	"telephone": true, "business": true, "services": true, "holdings": true, "wireless": true, "cable": true,
	"broadband": true, "fiber": true, "networks": true, "network": true, "operating": true, "group": true,
	"solutions": true, "digital": true, "voice": true, "systems": true, "enterprises": true, "enterprise": true,
	"parent": true, "usa": true, "mobility": true, "company": true, "co": true, "of": true, "america": true,
	"phone": true, "internet": true, "media": true, "technologies": true, "partnership": true, "utilities": true}

// otherEntity: after says the name before it starts another company's legal name, a
// word of which is no carrier vocabulary.
func otherEntity(after string) bool {
	m := entityTailRe.FindStringSubmatch(after)
	if m == nil {
		return false
	}
	for _, w := range strings.Fields(m[1]) {
		if !entityWords[strings.ToLower(strings.Trim(w, ",."))] {
			return true
		}
	}
	return false
}

// chargedRow: a money amount stands in s or right of it on its line.
func chargedRow(s *layout.Seg) bool {
	for o := s; o != nil; o = o.Right() {
		if moneyRe.MatchString(o.Text) {
			return true
		}
	}
	return false
}

// proseAround is the sentence around s.Text[start:end] when s stands in running text:
// the text before and after the name within its sentence, and the words of the lines
// it was read from. A line is running text when its segments in one type hold more
// than sentenceWord words; the sentence goes on from the line above when that line is
// running text in the same type, starts where this one does, stands a line above it
// and breaks off mid-sentence.
func proseAround(lay *layout.Layout, s *layout.Seg, start, end int) (before, after string, words int) {
	// A line's run of segments around at: in one type, each a few spaces from the next
	// (a column gutter or a table's cell ends the run).
	run := func(l *layout.Line, at *layout.Seg) []*layout.Seg {
		i := slices.Index(l.Segs, at)
		lo, hi := i, i
		joins := func(a, b *layout.Seg) bool {
			return sameSize(a.Size, b.Size) && b.BBox[0]-a.BBox[2] < proseGap*math.Min(a.Size, b.Size)
		}
		for lo > 0 && joins(l.Segs[lo-1], l.Segs[lo]) {
			lo--
		}
		for hi+1 < len(l.Segs) && joins(l.Segs[hi], l.Segs[hi+1]) {
			hi++
		}
		return l.Segs[lo : hi+1]
	}
	text := func(segs []*layout.Seg) (string, int) {
		var b strings.Builder
		n := 0
		for _, o := range segs {
			b.WriteString(o.Text + " ")
			n += len(o.Words)
		}
		return b.String(), n
	}
	segs := run(s.Line, s)
	i := slices.Index(segs, s)
	left, nl := text(segs[:i])
	right, nr := text(segs[i+1:])
	right = " " + right
	words = nl + len(s.Words) + nr
	before, after = left+s.Text[:start], s.Text[end:]+right
	if a := lay.Above(segs[0]); a != nil {
		upSegs := run(a.Line, a)
		up, n := text(upSegs)
		t := strings.TrimSpace(up)
		if n > sentenceWord && sameSize(a.Size, s.Size) && t != "" && !strings.ContainsAny(t[len(t)-1:], ".?!:") &&
			math.Abs(upSegs[0].BBox[0]-segs[0].BBox[0]) < 2*s.Size && segs[0].BBox[1]-a.BBox[3] < s.Size {
			before = t + " " + before
			words += n
		}
	}
	// The name's own sentence only.
	before = before[strings.LastIndexAny(before, ".?!")+1:]
	if i := strings.IndexAny(after, ".?!"); i >= 0 {
		after = after[:i+1]
	}
	return before, after, words
}

func medianSize(lay *layout.Layout) float64 {
	var sizes []float64
	for _, s := range lay.Segs {
		sizes = append(sizes, s.Size)
	}
	if len(sizes) == 0 {
		return 0
	}
	sort.Float64s(sizes)
	return sizes[len(sizes)/2]
}

// logoMark says whether the one letter OCR read right after a carrier's name is the
// logo's mark (Verizon's check mark read as "y"): on an OCR'd page, a name of five or
// more letters in logo type (half again the body text's size) followed by a single
// letter and then a word's end. The value stays the name as printed, without it.
func logoMark(lay *layout.Layout, s *layout.Seg, cn carrierName, end int, medSize float64) bool {
	low := s.Lower
	if lay.Source(s.Page) != doc.SourceOCR || len(cn.lower) < 5 || s.Size < 1.5*medSize {
		return false
	}
	if end >= len(low) || low[end] < 'a' || low[end] > 'z' {
		return false
	}
	return end+1 == len(low) || !isAlnum(low[end+1])
}
