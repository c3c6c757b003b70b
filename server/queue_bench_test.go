package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/port"
	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

// BenchmarkQueue measures the reviewers' queue at scale: the first page of the queue
// (GET /v1/reviews, with its flag counts), a search by phone number, a status change
// (in_review → approved, row-locked) and port creation (POST /v1/ports, 8 clients), on
// SQLite and on PostgreSQL (fsync on), side by side in the same run with the listing
// before the database: every ports/ID/port.json read from the local folder, filtered
// and sorted (copied below from the code it replaced). The store holds
// PORTDOCS_BENCH_PORTS ports (default 100,000; 2,000 with -short), three numbers each.
// Each operation reports its p50 and p99; seeding runs once per engine and logs its
// rate. Run it alone (it takes minutes):
//
//	go test -run '^$' -bench Queue -benchtime 3s -v ./server/
func BenchmarkQueue(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 2_000
	}
	if v := os.Getenv("PORTDOCS_BENCH_PORTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 100 {
			b.Fatalf("PORTDOCS_BENCH_PORTS=%q: want a number ≥ 100", v)
		}
	}
	recs := benchRecords(n)
	for _, engine := range []string{"folder-before-db", "sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			q := newQueueBench(b, engine, recs)
			b.Run("first-page", func(b *testing.B) { q.latency(b, q.firstPage) })
			b.Run("search-number", func(b *testing.B) { q.latency(b, q.searchNumber) })
			b.Run("status-change", func(b *testing.B) { q.latency(b, q.statusChange) })
			b.Run("create", q.create)
		})
	}
}

type queueBench struct {
	engine string
	env    *testEnv
	store  Store // the folder the pre-database listing reads
	recs   []*Record
	rng    *rand.Rand
	next   int // the next in_review port for a status change
	review []*Record
}

func newQueueBench(b *testing.B, engine string, recs []*Record) *queueBench {
	q := &queueBench{engine: engine, recs: recs, rng: rand.New(rand.NewPCG(1, 2))}
	for _, r := range recs {
		if r.Status == StatusInReview {
			q.review = append(q.review, r)
		}
	}
	switch engine {
	case "folder-before-db":
		local, err := storage.NewLocal(b.TempDir(), storage.LocalOptions{})
		if err != nil {
			b.Fatal(err)
		}
		q.store = local
	case "sqlite":
		q.env = newTestEnv(b, nil)
	case "postgres":
		srv := testenv.StartPostgresDurable(b)
		db, err := portdb.Open(context.Background(), srv.CreateDatabase(b, "bench"), "")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		q.env = newTestEnv(b, func(c *Config) { c.DB = db })
	}
	start := time.Now()
	err := parallel(8, len(recs), func(i int) error {
		r := *recs[i]
		if q.store != nil {
			return legacyPut(context.Background(), q.store, &r, storage.PutOptions{IfNoneMatch: "*"})
		}
		return q.env.srv.records.create(context.Background(), &r)
	})
	if err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.Logf("%s: seeded %d ports in %v (%.0f ports/s, 8 writers)", engine, len(recs), el.Round(time.Millisecond), float64(len(recs))/el.Seconds())
	return q
}

// latency runs op b.N times and reports the p50 and p99 of one call.
func (q *queueBench) latency(b *testing.B, op func(b *testing.B)) {
	ds := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		op(b)
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
}

func (q *queueBench) get(b *testing.B, target string) {
	rec := q.env.do(http.MethodGet, target, reviewerKey, "", nil)
	var out struct{ Reviews []reviewItem }
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Reviews) == 0 {
		b.Fatalf("GET %s: %d, %d rows", target, rec.Code, len(out.Reviews))
	}
}

func (q *queueBench) firstPage(b *testing.B) {
	if q.store != nil {
		items, err := legacyQueue(context.Background(), q.store, StatusInReview, func(*Record) bool { return true })
		if err != nil || len(items) == 0 {
			b.Fatalf("legacy queue: %d items, %v", len(items), err)
		}
		return
	}
	q.get(b, "/v1/reviews?limit=20")
}

func (q *queueBench) searchNumber(b *testing.B) {
	r := q.recs[q.rng.IntN(len(q.recs))]
	number := r.Request.Numbers[q.rng.IntN(len(r.Request.Numbers))].Number
	if q.store != nil {
		// Before the database there was no search: the nearest equivalent read every
		// record and kept those porting the number.
		items, err := legacyQueue(context.Background(), q.store, "all", func(r *Record) bool {
			return slices.ContainsFunc(r.Request.Numbers, func(n port.Number) bool { return n.Number == number })
		})
		if err != nil || len(items) == 0 {
			b.Fatalf("legacy search: %d items, %v", len(items), err)
		}
		return
	}
	q.get(b, "/v1/reviews?status=all&limit=20&number="+strings.TrimPrefix(number, "+"))
}

