package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/storage"
)

// Status is a port's place in its life.
type Status string

// Statuses of a port (CONTRACT §4).
const (
	StatusDraft             Status = "draft"
	StatusAwaitingSignature Status = "awaiting_signature"
	StatusSigned            Status = "signed"
	StatusInReview          Status = "in_review"
	StatusApproved          Status = "approved"
	StatusRejected          Status = "rejected"
	StatusCancelled         Status = "cancelled"
)

// transitions is the state machine: from a status, the statuses a port may move to.
// Anything else is a 409. Bills are accepted in signed and in_review (a corrected bill);
// a passing check moves to approved, a flagged one to in_review for a reviewer.
var transitions = map[Status][]Status{
	StatusDraft:             {StatusAwaitingSignature, StatusCancelled},
	StatusAwaitingSignature: {StatusAwaitingSignature, StatusSigned, StatusCancelled},
	StatusSigned:            {StatusInReview, StatusApproved, StatusCancelled},
	StatusInReview:          {StatusInReview, StatusApproved, StatusRejected, StatusCancelled},
	StatusApproved:          {StatusCancelled},
	StatusRejected:          {},
	StatusCancelled:         {},
}

// CanMove reports whether the state machine allows from → to.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Visibility of a timeline entry.
const (
	VisibilityCustomer = "customer" // the wizard's user sees it
	VisibilityInternal = "internal" // reviewers and admins only
)

// Event types in a port's timeline.
const (
	EventCreated       = "created"
	EventStatusChanged = "status_changed"
	EventNote          = "note"
	EventDocument      = "document_added"
	EventLOASent       = "loa_sent"
	EventCheck         = "check"
	EventReview        = "review"
)

// Event is one entry of a port's timeline: who did what, when, and what changed.
type Event struct {
	ID         string    `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Type       string    `json:"type"`
	Visibility string    `json:"visibility"`
	From       Status    `json:"from,omitempty"`
	To         Status    `json:"to,omitempty"`
	Message    string    `json:"message"`
	Document   string    `json:"document,omitempty"`
}

// Document is a stored file of a port.
type Document struct {
	Name        string    `json:"name"`
	Kind        string    `json:"kind"` // loa, signed_loa, bill, check
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	CreatedAt   time.Time `json:"created_at"`
}

// Document kinds.
const (
	KindLOA       = "loa"
	KindSignedLOA = "signed_loa"
	KindBill      = "bill"
	KindCheck     = "check"
)

// Record is a port as stored. The request's PIN is kept only sealed (PINSealed);
// Request.Customer.AccountPIN holds the mask.
type Record struct {
	ID             string       `json:"id"`
	Status         Status       `json:"status"`
	StatusSince    time.Time    `json:"status_since"`
	Request        port.Request `json:"request"`
	PINSealed      string       `json:"pin_sealed,omitempty"`
	SubmitterEmail string       `json:"submitter_email,omitempty"`
	// Owner is who the port belongs to (principal.owner); records made before owners
	// were kept belong to the key that created them.
	Owner       string      `json:"owner,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	CreatedBy   string      `json:"created_by"`
	Documents   []storedDoc `json:"documents"`
	LOADate     time.Time   `json:"loa_date,omitzero"`
	LOADocument string      `json:"loa_document,omitempty"`
	SigningKey  string      `json:"signing_key,omitempty"` // token hash of the live signing
	LatestCheck string      `json:"latest_check,omitempty"`
	Verdict     string      `json:"verdict,omitempty"`
	FlagCodes   []string    `json:"flag_codes,omitempty"`
	Timeline    []Event     `json:"timeline"`
}

// storedDoc is a Document with its storage key kept in the record.
type storedDoc struct {
	Document
	StoreKey string `json:"key"`
}

func (r *Record) doc(name string) (storedDoc, bool) {
	for _, d := range r.Documents {
		if d.Name == name {
			return d, true
		}
	}
	return storedDoc{}, false
}

