package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// LargeUpload is the body size from which an upload needs a slot (bodies of unknown
// length need one too). Text bills are far smaller and never wait.
const LargeUpload = 1 << 20

// largeUploadSlot bounds the memory of uploads: a bill is held in memory while it is
// parsed, copied and extracted, so 32 concurrent 20 MB uploads would hold gigabytes.
// Only MaxLargeUploads of them are read at once; the rest wait with their bytes still
// in the kernel's socket buffers, which costs the process nothing.
func (s *Server) largeUploadSlot(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength >= 0 && req.ContentLength < LargeUpload {
			return next(c)
		}
		select {
		case s.largeUploads <- struct{}{}:
		case <-req.Context().Done():
			return &Error{Status: http.StatusServiceUnavailable, Code: "busy", RetryAfter: 5,
				Message: fmt.Sprintf("too many large uploads at once (%d are being processed); try again shortly", cap(s.largeUploads))}
		}
		defer func() { <-s.largeUploads }()
		return next(c)
	}
}
