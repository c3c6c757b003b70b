package port

import (
	"strings"
)

// legalSuffix maps the spellings of a legal-entity suffix to one form. Punctuation is
// already gone when these are looked up ("L.L.C." → LLC, "P.C." → PC).
var legalSuffix = map[string]string{
	"INC": "INC", "INCORPORATED": "INC",
	"LLC": "LLC", "LC": "LLC",
	"CORP": "CORP", "CORPORATION": "CORP",
	"CO": "CO", "COMPANY": "CO",
	"LTD": "LTD", "LIMITED": "LTD",
	"PC": "PC", "PLLC": "PLLC", "LLP": "LLP", "LP": "LP", "PA": "PA", "PLC": "PLC",
}

// businessWords folds a business name to words: case, accents and punctuation gone,
// & as AND, "L L C" written with spaces joined back.
func businessWords(s string) []string {
	s = strings.NewReplacer("&", " AND ", "+", " AND ").Replace(s)
	ws := strings.Fields(foldWords(s))
	// Join runs of single letters that spell a suffix: "L L C", "P C".
	var out []string
	for i := 0; i < len(ws); i++ {
		j := i
		for j < len(ws) && len(ws[j]) == 1 {
			j++
		}
		if j-i >= 2 {
			if _, ok := legalSuffix[strings.Join(ws[i:j], "")]; ok && j == len(ws) {
				out = append(out, strings.Join(ws[i:j], ""))
				i = j - 1
				continue
			}
		}
		out = append(out, ws[i])
	}
	return out
}

// businessKey splits a folded business name into its core words, the legal suffix
// (canonical, "" when none) and the trade name after DBA ("" when none).
type businessKey struct {
	core   string
	suffix string
	dba    string
}

func splitDBA(ws []string) (legal, dba []string) {
	for i := 0; i < len(ws); i++ {
		switch {
		case ws[i] == "DBA":
			return ws[:i], ws[i+1:]
		case i+2 < len(ws) && ws[i] == "D" && ws[i+1] == "B" && ws[i+2] == "A":
			return ws[:i], ws[i+3:]
		case i+2 < len(ws) && ws[i] == "DOING" && ws[i+1] == "BUSINESS" && ws[i+2] == "AS":
			return ws[:i], ws[i+3:]
		}
	}
	return ws, nil
}

func coreName(ws []string) (core, suffix string) {
	if len(ws) > 1 && ws[0] == "THE" {
		ws = ws[1:]
	}
	for len(ws) > 1 {
		s, ok := legalSuffix[ws[len(ws)-1]]
		if !ok {
			break
		}
		if suffix == "" {
			suffix = s
		}
		ws = ws[:len(ws)-1]
	}
	return strings.Join(ws, " "), suffix
}

func newBusinessKey(s string) businessKey {
	legal, dba := splitDBA(businessWords(s))
	var k businessKey
	k.core, k.suffix = coreName(legal)
	if len(dba) > 0 {
		k.dba, _ = coreName(dba)
	}
	return k
}

// CompareBusinessName compares a typed business name with the bill's. Case, punctuation,
// &/AND, a leading THE and a legal suffix present on one side only are equivalent; two
// different legal suffixes (INC vs LLC) are different entities; a trade name (DBA) in
// place of the legal name is a mismatch.
func CompareBusinessName(typed, bill string) Comparison {
	if squash(typed) == squash(bill) {
		return Comparison{Status: StatusMatch}
	}
	t, b := newBusinessKey(typed), newBusinessKey(bill)
	msg := "business name differs from the bill: " + said(strings.TrimSpace(bill), typed)
	switch {
	case t.core == b.core:
		if t.suffix != "" && b.suffix != "" && t.suffix != b.suffix {
			return hinted(CodeBusinessNameMismatch, msg, "the legal suffixes differ, "+b.suffix+" on the bill and "+t.suffix+" typed: they name different entities")
		}
		if t.dba != "" && t.dba != b.dba {
			return hinted(CodeBusinessNameMismatch, msg, "the bill shows no trade name (DBA) "+t.dba)
		}
		return Comparison{Status: StatusEquivalent}
	case b.dba != "" && t.core == b.dba && t.dba == "":
		return hinted(CodeBusinessNameMismatch, msg, "you typed the trade name (DBA); the account is in the legal name on the bill")
	}
	return mismatch(CodeBusinessNameMismatch, msg)
}

var nameTitles = map[string]bool{"MR": true, "MRS": true, "MS": true, "MISS": true, "DR": true, "PROF": true}

// nameCredentials are the degrees and licences printed after a name ("ANA LUCÍA
// CÁRDENAS MD", "Jane Doe, Esq."): no part of who the person is, unlike JR or III.
// (DO is left out: it is a surname too.)
var nameCredentials = map[string]bool{"MD": true, "DDS": true, "DMD": true, "DVM": true, "PHD": true,
	"ESQ": true, "CPA": true, "RN": true, "OD": true, "DC": true, "LCSW": true}

