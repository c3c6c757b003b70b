package portdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Port is one port as the database keeps it: the columns the queue filters and sorts
// on, the rows it searches (numbers, names, flags), the record itself (Body, the
// server's JSON), its timeline and its documents.
type Port struct {
	ID            string
	Status        string
	StatusSince   time.Time
	Owner         string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Carrier       string   // as the request names it; filtered folded
	AccountNumber string   // searched exactly
	Names         []string // business and customer names, searched by folded prefix
	Numbers       []string // E.164, searched exactly
	Flags         []string // the latest check's flag codes
	Body          []byte
	// Events is the timeline, oldest first. It only grows: an update may append
	// entries, never change or drop one.
	Events    []Event
	Documents []Document

	version int64
	loaded  int // len(Events) when read
}

// Event is one timeline entry; Body is the server's JSON of it.
type Event struct {
	ID         string
	At         time.Time
	Type       string
	Actor      string
	Visibility string
	Body       []byte
}

// Document names a stored file of a port; its bytes are in object storage under Key,
// written before the row that names them.
type Document struct {
	Name        string
	Kind        string
	SHA256      string
	Size        int64
	ContentType string
	CreatedAt   time.Time
	Key         string
}

// Get reads a port with its timeline and documents.
func (db *DB) Get(ctx context.Context, id string) (*Port, error) {
	p, err := db.get(ctx, db.sql, id, false)
	return p, db.classify(err)
}

// querier is what Get needs from *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (db *DB) get(ctx context.Context, q querier, id string, forUpdate bool) (*Port, error) {
	query := `SELECT status, status_since, owner, created_at, updated_at, carrier, account_number, version, body FROM ports WHERE id = ?`
	if forUpdate && db.kind == Postgres {
		query += " FOR UPDATE"
	}
	p := &Port{ID: id}
	var since, created, updated int64
	var body string
	err := q.QueryRowContext(ctx, db.rebind(query), id).Scan(&p.Status, &since, &p.Owner, &created, &updated,
		&p.Carrier, &p.AccountNumber, &p.version, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	p.StatusSince, p.CreatedAt, p.UpdatedAt, p.Body = fromMicros(since), fromMicros(created), fromMicros(updated), []byte(body)
	if p.Events, err = db.events(ctx, q, id); err != nil {
		return nil, err
	}
	p.loaded = len(p.Events)
	if p.Documents, err = db.documents(ctx, q, id); err != nil {
		return nil, err
	}
	return p, nil
}

func (db *DB) events(ctx context.Context, q querier, id string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT id, at, type, actor, visibility, body FROM port_events WHERE port_id = ? ORDER BY seq`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		var body string
		if err := rows.Scan(&e.ID, &at, &e.Type, &e.Actor, &e.Visibility, &body); err != nil {
			return nil, err
		}
		e.At, e.Body = fromMicros(at), []byte(body)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (db *DB) documents(ctx context.Context, q querier, id string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT name, kind, sha256, size, content_type, created_at, store_key FROM port_documents WHERE port_id = ? ORDER BY created_at, name`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var created int64
		if err := rows.Scan(&d.Name, &d.Kind, &d.SHA256, &d.Size, &d.ContentType, &created, &d.Key); err != nil {
			return nil, err
		}
		d.CreatedAt = time.Unix(0, created).UTC() // nanoseconds: the record's own precision
		out = append(out, d)
	}
	return out, rows.Err()
}

// Create inserts a new port with its rows; ErrExists if the id is taken.
func (db *DB) Create(ctx context.Context, p *Port) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.insert(ctx, tx, p) })
}

func (db *DB) insert(ctx context.Context, tx *sql.Tx, p *Port) error {
	if p.ID == "" || p.Status == "" {
		return callerError{errors.New("portdb: a port needs an id and a status")}
	}
	p.version = 1
	_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO ports (id, status, status_since, owner, created_at, updated_at, carrier, account_number, version, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		p.ID, p.Status, micros(p.StatusSince), p.Owner, micros(p.CreatedAt), micros(p.UpdatedAt), Fold(p.Carrier), p.AccountNumber, p.version, string(p.Body))
	if err != nil {
		return err
	}
	if err := db.writeIndex(ctx, tx, p, nil); err != nil {
		return err
	}
	if err := db.appendEvents(ctx, tx, p.ID, p.Events, 0); err != nil {
		return err
	}
	p.loaded = len(p.Events)
	return db.writeDocuments(ctx, tx, p.ID, p.Documents, nil)
}