func (q *queueBench) statusChange(b *testing.B) {
	if q.next >= len(q.review) {
		b.Fatalf("ran out of in_review ports (%d); use a shorter -benchtime or more ports", len(q.review))
	}
	id := q.review[q.next].ID
	q.next++
	approve := func(r *Record) error {
		_, err := r.move(StatusApproved, "reviewer:bench", "benchmark", time.Now().UTC())
		return err
	}
	if q.store != nil {
		if err := legacyUpdate(context.Background(), q.store, id, approve); err != nil {
			b.Fatal(err)
		}
		return
	}
	if _, err := q.env.srv.records.update(context.Background(), id, approve); err != nil {
		b.Fatal(err)
	}
}

// create makes b.N new ports from 8 clients at once and reports ports per second.
func (q *queueBench) create(b *testing.B) {
	var seq sync.Mutex
	n := 0
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			seq.Lock()
			n++
			i := n
			seq.Unlock()
			if q.store != nil {
				r := *q.recs[i%len(q.recs)]
				r.ID = newID(12)
				if err := legacyPut(context.Background(), q.store, &r, storage.PutOptions{IfNoneMatch: "*"}); err != nil {
					b.Error(err)
				}
				continue
			}
			req := httptest.NewRequest(http.MethodPost, "/v1/ports", strings.NewReader(validRequest))
			req.Header.Set("Authorization", "Bearer "+wizardKey)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			q.env.srv.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Errorf("create: %d %s", rec.Code, rec.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ports/s")
}

// benchRecords makes n port records as the service writes them: three numbers each, a
// few timeline entries and documents, 30% in review with flags, spread over 90 days.
func benchRecords(n int) []*Record {
	rng := rand.New(rand.NewPCG(7, 11))
	carriers := []string{"AT&T", "Verizon", "Comcast Business", "Spectrum", "T-Mobile", "Frontier", "CenturyLink", "Cox", "Windstream", "Lumen"}
	names := []string{"Acme Plumbing", "Núñez Dental", "Blue Ridge Realty", "Café Lumière", "Harbor Freight Law", "Summit Roofing", "O'Brien & Sons", "Peña Logistics"}
	flags := []string{"ACCOUNT_NUMBER_MISMATCH", "PIN_MISSING", "NAME_MISMATCH", "ADDRESS_MISMATCH", "NUMBER_NOT_ON_BILL"}
	statuses := []Status{StatusDraft, StatusAwaitingSignature, StatusSigned, StatusInReview, StatusInReview, StatusInReview, StatusApproved, StatusApproved, StatusRejected, StatusCancelled}
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*Record, n)
	for i := range out {
		created := base.Add(time.Duration(rng.Int64N(int64(90 * 24 * time.Hour))))
		st := statuses[rng.IntN(len(statuses))]
		r := &Record{
			ID: benchID(i), Status: st, StatusSince: created.Add(time.Hour), CreatedAt: created, UpdatedAt: created.Add(time.Hour),
			CreatedBy: "wizard:bench", Owner: "wizard:bench", PINSealed: strings.Repeat("x", 60), SubmitterEmail: "ops@example.com",
			Request: port.Request{CarrierName: carriers[rng.IntN(len(carriers))], Customer: port.Customer{
				FirstName: "Jane", LastName: "Doe", BusinessName: fmt.Sprintf("%s %d LLC", names[rng.IntN(len(names))], i),
				AccountNumber: fmt.Sprintf("%012d", 100000000000+i), AccountPIN: "****"},
				BillingAddress: port.Address{Street: fmt.Sprintf("%d North Main Street", 100+i%9000), City: "Baltimore", State: "MD", ZIP: "21201"},
				Signer:         port.Signer{FullName: "Jane Q Doe", Email: "jane@example.com"}},
		}
		// Fiction numbers only (NPA-555-0100..0199): 30,000 of them across 300 area
		// codes, so each is ported by about ten of the 100,000 ports.
		for k := range 3 {
			j := i*3 + k
			r.Request.Numbers = append(r.Request.Numbers, port.Number{
				Number: fmt.Sprintf("+1%s555%04d", benchNPAs[j/100%len(benchNPAs)], 100+j%100), TrackingSource: "Google Ads"})
		}
		r.Timeline = []Event{{ID: "e1", At: created, Actor: "wizard:bench", Type: EventCreated, Visibility: VisibilityCustomer, To: StatusDraft, Message: "port request created for 3 number(s)"}}
		if st != StatusDraft {
			r.Timeline = append(r.Timeline,
				Event{ID: "e2", At: created.Add(time.Minute), Actor: "wizard:bench", Type: EventLOASent, Visibility: VisibilityCustomer, Message: "LOA sent"},
				Event{ID: "e3", At: created.Add(time.Hour), Actor: "system", Type: EventStatusChanged, Visibility: VisibilityCustomer, From: StatusDraft, To: st, Message: "status changed"})
			r.Documents = []storedDoc{{Document: Document{Name: "loa.pdf", Kind: KindLOA, SHA256: strings.Repeat("ab", 32), Size: 48_000, ContentType: "application/pdf", CreatedAt: created},
				StoreKey: "ports/" + r.ID + "/loa.pdf"}}
		}
		if st == StatusInReview {
			r.FlagCodes = []string{flags[rng.IntN(len(flags))]}
			if rng.IntN(3) == 0 {
				r.FlagCodes = append(r.FlagCodes, flags[rng.IntN(len(flags))])
			}
			r.LatestCheck, r.Verdict = "check-1.json", "review"
		}
		out[i] = r
	}
	return out
}