func (r *Record) addDoc(d storedDoc) {
	for i := range r.Documents {
		if r.Documents[i].Name == d.Name {
			r.Documents[i] = d
			return
		}
	}
	r.Documents = append(r.Documents, d)
}

// addEvent appends to the timeline.
func (r *Record) addEvent(e Event) Event {
	if e.ID == "" {
		e.ID = newID(8)
	}
	if e.Visibility == "" {
		e.Visibility = VisibilityCustomer
	}
	r.Timeline = append(r.Timeline, e)
	return e
}

// move changes the status when the state machine allows it and records the change.
func (r *Record) move(to Status, actor, why string, now time.Time) (Event, error) {
	if !CanMove(r.Status, to) {
		return Event{}, wrongState("port %s is %s; it cannot become %s", r.ID, r.Status, to)
	}
	from := r.Status
	r.Status = to
	if from != to {
		r.StatusSince = now
	}
	msg := fmt.Sprintf("status %s → %s", from, to)
	if why != "" {
		msg += ": " + why
	}
	return r.addEvent(Event{At: now, Actor: actor, Type: EventStatusChanged, From: from, To: to, Message: msg}), nil
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns n random bytes as lower-case base32.
func newID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on a supported OS
	}
	return idEncoding.EncodeToString(b)
}

var portIDPattern = regexp.MustCompile(`^[a-z2-7]{16,32}$`)

func portKey(id string) string { return "ports/" + id + "/port.json" }

// records reads and writes port records with optimistic concurrency.
type records struct {
	store Store
}

// errNoPort is returned for an unknown or malformed port id.
var errNoPort = notFound("port")

// get reads a record and its ETag.
func (rs records) get(ctx context.Context, id string) (*Record, string, error) {
	if !portIDPattern.MatchString(id) {
		return nil, "", errNoPort
	}
	rc, info, err := rs.store.Get(ctx, portKey(id))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, "", errNoPort
	}
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, "", fmt.Errorf("read port %s: %w", id, err)
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, "", fmt.Errorf("decode port %s: %w", id, err)
	}
	return &r, info.ETag, nil
}

// create writes a new record; it fails if the id exists.
func (rs records) create(ctx context.Context, r *Record) error {
	return rs.put(ctx, r, storage.PutOptions{IfNoneMatch: "*"})
}

func (rs records) put(ctx context.Context, r *Record, opts storage.PutOptions) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	opts.ContentType = "application/json"
	_, err = rs.store.Put(ctx, portKey(r.ID), bytes.NewReader(data), int64(len(data)), opts)
	return err
}

// maxUpdateAttempts bounds the read-modify-write loop under contention.
const maxUpdateAttempts = 8

// update reads the record, applies fn and writes it back only if nobody else wrote in
// between (If-Match). On a lost race it re-reads and re-applies fn, so fn must derive
// everything from the record it is given. It returns the record as written.
func (rs records) update(ctx context.Context, id string, fn func(r *Record) error) (*Record, error) {
	for attempt := 0; ; attempt++ {
		r, etag, err := rs.get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := fn(r); err != nil {
			return nil, err
		}
		err = rs.put(ctx, r, storage.PutOptions{IfMatch: etag})
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, storage.ErrPreconditionFailed) || attempt+1 >= maxUpdateAttempts {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
}

// list reads every record (the reviewers' queue). Fine for thousands of ports; a
// database index would replace it beyond that.
func (rs records) list(ctx context.Context) ([]*Record, error) {
	infos, err := rs.store.List(ctx, "ports/")
	if err != nil {
		return nil, err
	}
	var out []*Record
	for _, info := range infos {
		if !strings.HasSuffix(info.Key, "/port.json") {
			continue
		}
		id := strings.TrimSuffix(strings.TrimPrefix(info.Key, "ports/"), "/port.json")
		r, _, err := rs.get(ctx, id)
		if errors.Is(err, errNoPort) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// owner is who the port belongs to.
func (r *Record) owner() string {
	if r.Owner != "" {
		return r.Owner
	}
	return r.CreatedBy
}
