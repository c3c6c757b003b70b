package server

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
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
	// Bills summarizes every bill accepted for the port (carrier, account, numbers), so
	// that the check of the next one sees the numbers on the others.
	Bills    []extract.BillSummary `json:"bills,omitempty"`
	Timeline []Event               `json:"timeline"`
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

// records reads and writes port records in the store of record (portdb): each update
// is one transaction on the port's locked row.
type records struct {
	db *portdb.DB
}

// errNoPort is returned for an unknown or malformed port id.
var errNoPort = notFound("port")

// get reads a record.
func (rs records) get(ctx context.Context, id string) (*Record, error) {
	if !portIDPattern.MatchString(id) {
		return nil, errNoPort
	}
	p, err := rs.db.Get(ctx, id)
	if errors.Is(err, portdb.ErrNotFound) {
		return nil, errNoPort
	}
	if err != nil {
		return nil, err
	}
	return recordOf(p)
}

// create writes a new record; it fails if the id exists.
func (rs records) create(ctx context.Context, r *Record) error {
	p, err := portOf(r)
	if err != nil {
		return err
	}
	return rs.db.Create(ctx, p)
}

// update applies fn to the record with its row locked and writes the result in the
// same transaction: a concurrent update (this instance or another) waits, then sees
// this one's result. It returns the record as written.
func (rs records) update(ctx context.Context, id string, fn func(r *Record) error) (*Record, error) {
	if !portIDPattern.MatchString(id) {
		return nil, errNoPort
	}
	var out *Record
	_, err := rs.db.Update(ctx, id, func(p *portdb.Port) error {
		r, err := recordOf(p)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		if err := fillPort(p, r); err != nil {
			return err
		}
		out = r
		return nil
	})
	if errors.Is(err, portdb.ErrNotFound) {
		return nil, errNoPort
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// portOf is the database's view of a record: the queue's columns and search rows, the
// record without its timeline and documents as the body, and those two as rows.
func portOf(r *Record) (*portdb.Port, error) {
	p := &portdb.Port{ID: r.ID, CreatedAt: r.CreatedAt}
	return p, fillPort(p, r)
}

func fillPort(p *portdb.Port, r *Record) error {
	body := *r
	body.Timeline, body.Documents = nil, nil
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	p.Status, p.StatusSince, p.Owner, p.UpdatedAt, p.Body = string(r.Status), r.StatusSince, r.owner(), r.UpdatedAt, data
	p.Carrier, p.AccountNumber = r.Request.CarrierName, r.Request.Customer.AccountNumber
	cu := r.Request.Customer
	p.Names = []string{cu.BusinessName, strings.TrimSpace(cu.FirstName + " " + cu.LastName)}
	p.Numbers = p.Numbers[:0]
	for _, n := range r.Request.Numbers {
		p.Numbers = append(p.Numbers, n.Number)
	}
	p.Flags = r.FlagCodes
	p.Events = p.Events[:0]
	for _, e := range r.Timeline {
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		p.Events = append(p.Events, portdb.Event{ID: e.ID, At: e.At, Type: e.Type, Actor: e.Actor, Visibility: e.Visibility, Body: data})
	}
	p.Documents = p.Documents[:0]
	for _, d := range r.Documents {
		p.Documents = append(p.Documents, portdb.Document{Name: d.Name, Kind: d.Kind, SHA256: d.SHA256, Size: d.Size,
			ContentType: d.ContentType, CreatedAt: d.CreatedAt, Key: d.StoreKey})
	}
	return nil
}

// recordOf puts a record back together from its row, timeline and documents.
func recordOf(p *portdb.Port) (*Record, error) {
	var r Record
	if err := json.Unmarshal(p.Body, &r); err != nil {
		return nil, fmt.Errorf("decode port %s: %w", p.ID, err)
	}
	r.Timeline = make([]Event, 0, len(p.Events))
	for _, pe := range p.Events {
		var e Event
		if err := json.Unmarshal(pe.Body, &e); err != nil {
			return nil, fmt.Errorf("decode port %s event %s: %w", p.ID, pe.ID, err)
		}
		r.Timeline = append(r.Timeline, e)
	}
	r.Documents = make([]storedDoc, 0, len(p.Documents))
	for _, d := range p.Documents {
		r.Documents = append(r.Documents, storedDoc{Document: Document{Name: d.Name, Kind: d.Kind, SHA256: d.SHA256, Size: d.Size,
			ContentType: d.ContentType, CreatedAt: d.CreatedAt}, StoreKey: d.Key})
	}
	return &r, nil
}

// owner is who the port belongs to.
func (r *Record) owner() string {
	if r.Owner != "" {
		return r.Owner
	}
	return r.CreatedBy
}
