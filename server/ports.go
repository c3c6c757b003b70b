package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
)

// createBody is POST /v1/ports: a port request (CONTRACT §3) plus, optionally, the
// email of the person submitting it, who is told when the LOA is signed.
type createBody struct {
	port.Request
	SubmitterEmail string `json:"submitter_email"`
}

// portView is GET /v1/ports/{id}.
type portView struct {
	ID          string          `json:"id"`
	Status      Status          `json:"status"`
	StatusSince time.Time       `json:"status_since"`
	Request     port.Request    `json:"request"`
	Documents   []Document      `json:"documents"`
	Check       json.RawMessage `json:"check,omitempty"`
	// LatestCheck names the Check above: a review decision names it (POST …/review).
	LatestCheck string    `json:"latest_check,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return mbe
		}
		if errors.Is(err, io.EOF) {
			return badRequest("", "empty body; send a JSON object")
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := strings.TrimPrefix(te.Field, "Request.") // createBody embeds the request
			return badRequest(field, "%s: expected %s", field, te.Type)
		}
		return badRequest("", "body is not valid JSON: %s", firstLine(err))
	}
	return nil
}

func (s *Server) handleCreatePort() echo.HandlerFunc {
	return func(c echo.Context) error {
		var body createBody
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		if body.SubmitterEmail != "" {
			if _, err := mail.ParseAddress(body.SubmitterEmail); err != nil {
				return errorf(http.StatusUnprocessableEntity, "invalid_email", "submitter_email", "submitter_email is not an email address")
			}
		}
		problems := body.Request.Validate()
		if problems == nil {
			problems = []port.Problem{}
		}
		if port.HasErrors(problems) {
			return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_request",
				Message: fmt.Sprintf("the request has %d problem(s); fix the fields listed in problems", countErrors(problems)),
				Field:   firstErrorField(problems), Problems: problems}
		}
		now := s.now().UTC()
		id := newID(12)
		sealed, err := s.cfg.Secrets.Seal(id, body.Customer.AccountPIN)
		if err != nil {
			return err
		}
		r := &Record{
			ID: id, Status: StatusDraft, StatusSince: now,
			Request: body.Request.Masked(), PINSealed: sealed, SubmitterEmail: body.SubmitterEmail,
			CreatedAt: now, UpdatedAt: now, CreatedBy: who(c).Actor, Owner: who(c).owner(), Documents: []storedDoc{},
		}
		r.addEvent(Event{At: now, Actor: who(c).Actor, Type: EventCreated, To: StatusDraft,
			Message: fmt.Sprintf("port request created for %d number(s)", len(body.Numbers))})
		if err := s.records.create(c.Request().Context(), r); err != nil {
			return err
		}
		s.log.InfoContext(c.Request().Context(), "port created", slog.String("port_id", id), slog.String("actor", who(c).Actor))
		return c.JSON(http.StatusCreated, map[string]any{"id": id, "status": r.Status, "problems": problems})
	}
}

func countErrors(ps []port.Problem) int {
	n := 0
	for _, p := range ps {
		if p.Severity == port.SeverityError {
			n++
		}
	}
	return n
}

func firstErrorField(ps []port.Problem) string {
	for _, p := range ps {
		if p.Severity == port.SeverityError {
			return p.Field
		}
	}
	return ""
}

func (s *Server) view(c echo.Context, r *Record) (portView, error) {
	v := portView{ID: r.ID, Status: r.Status, StatusSince: r.StatusSince, Request: r.Request.Masked(),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Documents: make([]Document, 0, len(r.Documents))}
	for _, d := range r.Documents {
		v.Documents = append(v.Documents, d.Document)
	}
	if r.LatestCheck != "" {
		data, err := s.readDoc(c.Request().Context(), r, r.LatestCheck)
		if err != nil {
			return v, err
		}
		v.Check, v.LatestCheck = data, r.LatestCheck
	}
	return v, nil
}

func (s *Server) handleGetPort() echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.records.get(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		v, err := s.view(c, r)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, v)
	}
}

// handleNotes is the timeline: every event plus comments. The wizard sees what is
// visible to the customer; reviewers and admins see internal notes too.
func (s *Server) handleNotes() echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.records.get(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		internal := seesInternal(c)
		out := make([]Event, 0, len(r.Timeline))
		for _, e := range r.Timeline {
			if e.Visibility == VisibilityInternal && !internal {
				continue
			}
			out = append(out, e)
		}
		return c.JSON(http.StatusOK, map[string]any{"port_id": r.ID, "status": r.Status, "notes": out})
	}
}

type noteBody struct {
	Message    string `json:"message"`
	Visibility string `json:"visibility"`
}

// maxNoteLen bounds a comment.
const maxNoteLen = 10000

func (s *Server) handleAddNote() echo.HandlerFunc {
	return func(c echo.Context) error {
		var body noteBody
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		body.Message = strings.TrimSpace(body.Message)
		switch {
		case body.Message == "":
			return errorf(http.StatusUnprocessableEntity, "required", "message", "message is empty; write the note")
		case len(body.Message) > maxNoteLen:
			return errorf(http.StatusUnprocessableEntity, "too_long", "message", "message is longer than %d bytes", maxNoteLen)
		}
		switch body.Visibility {
		case "":
			body.Visibility = VisibilityCustomer
		case VisibilityCustomer:
		case VisibilityInternal:
			if !seesInternal(c) {
				return errorf(http.StatusForbidden, "forbidden", "visibility", "the wizard role may not write internal notes")
			}
		default:
			return errorf(http.StatusUnprocessableEntity, "invalid", "visibility", "visibility must be customer or internal")
		}
		var ev Event
		r, err := s.records.update(c.Request().Context(), c.Param("id"), func(r *Record) error {
			r.UpdatedAt = s.now().UTC()
			ev = r.addEvent(Event{At: r.UpdatedAt, Actor: who(c).Actor, Type: EventNote, Visibility: body.Visibility, Message: body.Message})
			return nil
		})
		if err != nil {
			return err
		}
		s.notify(c, r, ev)
		return c.JSON(http.StatusCreated, ev)
	}
}

func (s *Server) handleCancel() echo.HandlerFunc {
	return func(c echo.Context) error {
		var evs []Event
		r, err := s.records.update(c.Request().Context(), c.Param("id"), func(r *Record) error {
			evs = evs[:0]
			now := s.now().UTC()
			ev, err := r.move(StatusCancelled, who(c).Actor, "cancelled by request", now)
			if err != nil {
				return err
			}
			r.UpdatedAt = now
			evs = append(evs, ev)
			return nil
		})
		if err != nil {
			return err
		}
		s.notify(c, r, evs...)
		return c.JSON(http.StatusOK, map[string]any{"id": r.ID, "status": r.Status})
	}
}

// reviewItem is one port in the reviewers' queue.
type reviewItem struct {
	ID          string    `json:"id"`
	Status      Status    `json:"status"`
	StatusSince time.Time `json:"status_since"`
	AgeSeconds  int64     `json:"age_seconds"`
	CarrierName string    `json:"carrier_name"`
	Numbers     int       `json:"numbers"`
	Verdict     string    `json:"verdict,omitempty"`
	FlagCodes   []string  `json:"flag_codes"`
	LatestCheck string    `json:"latest_check,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// handleReviews lists ports for reviewers, oldest in their status first, one page at
// a time from the store of record's indexes. Filters: status (default in_review, or
// all), flag (a flag code), carrier, older_than (a duration such as 24h: only ports in
// their status at least that long); search: number (E.164 or as written), account
// (exact), name (business or customer name, case- and accent-insensitive prefix), or q
// (any of the three, told apart by its shape). limit (1..200, default 50) and cursor
// (the previous page's next_cursor) page through. flag_counts counts the ports of the
// same filter per flag code, for the queue's filter chips.
func (s *Server) handleReviews() echo.HandlerFunc {
	return func(c echo.Context) error {
		q, err := reviewQuery(c, s.now().UTC())
		if err != nil {
			return err
		}
		if p := who(c); !p.seesAll() {
			q.Owner = p.owner()
		}
		ctx := c.Request().Context()
		page, err := s.records.db.List(ctx, q)
		if errors.Is(err, portdb.ErrBadCursor) {
			return badRequest("cursor", "cursor is not one this service returned; start again without it")
		}
		if err != nil {
			return err
		}
		counts, err := s.records.db.FlagCounts(ctx, q)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		items := make([]reviewItem, 0, len(page.Items))
		for _, it := range page.Items {
			var r Record
			if err := json.Unmarshal(it.Body, &r); err != nil {
				return fmt.Errorf("decode port %s: %w", it.ID, err)
			}
			codes := r.FlagCodes
			if codes == nil {
				codes = []string{}
			}
			items = append(items, reviewItem{ID: r.ID, Status: r.Status, StatusSince: r.StatusSince,
				AgeSeconds: int64(now.Sub(r.StatusSince).Seconds()), CarrierName: r.Request.CarrierName, Numbers: len(r.Request.Numbers),
				Verdict: r.Verdict, FlagCodes: codes, LatestCheck: r.LatestCheck, CreatedAt: r.CreatedAt})
		}
		out := map[string]any{"reviews": items, "flag_counts": counts}
		if page.Next != "" {
			out["next_cursor"] = page.Next
		}
		return c.JSON(http.StatusOK, out)
	}
}

// maxSearchLen bounds a search term (a name prefix, an account number).
const maxSearchLen = 100

// reviewQuery reads the queue's filters from the query string.
func reviewQuery(c echo.Context, now time.Time) (portdb.Query, error) {
	var q portdb.Query
	status := Status(c.QueryParam("status"))
	switch {
	case status == "":
		q.Status = string(StatusInReview)
	case status == "all":
	default:
		if _, ok := transitions[status]; !ok {
			return q, badRequest("status", "unknown status %q", status)
		}
		q.Status = string(status)
	}
	q.Flag = strings.ToUpper(strings.TrimSpace(c.QueryParam("flag")))
	if v := c.QueryParam("older_than"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return q, badRequest("older_than", "older_than must be a duration such as 24h or 90m")
		}
		q.OlderThan = now.Add(-d)
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > portdb.MaxLimit {
			return q, badRequest("limit", "limit must be a whole number from 1 to %d", portdb.MaxLimit)
		}
		q.Limit = n
	}
	q.Cursor = c.QueryParam("cursor")
	q.Carrier = strings.TrimSpace(c.QueryParam("carrier"))
	number, account, name := strings.TrimSpace(c.QueryParam("number")), strings.TrimSpace(c.QueryParam("account")), strings.TrimSpace(c.QueryParam("name"))
	if term := strings.TrimSpace(c.QueryParam("q")); term != "" {
		switch {
		case searchLooksLikeNumber(term):
			// 10 digits may be a phone number or an account number: either matches.
			number, account, q.NumberOrAccount = term, term, true
		case strings.ContainsAny(term, "0123456789") && !strings.ContainsAny(term, " "):
			account = term
		default:
			name = term
		}
	}
	for field, v := range map[string]string{"carrier": q.Carrier, "account": account, "name": name, "flag": q.Flag} {
		if len(v) > maxSearchLen {
			return q, badRequest(field, "%s is longer than %d characters", field, maxSearchLen)
		}
	}
	if number != "" {
		e164, err := port.NormalizeNumber(number)
		if err != nil {
			return q, badRequest("number", "number %q is not a phone number; give it as +14105550142 or (410) 555-0142", number)
		}
		q.Number = e164
	}
	if name != "" && portdb.Fold(name) == "" {
		return q, badRequest("name", "name must hold a letter or a digit")
	}
	q.Account, q.Name = account, name
	return q, nil
}

