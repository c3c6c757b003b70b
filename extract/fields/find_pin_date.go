package fields

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/portdocs/portdocs/extract/layout"
)

// The account PIN, when the bill prints it. A masked PIN ("****") is not a PIN: the
// field stays absent and a warning says why.

var pinRule = labelRule{
	hints: []string{"pin", "pass", "security"},
	label: mustQuick(`(?i)(?:(?:account|security|port[- ]?out|transfer|number\s+transfer|wireless|customer)\s+)?` +
		`(?:pin|passcode|pass\s+code|security\s+code)\b(?:\s*(?:number|#|code)\b)?`),
	value: pinValue,
	same:  0.93, right: 0.9, below: 0.8,
}

var pinTok = mustQuick(`^[A-Za-z0-9]{4,12}$`)

// pinValue reads a PIN: one token of 4 to 12 letters or digits, mostly digits.
func pinValue(s string) int {
	ts := tokens(s)
	if len(ts) == 0 {
		return 0
	}
	t := strings.TrimRight(ts[0].text, ".,;")
	if !pinTok.MatchString(t) || isMasked(t) {
		return 0
	}
	if d := countDigits(t); d < 4 || d*2 < len(t) {
		return 0
	}
	return len(t)
}

var pinMaskedLabel = mustQuick(`(?i)\b(?:pin|passcode)\b\s*[:#]?\s*[*•●xX]{3,}`)

func findPIN(lay *layout.Layout) (*Field[string], []string) {
	hits := pinRule.find(lay)
	if len(hits) == 0 {
		for _, s := range lay.Segs {
			if pinMaskedLabel.MatchString(s.Text) {
				return nil, []string{"the account PIN is printed masked; ask the customer for it"}
			}
		}
		return nil, nil
	}
	best := hits[0]
	for _, h := range hits[1:] {
		if h.rule > best.rule {
			best = h
		}
	}
	return best.field(lay), nil
}

// The bill date: after its label in its usual wordings; a due date or a billing
// period is not the bill date.

var billDateRule = labelRule{
	hints: []string{"date", "issued", "prepared", "fecha"},
	label: mustQuick(`(?i)\b(?:bill(?:ing)?\s+(?:issue\s+|cycle\s+|close\s+)?date|statement\s+(?:closing\s+)?date|invoice\s+date|` +
		`date\s+of\s+(?:bill|statement|invoice)|bill\s+issued(?:\s+on)?|issue\s+date|date\s+issued|issued\s+on|closing\s+date|` +
		`bill\s+prepared(?:\s+on)?|date\s+prepared|statement\s+issued|` +
		// Spanish and French: "Fecha de factura", "Date de facturation".
		`fecha\s+de\s+(?:la\s+)?(?:factura(?:ci[oó]n)?|emisi[oó]n|estado\s+de\s+cuenta)|date\s+de\s+(?:la\s+)?(?:facturation|facture|relev[ée]|[ée]mission))\b`),
	// "Your next bill will be issued on ...": the next bill's date, not this one's.
	exclude: mustQuick(`(?i)\b(?:due|payment|pay|next|previous|last)\s*$|\bnext\s+(?:bill|statement|invoice)\b`),
	value:   dateValue,
	same:    0.95, right: 0.92, below: 0.85,
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	// Spanish and French, as bills for those customers print them (whole or cut).
	"enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5, "junio": 6, "julio": 7,
	"agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9, "set": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
	"janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
	"juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
	"décembre": 12, "decembre": 12, "déc": 12}

// weekdayRe is an optional weekday before a date ("Mon, Oct 5, 2026").
const weekdayRe = `(?:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday)?\.?,?\s+)?`

const monthRe = `(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`

// monthLatinRe is a month in Spanish or French ("12 de octubre de 2026", "12 octobre
// 2026", "12 oct. 2026" is monthRe's).
const monthLatinRe = `(enero|ene|febrero|marzo|abril|abr|mayo|junio|julio|agosto|ago|septiembre|setiembre|set|octubre|noviembre|diciembre|dic|` +
	`janvier|janv|f[ée]vrier|f[ée]vr|mars|avril|avr|mai|juin|juillet|juil|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|d[ée]c)\.?`

