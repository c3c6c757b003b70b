package portdb

import (
	"context"
	"database/sql"
	"errors"
)

// Meta reads a value the service keeps about itself (for example that the legacy
// records were imported); ok is false when it was never set.
func (db *DB) Meta(ctx context.Context, key string) (value string, ok bool, err error) {
	err = db.sql.QueryRowContext(ctx, db.rebind(`SELECT value FROM meta WHERE key = ?`), key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, db.classify(err)
	}
	return value, true, nil
}

// SetMeta writes a value the service keeps about itself.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`), key, value)
		return err
	})
}

// SetMetaOnce writes value under key unless the key holds one already, and returns
// what the key holds afterwards: value, or what an earlier (or a concurrent) writer
// put there first. Two instances starting at once on one database agree on one value.
func (db *DB) SetMetaOnce(ctx context.Context, key, value string) (stored string, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.rebind(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`), key, value); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, db.rebind(`SELECT value FROM meta WHERE key = ?`), key).Scan(&stored)
	})
	return stored, err
}
