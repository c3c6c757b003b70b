package portdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
)

// queueFixture: 30 ports, every third in_review with a flag, names and numbers of
// their own, one Spanish name with accents and one other owner.
func queueFixture(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	for i := range 30 {
		id := idFor(i)
		status := []string{"in_review", "approved", "awaiting_signature"}[i%3]
		p := newPort(id, status, t0.Add(time.Duration(i)*time.Minute))
		p.Numbers = []string{fmt.Sprintf("+1410555%04d", 100+i)}
		p.Names = []string{fmt.Sprintf("Business %02d", i)}
		p.AccountNumber = fmt.Sprintf("ACCT%02d", i)
		if i%3 == 0 {
			p.Flags = []string{"ACCOUNT_NUMBER_MISMATCH"}
			if i%6 == 0 {
				p.Flags = append(p.Flags, "PIN_MISMATCH")
			}
		}
		if i == 9 {
			p.Names = []string{"Peña Núñez Électricité SARL"}
			p.Carrier = "Verizon"
			p.Owner = "other"
		}
		if err := db.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
}

// idFor makes a valid port id (base32 letters) from a number.
func idFor(i int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	return fmt.Sprintf("port%c%c%s", alphabet[i/32], alphabet[i%32], "aaaaaaaaaa")
}

func ids(p Page) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.ID)
	}
	return out
}

func TestQueueFilters(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		queueFixture(t, db)
		ctx := context.Background()
		for _, tc := range []struct {
			name string
			q    Query
			want []int
		}{
			{"in review", Query{Status: "in_review"}, []int{0, 3, 6, 9, 12, 15, 18, 21, 24, 27}},
			{"flag", Query{Status: "in_review", Flag: "PIN_MISMATCH"}, []int{0, 6, 12, 18, 24}},
			{"number", Query{Number: "+14105550107"}, []int{7}},
			{"account exact", Query{Account: "ACCT07"}, []int{7}},
			{"account is not a prefix search", Query{Account: "ACCT0"}, nil},
			{"name prefix, any case", Query{Name: "business 1"}, []int{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}},
			{"name without accents", Query{Name: "pena nun"}, []int{9}},
			{"name with accents and case", Query{Name: "PEÑA NÚÑ"}, []int{9}},
			{"name that is a LIKE pattern", Query{Name: "%"}, nil},
			{"carrier folded", Query{Carrier: "verizon"}, []int{9}},
			{"owner", Query{Owner: "other"}, []int{9}},
			{"age", Query{Status: "in_review", OlderThan: t0.Add(6 * time.Minute)}, []int{0, 3, 6}},
			{"nothing", Query{Status: "rejected"}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				page, err := db.List(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, i := range tc.want {
					want = append(want, idFor(i))
				}
				if got := ids(page); !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	})
}

func TestQueuePagesAndCounts(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		queueFixture(t, db)
		ctx := context.Background()
		var all []string
		q := Query{Limit: 7}
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			page, err := db.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > 7 {
				t.Fatalf("page of %d items, limit 7", len(page.Items))
			}
			all = append(all, ids(page)...)
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		var want []string
		for i := range 30 {
			want = append(want, idFor(i)) // oldest in status first
		}
		if !slices.Equal(all, want) {
			t.Errorf("pages gave %v, want %v", all, want)
		}
		if _, err := db.List(ctx, Query{Cursor: "not-a-cursor"}); !errors.Is(err, ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
		for _, tc := range []struct {
			name string
			q    Query
			want map[string]int
		}{
			{"in review", Query{Status: "in_review"}, map[string]int{"ACCOUNT_NUMBER_MISMATCH": 10, "PIN_MISMATCH": 5}},
			{"the flag filter is ignored", Query{Status: "in_review", Flag: "PIN_MISMATCH"}, map[string]int{"ACCOUNT_NUMBER_MISMATCH": 10, "PIN_MISMATCH": 5}},
			{"old ones", Query{Status: "in_review", OlderThan: t0.Add(6 * time.Minute)}, map[string]int{"ACCOUNT_NUMBER_MISMATCH": 3, "PIN_MISMATCH": 2}},
			{"an owner's", Query{Status: "in_review", Owner: "other"}, map[string]int{"ACCOUNT_NUMBER_MISMATCH": 1}},
			{"none approved", Query{Status: "approved"}, map[string]int{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.FlagCounts(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		// A status change moves the port's flags with it.
		if _, err := db.Update(ctx, idFor(0), func(p *Port) error { p.Status = "approved"; return nil }); err != nil {
			t.Fatal(err)
		}
		got, err := db.FlagCounts(ctx, Query{Status: "approved"})
		if err != nil {
			t.Fatal(err)
		}
		if got["PIN_MISMATCH"] != 1 {
			t.Errorf("after approving a flagged port: %v", got)
		}
	})
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Acme Plumbing & Heating, LLC": "acme plumbing heating llc",
		"PEÑA NÚÑEZ":                   "pena nunez",
		"  AT&T ":                      "at t",
		"Électricité":                  "electricite",
		"":                             "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPostgresDownIsUnavailable: with the server killed every call answers
// ErrUnavailable (the service's 503); after a restart the same DB works again.
func TestPostgresDownIsUnavailable(t *testing.T) {
	srv := testenv.StartPostgres(t)
	ctx := context.Background()
	db, err := Open(ctx, srv.CreateDatabase(t, "down"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Create(ctx, newPort("aaaaaaaaaaaaaaaa", "draft", t0)); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for name, call := range map[string]func() error{
		"ping": func() error { return db.Ping(short) },
		"get":  func() error { _, err := db.Get(short, "aaaaaaaaaaaaaaaa"); return err },
		"update": func() error {
			_, err := db.Update(short, "aaaaaaaaaaaaaaaa", func(*Port) error { return nil })
			return err
		},
		"list":   func() error { _, err := db.List(short, Query{}); return err },
		"create": func() error { return db.Create(short, newPort("bbbbbbbbbbbbbbbb", "draft", t0)) },
	} {
		if err := call(); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s with the server down: %v, want ErrUnavailable", name, err)
		}
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Get(ctx, "aaaaaaaaaaaaaaaa"); err != nil {
		t.Errorf("after the restart: %v", err)
	}
}
