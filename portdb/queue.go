package portdb

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Query selects ports for the reviewers' queue. Zero fields do not filter.
type Query struct {
	Status    string    // one status; "" is every status
	Flag      string    // a flag code of the latest check
	Carrier   string    // compared folded
	OlderThan time.Time // only ports in their status since at least this instant
	Owner     string    // only this owner's ports; "" sees all
	Number    string    // E.164, exact
	Account   string    // account number, exact
	Name      string    // business or customer name: case- and accent-insensitive prefix
	// NumberOrAccount makes Number and Account one search: a port matches if either
	// does (a search box's digits may be a phone number or an account number).
	NumberOrAccount bool
	Limit           int    // rows per page; 0 is DefaultLimit, more than MaxLimit is cut
	Cursor          string // from the previous page's Page.Next
}

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// ErrBadCursor is a cursor this package did not make.
var ErrBadCursor = errors.New("portdb: cursor is not one this service returned")

// Item is a row of the queue: the port's columns and its Body, without the timeline.
type Item struct {
	ID          string
	Status      string
	StatusSince time.Time
	Body        []byte
}

// Page is one page of the queue, oldest in its status first; Next is empty on the last.
type Page struct {
	Items []Item
	Next  string
}

// List returns one page, in (status_since, id) order, continuing after q.Cursor
// (keyset pagination: a page costs the same however deep it is).
func (db *DB) List(ctx context.Context, q Query) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	where, args, err := db.where(q, true)
	if err != nil {
		return Page{}, err
	}
	query := `SELECT p.id, p.status, p.status_since, p.body FROM ports p` + where +
		` ORDER BY p.status_since, p.id LIMIT ` + strconv.Itoa(limit+1)
	rows, err := db.sql.QueryContext(ctx, db.rebind(query), args...)
	if err != nil {
		return Page{}, db.classify(err)
	}
	defer rows.Close()
	var page Page
	var sinces []int64
	for rows.Next() {
		var it Item
		var since int64
		var body string
		if err := rows.Scan(&it.ID, &it.Status, &since, &body); err != nil {
			return Page{}, db.classify(err)
		}
		it.StatusSince, it.Body = fromMicros(since), []byte(body)
		page.Items = append(page.Items, it)
		sinces = append(sinces, since)
	}
	if err := rows.Err(); err != nil {
		return Page{}, db.classify(err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = encodeCursor(sinces[limit-1], last.ID)
	}
	return page, nil
}

// FlagCounts counts, per flag code, the ports that q selects when its Flag is ignored:
// the numbers on the queue's filter chips.
func (db *DB) FlagCounts(ctx context.Context, q Query) (map[string]int, error) {
	q.Flag, q.Cursor = "", ""
	var query string
	var args []any
	if q.Carrier == "" && q.Owner == "" && q.Number == "" && q.Account == "" && q.Name == "" {
		// Status and age are copied onto the flag rows: one index range, no join.
		query = `SELECT f.code, COUNT(*) FROM port_flags f WHERE 1 = 1`
		if q.Status != "" {
			query += ` AND f.status = ?`
			args = append(args, q.Status)
		}
		if !q.OlderThan.IsZero() {
			query += ` AND f.status_since <= ?`
			args = append(args, micros(q.OlderThan))
		}
	} else {
		where, wargs, err := db.where(q, false)
		if err != nil {
			return nil, err
		}
		query = `SELECT f.code, COUNT(*) FROM ports p JOIN port_flags f ON f.port_id = p.id` + where
		args = wargs
	}
	rows, err := db.sql.QueryContext(ctx, db.rebind(query+` GROUP BY f.code`), args...)
	if err != nil {
		return nil, db.classify(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, db.classify(err)
		}
		out[code] = n
	}
	return out, db.classify(rows.Err())
}

// where builds the WHERE clause of q over ports p.
func (db *DB) where(q Query, withCursor bool) (string, []any, error) {
	var conds []string
	var args []any
	add := func(cond string, vs ...any) { conds = append(conds, cond); args = append(args, vs...) }
	if q.Status != "" {
		add(`p.status = ?`, q.Status)
	}
	if q.Owner != "" {
		add(`p.owner = ?`, q.Owner)
	}
	if q.Carrier != "" {
		add(`p.carrier = ?`, Fold(q.Carrier))
	}
	if !q.OlderThan.IsZero() {
		add(`p.status_since <= ?`, micros(q.OlderThan))
	}
	const byNumber = `p.id IN (SELECT port_id FROM port_numbers WHERE e164 = ?)`
	switch {
	case q.NumberOrAccount && q.Number != "" && q.Account != "":
		add(`(p.account_number = ? OR `+byNumber+`)`, q.Account, q.Number)
	default:
		if q.Account != "" {
			add(`p.account_number = ?`, q.Account)
		}
		if q.Number != "" {
			add(byNumber, q.Number)
		}
	}
	if q.Flag != "" {
		// EXISTS, not IN: walking the queue's index in order and probing each port's
		// flags stops at the page's end; IN would first collect every port with it.
		add(`EXISTS (SELECT 1 FROM port_flags f2 WHERE f2.port_id = p.id AND f2.code = ?)`, q.Flag)
	}
	if name := Fold(q.Name); q.Name != "" && name == "" {
		add(`1 = 0`) // only punctuation: no name has that prefix
	} else if name != "" {
		// A byte range, not LIKE: it uses the index on both engines and needs no
		// escaping of % and _. U+10FFFF sorts after every character a name holds.
		add(`p.id IN (SELECT port_id FROM port_names WHERE fold >= ? AND fold < ?)`, name, name+"\U0010FFFF")
	}
	if withCursor && q.Cursor != "" {
		since, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return "", nil, err
		}
		add(`(p.status_since > ? OR (p.status_since = ? AND p.id > ?))`, since, since, id)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

var cursorPattern = regexp.MustCompile(`^(-?[0-9]{1,19})\.([a-z2-7]{1,64})$`)

func encodeCursor(since int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%s", since, id)))
}

func decodeCursor(c string) (int64, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	m := cursorPattern.FindStringSubmatch(string(raw))
	if m == nil {
		return 0, "", ErrBadCursor
	}
	since, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	return since, m[2], nil
}

// Fold is how names and carriers are compared: accents dropped (Núñez → nunez),
// lower case, every run of anything but letters and digits one space (AT&T → at t).
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(folded) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}
