package formfile

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"testing"
)

func TestBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"bill.pdf", []byte("%PDF-1.7\n...%%EOF\n")},
		{"upload.csv", []byte("410-555-0142\n")},
		{"empty.txt", nil},
		{"binary.bin", bytes.Repeat([]byte{0, 0xff, '\r', '\n', '-'}, 4096)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, body := Body(tc.name, tc.data)
			mt, params, err := mime.ParseMediaType(ct)
			if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
				t.Fatalf("Content-Type %q: media type %q, params %v, err %v; want multipart/form-data with a boundary", ct, mt, params, err)
			}
			r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			part, err := r.NextPart()
			if err != nil {
				t.Fatalf("first part: %v", err)
			}
			if part.FormName() != "file" || part.FileName() != tc.name {
				t.Errorf("part field %q file %q, want field \"file\" file %q", part.FormName(), part.FileName(), tc.name)
			}
			got, err := io.ReadAll(part)
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Errorf("part content: %d bytes (err %v), want the %d bytes given", len(got), err, len(tc.data))
			}
			if _, err := r.NextPart(); err != io.EOF {
				t.Errorf("after the file: %v, want io.EOF (exactly one part)", err)
			}
		})
	}
}