// benchNPAs are area codes in service, for numbers libphonenumber takes as valid.
var benchNPAs = strings.Fields(`201 202 203 205 206 207 208 209 210 212 213 214 215 216 217 218 219 224 225 228
229 231 234 239 240 248 251 252 253 254 256 260 262 267 269 270 276 281 301 302 303 304 305 307 308 309 310 312 313
314 315 316 317 318 319 320 321 323 330 331 334 336 337 339 347 351 352 360 361 385 386 401 402 404 405 406 407 408
409 410 412 413 414 415 417 419 423 424 425 430 432 434 435 440 442 443 469 470 475 478 479 480 484 501 502 503 504
505 507 508 509 510 512 513 515 516 517 518 520 530 540 541 551 559 561 562 563 567 570 571 573 574 575 580 585 586
601 602 603 605 606 607 608 609 610 612 614 615 616 617 618 619 620 623 626 630 631 636 641 646 650 651 657 660 661
662 678 682 701 702 703 704 706 707 708 712 713 714 715 716 717 718 719 720 724 727 731 732 734 740 754 757 760 762
763 765 770 772 773 774 775 781 785 786 801 802 803 804 805 806 808 810 812 813 814 815 816 817 818 828 830 831 832
843 845 847 848 850 856 857 858 859 860 862 863 864 865 870 878 901 903 904 906 907 908 909 910 912 913 914 915 916
917 918 919 920 925 928 931 936 937 940 941 947 949 951 952 954 956 970 971 972 973 978 979 980 985 989`)

// benchID spells i in portIDPattern's alphabet, 16 characters.
func benchID(i int) string {
	const alpha = "abcdefghijklmnopqrstuvwxyz234567"
	var b [16]byte
	for k := len(b) - 1; k >= 0; k-- {
		b[k] = alpha[i%32]
		i /= 32
	}
	return string(b[:])
}

// parallel runs fn(0..n-1) on w goroutines and returns the first error.
func parallel(w, n int, fn func(i int) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
		err  error
	)
	for range w {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := i >= n || err != nil
				mu.Unlock()
				if stop {
					return
				}
				if e := fn(i); e != nil {
					mu.Lock()
					err = errors.Join(err, e)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return err
}

// The store of record before the database, kept here only to be measured against:
// one JSON object a port, written with If-None-Match / If-Match, and a queue that
// lists and reads every object.

func legacyPut(ctx context.Context, st Store, r *Record, opts storage.PutOptions) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	opts.ContentType = "application/json"
	_, err = st.Put(ctx, "ports/"+r.ID+"/port.json", bytes.NewReader(data), int64(len(data)), opts)
	return err
}

func legacyGet(ctx context.Context, st Store, key string) (*Record, string, error) {
	rc, info, err := st.Get(ctx, key)
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, "", err
	}
	var r Record
	return &r, info.ETag, json.Unmarshal(data, &r)
}

func legacyUpdate(ctx context.Context, st Store, id string, fn func(*Record) error) error {
	r, etag, err := legacyGet(ctx, st, "ports/"+id+"/port.json")
	if err != nil {
		return err
	}
	if err := fn(r); err != nil {
		return err
	}
	return legacyPut(ctx, st, r, storage.PutOptions{IfMatch: etag})
}

func legacyQueue(ctx context.Context, st Store, status Status, keep func(*Record) bool) ([]reviewItem, error) {
	infos, err := st.List(ctx, "ports/")
	if err != nil {
		return nil, err
	}
	items := []reviewItem{}
	for _, info := range infos {
		if !strings.HasSuffix(info.Key, "/port.json") {
			continue
		}
		r, _, err := legacyGet(ctx, st, info.Key)
		if err != nil {
			return nil, err
		}
		if status != "all" && r.Status != status || !keep(r) {
			continue
		}
		items = append(items, reviewItem{ID: r.ID, Status: r.Status, StatusSince: r.StatusSince, CarrierName: r.Request.CarrierName,
			Numbers: len(r.Request.Numbers), Verdict: r.Verdict, FlagCodes: r.FlagCodes, LatestCheck: r.LatestCheck, CreatedAt: r.CreatedAt})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].StatusSince.Before(items[j].StatusSince) })
	return items, nil
}