var dateForms = []struct {
	re    *quickRe
	order string // which groups are year, month, day
}{
	{mustQuick(`(?i)^` + weekdayRe + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`), "mdy"},
	{mustQuick(`(?i)^` + weekdayRe + `(\d{1,2})(?:st|nd|rd|th)?\s+` + monthRe + `,?\s+(\d{4})\b`), "dmy"},
	{mustQuick(`(?i)^(\d{1,2})-` + monthRe + `-(\d{2,4})\b`), "dmy"},
	{mustQuick(`(?i)^(?:le\s+)?(\d{1,2})(?:er)?\s+(?:de\s+)?` + monthLatinRe + `,?\s+(?:de\s+|del\s+)?(\d{4})\b`), "dmy"},
	{mustQuick(`^(\d{4})-(\d{2})-(\d{2})\b`), "ymd"},
	{mustQuick(`^` + weekdayRe + `(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`), "mdy"},
	{mustQuick(`^(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})\b`), "mdy"},
	{mustQuick(`^(\d{1,2})\.(\d{1,2})\.(\d{4})\b`), "mdy"},
}

// parseDate reads a date at the start of s and returns its length and ISO form.
func parseDate(s string) (int, string) {
	for _, f := range dateForms {
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		var y, d int
		var mo time.Month
		for i, c := range f.order {
			v := m[i+1]
			switch c {
			case 'y':
				y, _ = strconv.Atoi(v)
				if len(v) == 2 {
					y += 2000
				}
			case 'd':
				d, _ = strconv.Atoi(v)
			case 'm':
				if n, err := strconv.Atoi(v); err == nil {
					mo = time.Month(n)
				} else {
					k := strings.ToLower(strings.TrimSuffix(v, "."))
					if m, ok := months[k]; ok {
						mo = m
					} else if len(k) > 3 {
						mo = months[k[:3]] // "October", "Sept."
					}
				}
			}
		}
		if y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 {
			continue
		}
		t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			continue // 31 April
		}
		return len(m[0]), fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
	}
	return 0, ""
}

func dateValue(s string) int {
	n, _ := parseDate(s)
	return n
}

func findBillDate(lay *layout.Layout) *Field[string] {
	hits := billDateRule.find(lay)
	if len(hits) == 0 {
		return headerDate(lay)
	}
	best := hits[0]
	for _, h := range hits[1:] {
		if h.rule > best.rule+0.001 || h.rule >= best.rule-0.001 && h.seg.Page < best.seg.Page {
			best = h
		}
	}
	_, iso := parseDate(best.value)
	f := best.field(lay)
	f.Value = iso
	// Different bill dates on one bill (a reprint, a previous statement) lower trust.
	for _, h := range hits {
		if _, other := parseDate(h.value); other != iso {
			f.Confidence = roundConf(f.Confidence - 0.2)
			f.Warnings = append(f.Warnings, "the bill shows more than one bill date")
			break
		}
	}
	return f
}

var (
	notBillDateRe = mustQuick(`(?i)\b(?:due|pay|paid|payment|received|period|from|through|thru|to|until|by|after|before|since|expires?|autopay|scheduled|charged|service)\b|[-–—]\s*$`)
	rangeAfterRe  = mustQuick(`^\s*(?:[-–—]|to\b|through\b|thru\b)`)
)

// headerDate is the unlabelled bill date many layouts print in the header: a date
// standing alone in a segment near the top of page 1, not a due date or part of a
// billing period. It is trusted less than a labelled one.
func headerDate(lay *layout.Layout) *Field[string] {
	if len(lay.Pages) == 0 {
		return nil
	}
	// "Near the top" is the top quarter of the page's text: a screenshot of a viewer
	// shows the page below its toolbar and small inside the window.
	top, bot := lay.Pages[0].Height, 0.0
	for _, s := range lay.Segs {
		if s.Page == 1 {
			top, bot = math.Min(top, s.BBox[1]), math.Max(bot, s.BBox[3])
		}
	}
	limit := top + 0.25*(bot-top)
	for _, s := range lay.Segs {
		if s.Page != 1 || s.BBox[1] > limit {
			continue
		}
		n, iso := parseDate(s.Text)
		if n == 0 || strings.TrimSpace(s.Text[n:]) != "" {
			continue // not alone: part of a sentence or a range
		}
		if l := s.Left(); l != nil && notBillDateRe.MatchString(l.Text) {
			continue
		}
		if a := lay.Above(s); a != nil && s.BBox[1]-a.BBox[3] < 1.5*s.Size && notBillDateRe.MatchString(a.Text) {
			continue // a column headed "Due date"
		}
		if r := s.Right(); r != nil && rangeAfterRe.MatchString(r.Text) {
			continue
		}
		f := hit{seg: s, start: 0, end: n, value: iso, rule: 0.75}.field(lay)
		return f
	}
	return nil
}