func onlyCredentials(s string) bool {
	ws := strings.Fields(foldWords(s))
	for _, w := range ws {
		if !nameCredentials[w] {
			return false
		}
	}
	return len(ws) > 0
}

var nameGen = map[string]string{"JR": "JR", "JUNIOR": "JR", "SR": "SR", "SENIOR": "SR", "II": "II", "III": "III", "IV": "IV", "2ND": "II", "3RD": "III"}

// personWords folds a name: accents off, titles dropped, a hyphenated name kept as one
// word (DOE-SMITH → DOESMITH, so half of it never matches); the generational suffix
// (JR, SR, III) is returned apart.
func personWords(s string) (ws []string, gen string) {
	s = strings.NewReplacer("-", "", "‐", "", "–", "").Replace(s)
	for _, w := range strings.Fields(foldWords(s)) {
		if nameTitles[w] && len(ws) == 0 {
			continue
		}
		if g, ok := nameGen[w]; ok && len(ws) > 0 {
			gen = g
			continue
		}
		if nameCredentials[w] && len(ws) > 0 {
			continue
		}
		ws = append(ws, w)
	}
	return ws, gen
}

// lastFrom returns k such that ws[k:] spells last (spaces and hyphens aside), or -1.
func lastFrom(ws, last []string) int {
	want := strings.Join(last, "")
	for k := len(ws) - 1; k >= 0; k-- {
		if strings.Join(ws[k:], "") == want {
			return k
		}
	}
	return -1
}

// lastTo returns k such that ws[:k] spells last, or -1.
func lastTo(ws, last []string) int {
	want := strings.Join(last, "")
	for k := 1; k <= len(ws); k++ {
		if strings.Join(ws[:k], "") == want {
			return k
		}
	}
	return -1
}

// middlesAgree: middle names/initials may be missing on one side; when both sides give
// them they must agree word by word (an initial agrees with a name it starts).
func middlesAgree(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if len(x) == 1 && strings.HasPrefix(y, x) || len(y) == 1 && strings.HasPrefix(x, y) {
			continue
		}
		return false
	}
	return true
}

// ComparePersonName compares the first and last name the customer typed with the name
// on the bill ("JANE Q DOE", "DOE, JANE Q", "DOE JANE"). Order, case, accents, hyphens and a
// middle name or initial on one side only are equivalent; a different first or last name,
// an initial in place of a first name, or a JR/SR on one side only is a mismatch.
func ComparePersonName(first, last, bill string) Comparison {
	typedFull := strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
	if squash(typedFull) == squash(bill) {
		return Comparison{Status: StatusMatch}
	}
	fw, _ := personWords(first)
	lw, tgen := personWords(last)
	if len(lw) == 0 || len(fw) == 0 {
		return mismatch(CodeAuthNameMismatch, "name differs from the bill: "+said(strings.TrimSpace(bill), typedFull))
	}
	tFirst, tMid := fw[0], fw[1:]
	msg := "name differs from the bill: " + said(strings.TrimSpace(bill), typedFull)

	var bFirst string
	var bMid []string
	var bgen string
	found := false
	if before, after, ok := strings.Cut(bill, ","); ok && onlyCredentials(after) {
		bill = before // "Jane Doe, Esq.": a degree after the comma, no "LAST, FIRST"
	}
	if before, after, ok := strings.Cut(bill, ","); ok {
		// "DOE, JANE Q" (possibly "DOE JR, JANE")
		bl, g1 := personWords(before)
		bf, g2 := personWords(after)
		bgen = g1 + g2
		if len(bf) > 0 && strings.Join(bl, "") == strings.Join(lw, "") {
			bFirst, bMid, found = bf[0], bf[1:], true
		}
	} else {
		bw, g := personWords(bill)
		bgen = g
		switch k, j := lastFrom(bw, lw), lastTo(bw, lw); {
		case k > 0: // JANE Q DOE
			bFirst, bMid, found = bw[0], bw[1:k], true
		case j > 0 && j < len(bw) && bw[j] == tFirst:
			// "DOE JANE" without a comma: either the bill prints LAST FIRST or the first
			// and last name were typed the wrong way round. Nobody can tell: flag it.
			return hinted(CodeAuthNameMismatch, msg, "first and last name appear in the opposite order; check which is which on the bill")
		}
	}
	if !found {
		return mismatch(CodeAuthNameMismatch, msg)
	}
	if bFirst != tFirst {
		if len(bFirst) == 1 || len(tFirst) == 1 {
			return hinted(CodeAuthNameMismatch, msg, "an initial in place of the first name; type the first name exactly as the bill shows it")
		}
		return mismatch(CodeAuthNameMismatch, msg)
	}
	if !middlesAgree(tMid, bMid) {
		return hinted(CodeAuthNameMismatch, msg, "the middle names differ")
	}
	if tgen != bgen {
		return hinted(CodeAuthNameMismatch, msg, "a generational suffix (JR, SR, III) appears on one side only; it may be a different person on the account")
	}
	return Comparison{Status: StatusEquivalent}
}
