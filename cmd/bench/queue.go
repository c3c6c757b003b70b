package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// queuePhase measures the store of record under concurrent clients: first it creates
// -queue-seed ports (POST /v1/ports, the create rate), then for -d it mixes the
// reviewers' queue's first page (GET /v1/reviews, with its flag counts), searches by
// a phone number, notes on existing ports (a row-locked update) and more creates.
// The key must be an admin's (-serve makes one) for the queue's requests.
func (b *bench) queuePhase(ctx context.Context) error {
	var (
		mu  sync.Mutex
		ids []string
	)
	create := func(r *rand.Rand) result {
		d := b.files.text[r.IntN(len(b.files.text))]
		res, data := b.client.do(ctx, "create", http.MethodPost, "/v1/ports", "application/json", d.request, true)
		var out struct{ ID string }
		if res.status == http.StatusCreated && json.Unmarshal(data, &out) == nil {
			mu.Lock()
			ids = append(ids, out.ID)
			mu.Unlock()
		}
		return res
	}
	rngs := make([]*rand.Rand, b.cfg.clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 7))
	}
	seed, seedWall := drive(ctx.Done(), b.cfg.clients, b.cfg.queueSeed, 10*b.cfg.duration, func(w, _ int) []result {
		return []result{create(rngs[w])}
	})
	fmt.Fprintf(b.out, "## Store of record: %d ports created by %d concurrent clients, %v\n\n", len(seed), b.cfg.clients, seedWall.Round(time.Millisecond))
	writeRows(b.out, summarize(seed, seedWall), false)
	if len(ids) == 0 {
		return fmt.Errorf("no port was created; see the create row above")
	}
	numbers := b.requestNumbers()
	var rs []result
	var wall time.Duration
	peak, how := b.measure(func() {
		rs, wall = drive(ctx.Done(), b.cfg.clients, b.cfg.count, b.cfg.duration, func(w, _ int) []result {
			r := rngs[w]
			switch n := r.IntN(10); {
			case n < 4:
				res, _ := b.client.do(ctx, "queue", http.MethodGet, "/v1/reviews?status=all&limit=20", "", nil, true)
				return []result{res}
			case n < 6 && len(numbers) > 0:
				q := url.Values{"status": {"all"}, "limit": {"20"}, "number": {numbers[r.IntN(len(numbers))]}}
				res, _ := b.client.do(ctx, "search", http.MethodGet, "/v1/reviews?"+q.Encode(), "", nil, true)
				return []result{res}
			case n < 8:
				mu.Lock()
				id := ids[r.IntN(len(ids))]
				mu.Unlock()
				res, _ := b.client.do(ctx, "note", http.MethodPost, "/v1/ports/"+id+"/notes", "application/json",
					[]byte(`{"message":"bench note","visibility":"customer"}`), true)
				return []result{res}
			}
			return []result{create(r)}
		})
	})
	fmt.Fprintf(b.out, "## Store of record: queue, search, notes and creates (%d ports at the end), %d concurrent clients, %v\n\n", len(ids), b.cfg.clients, wall.Round(time.Millisecond))
	fmt.Fprintln(b.out, "`queue` is the reviewers' first page with its flag counts; `search` a search by phone number; `note` a row-locked update of a port.")
	fmt.Fprintln(b.out)
	writeRows(b.out, summarize(rs, wall), false)
	fmt.Fprintf(b.out, "Server peak RSS in this phase: %s (%s)\n\n", mb(peak), how)
	return nil
}

// requestNumbers are the phone numbers of the fixtures' requests: what the queue's
// searches look for.
func (b *bench) requestNumbers() []string {
	var out []string
	for _, d := range b.files.text {
		var req struct{ Numbers []struct{ Number string } }
		if json.Unmarshal(d.request, &req) != nil {
			continue
		}
		for _, n := range req.Numbers {
			out = append(out, n.Number)
		}
	}
	return out
}
