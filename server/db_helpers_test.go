package server

import (
	"context"
	"testing"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/portdb"
)

// testDB opens a fresh store of record: an SQLite file of the test's own, or a new
// database on the package's shared PostgreSQL server.
func testDB(t testing.TB, kind portdb.Kind) *portdb.DB {
	t.Helper()
	dsn := ""
	if kind == portdb.Postgres {
		dsn = testenv.PostgresDatabase(t)
	}
	db, err := portdb.Open(context.Background(), dsn, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
