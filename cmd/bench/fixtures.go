package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
)

// doc is one fixture file.
type doc struct {
	path    string
	data    []byte
	pages   int
	request []byte // the port request that goes with a text bill (request.json)
}

type fixtureSet struct {
	text  []doc // fixtures/bills/*/bill.pdf: bills with a text layer
	scans []doc // fixtures/ocr/*/bill.*: scans, faxes, photos, screenshots
}

func (f fixtureSet) scanPages() int {
	n := 0
	for _, d := range f.scans {
		n += d.pages
	}
	return n
}

func loadFixtures(dir string) (fixtureSet, error) {
	var set fixtureSet
	texts, _ := filepath.Glob(filepath.Join(dir, "bills", "*", "bill.pdf"))
	scans, _ := filepath.Glob(filepath.Join(dir, "ocr", "*", "bill.*"))
	sort.Strings(texts)
	sort.Strings(scans)
	if len(texts) == 0 || len(scans) == 0 {
		return set, fmt.Errorf("%s: no bills/*/bill.pdf or ocr/*/bill.*; run from the repository root or set -fixtures", dir)
	}
	for _, p := range texts {
		data, err := os.ReadFile(p)
		if err != nil {
			return set, err
		}
		req, err := os.ReadFile(filepath.Join(filepath.Dir(p), "request.json"))
		if err != nil {
			return set, fmt.Errorf("%s: %w; every text bill needs its request.json", p, err)
		}
		set.text = append(set.text, doc{path: p, data: data, pages: pdfPages(p), request: req})
	}
	for _, p := range scans {
		data, err := os.ReadFile(p)
		if err != nil {
			return set, err
		}
		set.scans = append(set.scans, doc{path: p, data: data, pages: pageCount(p, data)})
	}
	return set, nil
}

func pageCount(path string, data []byte) int {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")):
		return pdfPages(path)
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return tiffPages(data)
	}
	return 1
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// pdfPages asks pdfinfo (poppler, also what the service rasterizes with).
func pdfPages(path string) int {
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		return 1
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		return 1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return max(n, 1)
}

// tiffPages counts the IFDs of a TIFF.
func tiffPages(data []byte) int {
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	off := int(bo.Uint32(data[4:8]))
	n := 0
	for off > 0 && off+2 <= len(data) && n < 1000 {
		n++
		entries := int(bo.Uint16(data[off:]))
		next := off + 2 + entries*12
		if next+4 > len(data) {
			break
		}
		off = int(bo.Uint32(data[next:]))
	}
	return max(n, 1)
}