// Update locks the port's row, gives the port to fn and writes back what fn changed,
// all in one transaction: a concurrent update of the same port (in this process or
// another instance) waits for this one and then sees its result. An error from fn
// rolls everything back and is returned as it is.
func (db *DB) Update(ctx context.Context, id string, fn func(p *Port) error) (*Port, error) {
	var out *Port
	err := db.tx(ctx, func(tx *sql.Tx) error {
		p, err := db.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := *p
		before.Numbers, before.Names, before.Flags = nil, nil, nil
		if before.Numbers, before.Names, before.Flags, err = db.index(ctx, tx, id); err != nil {
			return err
		}
		p.Numbers, p.Names, p.Flags = slices.Clone(before.Numbers), slices.Clone(before.Names), slices.Clone(before.Flags)
		docs := slices.Clone(p.Documents)
		if err := fn(p); err != nil {
			return callerError{err}
		}
		if p.ID != id || len(p.Events) < p.loaded {
			return callerError{fmt.Errorf("portdb: port %s: an update may not change the id or drop timeline entries", id)}
		}
		p.version++
		_, err = tx.ExecContext(ctx, db.rebind(`UPDATE ports SET status = ?, status_since = ?, owner = ?, updated_at = ?, carrier = ?, account_number = ?, version = ?, body = ? WHERE id = ?`),
			p.Status, micros(p.StatusSince), p.Owner, micros(p.UpdatedAt), Fold(p.Carrier), p.AccountNumber, p.version, string(p.Body), id)
		if err != nil {
			return err
		}
		if err := db.writeIndex(ctx, tx, p, &before); err != nil {
			return err
		}
		if err := db.appendEvents(ctx, tx, id, p.Events[p.loaded:], p.loaded); err != nil {
			return err
		}
		p.loaded = len(p.Events)
		if err := db.writeDocuments(ctx, tx, id, p.Documents, docs); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// index reads a port's numbers, names and flags.
func (db *DB) index(ctx context.Context, q querier, id string) (numbers, names, flags []string, err error) {
	for _, t := range []struct {
		query string
		into  *[]string
	}{
		{`SELECT e164 FROM port_numbers WHERE port_id = ? ORDER BY e164`, &numbers},
		{`SELECT fold FROM port_names WHERE port_id = ? ORDER BY fold`, &names},
		{`SELECT code FROM port_flags WHERE port_id = ? ORDER BY code`, &flags},
	} {
		rows, err := q.QueryContext(ctx, db.rebind(t.query), id)
		if err != nil {
			return nil, nil, nil, err
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, nil, nil, err
			}
			*t.into = append(*t.into, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, nil, err
		}
	}
	return numbers, names, flags, nil
}

// writeIndex rewrites the numbers, names and flags rows that changed. The flags rows
// carry the port's status, so they are rewritten when the status moves too.
func (db *DB) writeIndex(ctx context.Context, tx *sql.Tx, p *Port, before *Port) error {
	numbers, names, flags := uniq(p.Numbers, nil), uniq(p.Names, Fold), uniq(p.Flags, nil)
	var oldNumbers, oldNames, oldFlags []string
	statusMoved := true
	if before != nil {
		oldNumbers, oldNames, oldFlags = before.Numbers, before.Names, before.Flags
		statusMoved = before.Status != p.Status || !before.StatusSince.Equal(p.StatusSince)
	}
	for _, t := range []struct {
		table, column string
		old, new      []string
		always        bool
	}{
		{"port_numbers", "e164", oldNumbers, numbers, false},
		{"port_names", "fold", oldNames, names, false},
		{"port_flags", "code", oldFlags, flags, statusMoved},
	} {
		if before != nil && !t.always && slices.Equal(t.old, t.new) {
			continue
		}
		if before != nil {
			if _, err := tx.ExecContext(ctx, db.rebind(`DELETE FROM `+t.table+` WHERE port_id = ?`), p.ID); err != nil {
				return err
			}
		}
		for _, v := range t.new {
			var err error
			if t.table == "port_flags" {
				_, err = tx.ExecContext(ctx, db.rebind(`INSERT INTO port_flags (port_id, code, status, status_since) VALUES (?, ?, ?, ?)`),
					p.ID, v, p.Status, micros(p.StatusSince))
			} else {
				_, err = tx.ExecContext(ctx, db.rebind(`INSERT INTO `+t.table+` (port_id, `+t.column+`) VALUES (?, ?)`), p.ID, v)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// uniq returns the sorted distinct non-empty values, mapped by f first.
func uniq(vs []string, f func(string) string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if f != nil {
			v = f(v)
		}
		if v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (db *DB) appendEvents(ctx context.Context, tx *sql.Tx, id string, evs []Event, seq int) error {
	for i, e := range evs {
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO port_events (port_id, seq, id, at, type, actor, visibility, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			id, seq+i, e.ID, micros(e.At), e.Type, e.Actor, e.Visibility, string(e.Body))
		if err != nil {
			return err
		}
	}
	return nil
}

// writeDocuments inserts new documents and updates changed ones (a name is a port's
// own; the record never removes one).
func (db *DB) writeDocuments(ctx context.Context, tx *sql.Tx, id string, docs, before []Document) error {
	for _, d := range docs {
		if slices.Contains(before, d) {
			continue
		}
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO port_documents (port_id, name, kind, sha256, size, content_type, created_at, store_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (port_id, name) DO UPDATE SET kind = excluded.kind, sha256 = excluded.sha256, size = excluded.size,
				content_type = excluded.content_type, created_at = excluded.created_at, store_key = excluded.store_key`),
			id, d.Name, d.Kind, d.SHA256, d.Size, d.ContentType, d.CreatedAt.UnixNano(), d.Key)
		if err != nil {
			return err
		}
	}
	return nil
}
