package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/extract"
)

// sniff names the type of a bill from its first bytes; the file name and the
// client's Content-Type are not trusted.
func sniff(data []byte) (contentType, ext string, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf", "pdf", true
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", "png", true
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", "jpg", true
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "image/tiff", "tiff", true
	}
	if ct, ext, ok := extract.HEIFType(data); ok {
		return ct, ext, true
	}
	// Some PDF writers put junk before the header; readers accept it within 1 KB.
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		return "application/pdf", "pdf", true
	}
	return "", "", false
}

// readUpload reads the multipart field "file" into memory (bounded by max), and sniffs it.
func readUpload(c echo.Context, max int64) (data []byte, contentType, ext string, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		if err == http.ErrMissingFile {
			return nil, "", "", badRequest("file", "no file; send the bill as multipart/form-data field \"file\"")
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", "", mbe
		}
		return nil, "", "", badRequest("file", "cannot read the upload: send multipart/form-data with the bill in field \"file\"")
	}
	data, err = readFileHeader(fh, max)
	if err != nil {
		return nil, "", "", err
	}
	if len(data) == 0 {
		return nil, "", "", fmt.Errorf("upload: %w", extract.ErrEmpty)
	}
	contentType, ext, ok := sniff(data)
	if !ok {
		return nil, "", "", fmt.Errorf("upload %q: %w", fh.Filename, extract.ErrUnsupportedType)
	}
	return data, contentType, ext, nil
}

func readFileHeader(fh *multipart.FileHeader, max int64) ([]byte, error) {
	if fh.Size > max {
		return nil, fmt.Errorf("upload is %d bytes, limit %d: %w", fh.Size, max, extract.ErrTooLarge)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, badRequest("file", "cannot read the upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, badRequest("file", "cannot read the upload")
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("upload exceeds %d bytes: %w", max, extract.ErrTooLarge)
	}
	return data, nil
}
