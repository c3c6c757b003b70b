package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

// Error is a client-facing error: a status, a stable code, a message that names the
// field and the fix. Err keeps the chain for the log only.
type Error struct {
	Status     int
	Code       string
	Message    string
	Field      string
	Problems   []port.Problem
	RetryAfter int // seconds; set for 429 and 503
	Err        error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errors handlers return for conditions they detect themselves.
var (
	// ErrWrongState is wrapped when an action is not allowed in the port's status.
	ErrWrongState = errors.New("action not allowed in this status")
	// ErrForbidden is wrapped when the caller's role may not do this.
	ErrForbidden = errors.New("forbidden")
)

func errorf(status int, code, field, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

func badRequest(field, format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, "bad_request", field, format, args...)
}

func notFound(what string) *Error {
	return errorf(http.StatusNotFound, "not_found", "", "%s not found", what)
}

func wrongState(format string, args ...any) *Error {
	e := errorf(http.StatusConflict, "wrong_status", "status", format, args...)
	e.Err = ErrWrongState
	return e
}

// errorBody is the JSON error document of CONTRACT §4.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
	Problems []port.Problem `json:"problems,omitempty"`
}

// classify maps any error a handler returned to the client-facing Error. Unknown errors
// become a 500 whose message says nothing about internals.
func classify(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if s, ok := he.Message.(string); ok && s != "" {
			msg = s
		}
		code := strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_"))
		if he.Code == http.StatusRequestEntityTooLarge {
			code, msg = "too_large", "request body is too large; upload a smaller file"
		}
		return &Error{Status: he.Code, Code: code, Message: msg, Err: he.Internal}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
			Message: fmt.Sprintf("request body is larger than %d bytes; upload a smaller file", mbe.Limit), Err: err}
	}
	with := func(status int, code, field, msg string) *Error {
		return &Error{Status: status, Code: code, Field: field, Message: msg, Err: err}
	}
	switch {
	case errors.Is(err, extract.ErrOCRBusy):
		e := with(http.StatusTooManyRequests, "ocr_busy", "", "the OCR queue is full; retry later")
		e.RetryAfter = 5
		return e
	case errors.Is(err, extract.ErrOCRUnavailable):
		e := with(http.StatusServiceUnavailable, "ocr_unavailable", "", "OCR is not available; upload a PDF with a text layer or retry later")
		e.RetryAfter = 30
		return e
	case errors.Is(err, extract.ErrUnsupportedType):
		return with(http.StatusUnsupportedMediaType, "unsupported_type", "file", "unsupported file type; upload a PDF, PNG, JPEG, TIFF or HEIC")
	case errors.Is(err, extract.ErrTooLarge):
		return with(http.StatusRequestEntityTooLarge, "too_large", "file", firstLine(err)+"; upload a smaller file")
	case errors.Is(err, extract.ErrTooManyPages):
		return with(http.StatusRequestEntityTooLarge, "too_many_pages", "file", firstLine(err)+"; upload only the pages that show the account")
	case errors.Is(err, extract.ErrEncrypted):
		return with(http.StatusUnprocessableEntity, "encrypted", "file", "PDF is password-protected; upload an unlocked copy")
	case errors.Is(err, extract.ErrCorrupt):
		return with(http.StatusUnprocessableEntity, "corrupt", "file", "file is damaged or unreadable; upload the original file")
	case errors.Is(err, extract.ErrEmpty):
		return with(http.StatusBadRequest, "empty", "file", "file is empty; upload the bill")
	case errors.Is(err, loa.ErrExpired), errors.Is(err, loa.ErrUsed), errors.Is(err, loa.ErrVoided):
		return with(http.StatusGone, "signing_closed", "", firstLine(err))
	case errors.Is(err, loa.ErrConsentRequired):
		return with(http.StatusUnprocessableEntity, "consent_required", "consent", "tick the box to agree to sign electronically")
	case errors.Is(err, loa.ErrNameMismatch):
		return with(http.StatusUnprocessableEntity, "name_mismatch", "full_name", "type your name exactly as it appears on the LOA")
	case errors.Is(err, loa.ErrBadSignatureImage):
		return with(http.StatusUnprocessableEntity, "bad_signature", "signature", "the drawn signature is not a usable PNG image; draw it again or leave it empty")
	case errors.Is(err, loa.ErrInvalidRequest):
		return with(http.StatusUnprocessableEntity, "invalid_request", "", firstLine(err))
	case errors.Is(err, loa.ErrTSAUnavailable):
		e := with(http.StatusServiceUnavailable, "tsa_unavailable", "", "the timestamp authority did not answer; nothing was signed, retry in a minute")
		e.RetryAfter = 30
		return e
	case errors.Is(err, storage.ErrUnavailable):
		e := with(http.StatusServiceUnavailable, "storage_unavailable", "", "storage is unavailable; nothing was saved, retry later")
		e.RetryAfter = 10
		return e
	case errors.Is(err, portdb.ErrUnavailable):
		e := with(http.StatusServiceUnavailable, "database_unavailable", "", "the database is unavailable; nothing was saved, retry later")
		e.RetryAfter = 5
		return e
	case errors.Is(err, storage.ErrPreconditionFailed), errors.Is(err, portdb.ErrConflict), errors.Is(err, portdb.ErrExists):
		return with(http.StatusConflict, "conflict", "", "the port changed while this request ran; retry")
	case errors.Is(err, storage.ErrNotFound):
		return with(http.StatusNotFound, "not_found", "", "not found")
	case errors.Is(err, storage.ErrRetained):
		return with(http.StatusConflict, "retained", "", "the document is archived and cannot be changed")
	case errors.Is(err, context.DeadlineExceeded):
		e := with(http.StatusServiceUnavailable, "timeout", "", "the request took too long; retry later")
		e.RetryAfter = 5
		return e
	case errors.Is(err, context.Canceled):
		return with(499, "canceled", "", "the request was canceled")
	}
	return with(http.StatusInternalServerError, "internal", "", "internal error; the request ID in X-Request-Id helps the operator find it")
}

// firstLine is err's message cut to one line (library messages may carry more).
func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// errorHandler is the server's one HTTPErrorHandler. JSON for the API, an HTML page for
// the signer's pages; the log keeps the chain, the client gets code, message, field.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := classify(err)
	attrs := []any{slog.Int("status", e.Status), slog.String("code", e.Code), slog.String("error", err.Error())}
	if e.Status >= 500 && e.Status != http.StatusServiceUnavailable {
		s.log.ErrorContext(c.Request().Context(), "request failed", append(attrs, requestAttrs(c)...)...)
	} else {
		s.log.InfoContext(c.Request().Context(), "request refused", append(attrs, requestAttrs(c)...)...)
	}
	if e.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	status := e.Status
	if status == 499 { // the client is gone; nobody reads the body
		status = http.StatusServiceUnavailable
	}
	if strings.HasPrefix(c.Request().URL.Path, "/sign/") {
		s.renderPage(c, status, "error.html", map[string]any{"Status": status, "Message": e.Message})
		return
	}
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Field = e.Code, e.Message, e.Field
	body.Problems = e.Problems
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}

func requestAttrs(c echo.Context) []any {
	return []any{
		slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		slog.String("method", c.Request().Method),
		slog.String("route", c.Path()),
	}
}
