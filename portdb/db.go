// Package portdb is the store of record for ports: one row per port with the columns
// the reviewers' queue filters on, a row per number, name, flag, timeline entry,
// document and signing, in SQLite (embedded, the default) or PostgreSQL (several
// instances). Documents' bytes stay in object storage; their keys and SHA-256 are here.
//
// Every change to a port is a transaction that locks its row: two instances on one
// PostgreSQL never lose an update, and a transition is recorded exactly once.
package portdb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors a caller can tell apart. Anything that means "the database did not answer"
// wraps ErrUnavailable, so the service answers 503 with Retry-After, never 500.
var (
	ErrUnavailable = errors.New("portdb: database unavailable")
	ErrNotFound    = errors.New("portdb: not found")
	ErrExists      = errors.New("portdb: already exists")
	ErrConflict    = errors.New("portdb: changed meanwhile")
)

// Kind names a database engine.
type Kind string

// The engines portdb runs on.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// DB is an open store of record.
type DB struct {
	sql  *sql.DB
	kind Kind
	// writeMu serialises SQLite's write transactions inside this process: SQLite has
	// one writer, and queuing here is cheaper and fairer than its busy-wait polling.
	// PostgreSQL transactions run concurrently and lock rows instead.
	writeMu sync.Mutex
}

//go:embed migrations
var migrations embed.FS

// Open connects to the database named by dsn and brings its schema up to date.
//
//	""                         SQLite file portdocs.db in dataDir
//	sqlite:///abs/path.db      SQLite file at that path
//	postgres://… postgresql://… PostgreSQL (pgx)
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	db, err := open(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.sql.Close()
		return nil, err
	}
	return db, nil
}

func open(dsn, dataDir string) (*DB, error) {
	switch {
	case dsn == "" || strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			if dataDir == "" {
				return nil, errors.New("portdb: no database: set PORTDOCS_DATABASE_URL or a data folder for the SQLite file")
			}
			if err := os.MkdirAll(dataDir, 0o750); err != nil {
				return nil, fmt.Errorf("portdb: data folder: %w", err)
			}
			path = filepath.Join(dataDir, "portdocs.db")
		}
		return openSQLite(path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		if _, err := pgconn.ParseConfig(dsn); err != nil {
			// The parse error quotes the URL, password included: name the problem only.
			return nil, errors.New("portdb: PORTDOCS_DATABASE_URL is not a valid postgres:// URL")
		}
		s, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("portdb: %w", err)
		}
		s.SetMaxOpenConns(16)
		s.SetMaxIdleConns(16)
		s.SetConnMaxIdleTime(5 * time.Minute)
		return &DB{sql: s, kind: Postgres}, nil
	default:
		return nil, errors.New("portdb: PORTDOCS_DATABASE_URL must start with postgres://, postgresql:// or sqlite://")
	}
}

func openSQLite(path string) (*DB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE: a write transaction takes the write lock when it starts, so two
	// processes on one file wait for each other instead of failing on upgrade.
	q.Set("_txlock", "immediate")
	s, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("portdb: %w", err)
	}
	s.SetMaxOpenConns(8)
	s.SetMaxIdleConns(8)
	return &DB{sql: s, kind: SQLite}, nil
}

// Kind says which engine this is.
func (db *DB) Kind() Kind { return db.kind }

// Close closes the connections.
func (db *DB) Close() error { return db.sql.Close() }

// Ping checks that the database answers (readiness).
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.classify(db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// migrate applies the embedded migrations not yet recorded in schema_migrations, all
// in one transaction; on PostgreSQL an advisory lock keeps two instances starting at
// once from racing.
func (db *DB) migrate(ctx context.Context) error {
	dir := "migrations/" + string(db.kind)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return db.tx(ctx, func(tx *sql.Tx) error {
		if db.kind == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7243516)"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return err
		}
		latest := 0
		for _, e := range entries {
			v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
			if err != nil {
				return fmt.Errorf("portdb: migration %s: name must start with its number", e.Name())
			}
			latest = max(latest, v)
			if v <= have {
				continue
			}
			body, err := migrations.ReadFile(dir + "/" + e.Name())
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("portdb: migration %s: %w", e.Name(), err)
			}
			if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, micros(time.Now())); err != nil {
				return err
			}
		}
		if have > latest {
			return fmt.Errorf("portdb: the database's schema is version %d, newer than this portdocs (%d); run the newer portdocs", have, latest)
		}
		return nil
	})
}

// tx runs fn in a transaction and commits it, or rolls back on any error.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if db.kind == SQLite {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return db.classify(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return db.classify(err)
	}
	return db.classify(tx.Commit())
}

// rebind turns ? placeholders into PostgreSQL's $n. Queries here never hold a literal
// question mark.
func (db *DB) rebind(q string) string {
	if db.kind != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// callerError carries an error returned by a caller's function through a transaction
// untouched: it is the caller's verdict, not the database's.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }
func (e callerError) Unwrap() error { return e.err }

// classify maps a driver error onto the package's errors. Errors that are not the
// database's (a caller's own, our sentinels) pass through unchanged.
func (db *DB) classify(err error) error {
	var ce callerError
	if errors.As(err, &ce) {
		return ce.err
	}
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, ErrConflict) ||
		errors.Is(err, ErrUnavailable) || errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			if se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
				return fmt.Errorf("%w: %w", ErrExists, err)
			}
			return err
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PROTOCOL:
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return fmt.Errorf("%w: %w", ErrExists, err)
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "57"),
			pe.Code == "40001", pe.Code == "40P01", pe.Code == "25006":
			// connection, resources, shutdown or cancel, serialisation and deadlock,
			// a read-only standby: all retryable by the client.
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	if db.kind == Postgres {
		// Not a server error: the connection itself failed (refused, reset, closed
		// while the server restarted, bad credentials never reached a query).
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }
