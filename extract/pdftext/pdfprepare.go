package pdftext

import "bytes"

// Prepare trims the file to its PDF bytes and gives a 2.0 header the 1.7 one the
// library knows (2.0 files are read the same way).
func Prepare(data []byte) []byte {
	data = trimToPDF(data)
	if bytes.HasPrefix(data, []byte("%PDF-2.")) {
		data = append([]byte("%PDF-1.7"), data[8:]...)
	}
	return data
}

// trimToPDF drops bytes before the "%PDF-" header (within the first KB, as readers
// allow; cross-reference offsets count from the header) and after the last "%%EOF" and
// its end of line. Mail gateways, download managers and some scanners add such bytes;
// viewers ignore them, and a bill must not be refused for them.
func trimToPDF(data []byte) []byte {
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		data = data[i:]
	}
	if j := bytes.LastIndex(data, []byte("%%EOF")); j >= 0 {
		end := j + len("%%EOF")
		if end < len(data) && data[end] == '\r' {
			end++
		}
		if end < len(data) && data[end] == '\n' {
			end++
		}
		data = data[:end]
	}
	return data
}
