// Package formfile builds the multipart/form-data upload the portdocs API takes: one
// file in the field "file". The bench and the fault suites send it; it is tiny so that
// both say it the same way.
package formfile

import (
	"bytes"
	"mime/multipart"
)

// Body returns the Content-Type (with its boundary) and the body of a form holding data
// as the file name in the field "file".
func Body(name string, data []byte) (contentType string, body []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	// Writes to a bytes.Buffer cannot fail.
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}