// searchLooksLikeNumber: a search term written as a phone number (digits with the
// usual punctuation, 10 or 11 digits), not an account number.
func searchLooksLikeNumber(term string) bool {
	digits := 0
	for _, r := range term {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-.() ", r):
		default:
			return false
		}
	}
	if digits != 10 && digits != 11 {
		return false
	}
	_, err := port.NormalizeNumber(term)
	return err == nil
}

type reviewBody struct {
	Decision string `json:"decision"` // approve or reject
	Note     string `json:"note"`
	// Check names the Check the decision was made on (the port's latest_check): a
	// decision on a check that a newer bill replaced is refused, not applied to it.
	Check string `json:"check"`
}

func (s *Server) handleReview() echo.HandlerFunc {
	return func(c echo.Context) error {
		var body reviewBody
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		var to Status
		switch body.Decision {
		case "approve":
			to = StatusApproved
		case "reject":
			to = StatusRejected
		default:
			return errorf(http.StatusUnprocessableEntity, "invalid", "decision", "decision must be approve or reject")
		}
		body.Note = strings.TrimSpace(body.Note)
		if body.Note == "" {
			return errorf(http.StatusUnprocessableEntity, "required", "note", "note is required; say why")
		}
		if len(body.Note) > maxNoteLen {
			return errorf(http.StatusUnprocessableEntity, "too_long", "note", "note is longer than %d bytes", maxNoteLen)
		}
		body.Check = strings.TrimSpace(body.Check)
		var evs []Event
		r, err := s.records.update(c.Request().Context(), c.Param("id"), func(r *Record) error {
			evs = evs[:0]
			if r.Status != StatusInReview {
				return wrongState("port %s is %s; only a port in_review can be reviewed", r.ID, r.Status)
			}
			if body.Check == "" {
				return errorf(http.StatusUnprocessableEntity, "required", "check", "check is required: name the check you reviewed (the port's latest_check)")
			}
			if body.Check != r.LatestCheck {
				return errorf(http.StatusConflict, "stale_check", "check",
					"port %s was checked again after the check you reviewed (%s); review its latest check, %s", r.ID, body.Check, r.LatestCheck)
			}
			now := s.now().UTC()
			ev, err := r.move(to, who(c).Actor, string(to)+" by a reviewer", now)
			if err != nil {
				return err
			}
			r.UpdatedAt = now
			note := r.addEvent(Event{At: now, Actor: who(c).Actor, Type: EventReview, Document: r.LatestCheck, Message: body.Note})
			evs = append(evs, ev, note)
			return nil
		})
		if err != nil {
			return err
		}
		s.notify(c, r, evs...)
		return c.JSON(http.StatusOK, map[string]any{"id": r.ID, "status": r.Status})
	}
}
