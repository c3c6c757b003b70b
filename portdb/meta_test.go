package portdb

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestSetMetaOnce: the first value written stays, whoever writes after it (also at
// the same time, from another connection) gets it back.
func TestSetMetaOnce(t *testing.T) {
	engines(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if got, err := db.SetMetaOnce(ctx, "k", "first"); err != nil || got != "first" {
			t.Fatalf("first write: %q, %v; want first", got, err)
		}
		if got, err := db.SetMetaOnce(ctx, "k", "second"); err != nil || got != "first" {
			t.Fatalf("second write: %q, %v; want first kept", got, err)
		}
		if v, ok, err := db.Meta(ctx, "k"); err != nil || !ok || v != "first" {
			t.Fatalf("Meta: %q %v %v; want first", v, ok, err)
		}
		const n = 8
		results := make(chan string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := db.SetMetaOnce(ctx, "race", fmt.Sprint(i))
				if err != nil {
					t.Error(err)
				}
				results <- got
			}()
		}
		wg.Wait()
		close(results)
		seen := map[string]bool{}
		for r := range results {
			seen[r] = true
		}
		if len(seen) != 1 {
			t.Errorf("concurrent writers got %v; want one value for all", seen)
		}
	})
}
