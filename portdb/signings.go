package portdb

import (
	"context"
	"database/sql"
)

// Signing is a signing link's record, keyed by its token's SHA-256; Body is the
// server's JSON. Version is the compare-and-swap handle: PutSigning with the version
// read succeeds only if nobody wrote in between.
type Signing struct {
	TokenSHA256 string
	PortID      string
	Body        []byte
	Version     int64
}

// GetSigning reads a signing; ErrNotFound if none has that hash.
func (db *DB) GetSigning(ctx context.Context, tokenSHA256 string) (*Signing, error) {
	s := &Signing{TokenSHA256: tokenSHA256}
	var body string
	err := db.sql.QueryRowContext(ctx, db.rebind(`SELECT port_id, version, body FROM signings WHERE token_sha256 = ?`), tokenSHA256).
		Scan(&s.PortID, &s.Version, &body)
	if err != nil {
		return nil, db.classify(err)
	}
	s.Body = []byte(body)
	return s, nil
}

// Version conditions for PutSigning.
const (
	AnyVersion int64 = -1 // write whatever is there
	NoVersion  int64 = 0  // create: ErrExists if the hash is taken
)

// PutSigning writes s if the stored version is ifVersion (NoVersion: none is stored;
// AnyVersion: unconditionally). It returns the new version, or ErrConflict when
// another writer got there first.
func (db *DB) PutSigning(ctx context.Context, s *Signing, ifVersion int64) (int64, error) {
	var version int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		switch ifVersion {
		case NoVersion:
			version = 1
			_, err = tx.ExecContext(ctx, db.rebind(`INSERT INTO signings (token_sha256, port_id, version, body) VALUES (?, ?, 1, ?)`),
				s.TokenSHA256, s.PortID, string(s.Body))
			return err
		case AnyVersion:
			err = tx.QueryRowContext(ctx, db.rebind(`INSERT INTO signings (token_sha256, port_id, version, body) VALUES (?, ?, 1, ?)
				ON CONFLICT (token_sha256) DO UPDATE SET version = signings.version + 1, body = excluded.body, port_id = excluded.port_id
				RETURNING version`), s.TokenSHA256, s.PortID, string(s.Body)).Scan(&version)
			return err
		default:
			version = ifVersion + 1
			res, err = tx.ExecContext(ctx, db.rebind(`UPDATE signings SET version = ?, body = ?, port_id = ? WHERE token_sha256 = ? AND version = ?`),
				version, string(s.Body), s.PortID, s.TokenSHA256, ifVersion)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrConflict
			}
			return nil
		}
	})
	if err != nil {
		return 0, err
	}
	s.Version = version
	return version, nil
}
