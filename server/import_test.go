package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/portdocs/portdocs/portdb"
	"github.com/portdocs/portdocs/storage"
)

// TestImportLegacyStore: testdata/legacy-store was written by portdocs before the
// database (records as ports/ID/port.json and signings/HASH.json in a local folder).
// Imported once, every port reads as it did then, keeps its timeline and documents,
// the live signing link still opens, and a second import copies nothing twice.
func TestImportLegacyStore(t *testing.T) {
	for _, kind := range []portdb.Kind{portdb.SQLite, portdb.Postgres} {
		t.Run(string(kind), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS("testdata/legacy-store/store")); err != nil {
				t.Fatal(err)
			}
			local, err := storage.NewLocal(dir, storage.LocalOptions{})
			if err != nil {
				t.Fatal(err)
			}
			db := testDB(t, kind)
			ports, signings, err := ImportLegacy(context.Background(), local, db, newJSONLogger(io.Discard))
			if err != nil {
				t.Fatal(err)
			}
			if ports != 5 || signings != 3 {
				t.Errorf("imported %d ports and %d signings, want 5 and 3", ports, signings)
			}
			if p, s, err := ImportLegacy(context.Background(), local, db, newJSONLogger(io.Discard)); err != nil || p+s != 0 {
				t.Errorf("second import: %d ports, %d signings, %v; want nothing", p, s, err)
			}
			e := newTestEnv(t, func(c *Config) { c.Store, c.DB = local, db })
			var ids map[string]string
			raw, err := os.ReadFile("testdata/legacy-store/ids.json")
			if err != nil {
				t.Fatal(err)
			}
			mustJSON(t, raw, &ids)
			for _, name := range []string{"draft", "awaiting", "in_review", "approved", "cancelled"} {
				id := ids[name]
				want, err := os.ReadFile(filepath.Join("testdata/legacy-store", id+".view.json"))
				if err != nil {
					t.Fatal(err)
				}
				rec := e.do(http.MethodGet, "/v1/ports/"+id, adminKey, "", nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", name, rec.Code, rec.Body)
				}
				var got, exp any
				mustJSON(t, rec.Body.Bytes(), &got)
				mustJSON(t, want, &exp)
				if g, w := canon(t, got), canon(t, exp); g != w {
					t.Errorf("%s after the import:\n got %s\nwant %s", name, g, w)
				}
				r, err := e.srv.records.get(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Timeline) == 0 {
					t.Errorf("%s: the timeline was not imported", name)
				}
				for _, d := range r.Documents {
					if _, err := e.srv.readDoc(context.Background(), r, d.Name); err != nil {
						t.Errorf("%s: document %s: %v", name, d.Name, err)
					}
				}
			}
			if rec := e.do(http.MethodGet, "/sign/"+ids["awaiting_token"], "", "", nil); rec.Code != http.StatusOK {
				t.Errorf("the imported signing link: %d", rec.Code)
			}
			if rec := e.do(http.MethodGet, "/v1/reviews", reviewerKey, "", nil); !jsonHas(t, rec.Body.Bytes(), ids["in_review"]) {
				t.Errorf("the imported in_review port is not in the queue: %s", rec.Body)
			}
		})
	}
}

func canon(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func jsonHas(t *testing.T, body []byte, id string) bool {
	var out struct {
		Reviews []reviewItem `json:"reviews"`
	}
	mustJSON(t, body, &out)
	for _, it := range out.Reviews {
		if it.ID == id {
			return true
		}
	}
	return false
}

// TestQueueSearchAndPages: the queue's search, chips and pages through the API and
// the reviewer's page.
func TestQueueSearchAndPages(t *testing.T) {
	e := newTestEnv(t, nil)
	var ids []string
	for range 3 {
		id := e.signedPort()
		if rec := e.uploadBill(id, fakeBill("999")); rec.Code >= 300 {
			t.Fatal(rec.Code, rec.Body)
		}
		ids = append(ids, id)
	}
	for _, tc := range []struct {
		query string
		want  int
		code  int
	}{
		{"", 3, 200},
		{"?q=(410)+555-0142", 3, 200},
		{"?q=287654321098", 3, 200},
		{"?q=acme+plum", 3, 200},
		{"?name=ACMÉ", 3, 200},
		{"?q=nobody", 0, 200},
		{"?number=4105550199", 0, 200},
		{"?carrier=at%26t", 3, 200},
		{"?carrier=verizon", 0, 200},
		{"?flag=ACCOUNT_NUMBER_MISMATCH", 3, 200},
		{"?number=12", 0, 400},
		{"?limit=0", 0, 400},
		{"?limit=201", 0, 400},
		{"?cursor=zzz", 0, 400},
		{"?name=%25%25", 0, 400},
	} {
		rec := e.do(http.MethodGet, "/v1/reviews"+tc.query, reviewerKey, "", nil)
		if rec.Code != tc.code {
			t.Errorf("%s: %d, want %d: %s", tc.query, rec.Code, tc.code, rec.Body)
			continue
		}
		if tc.code != 200 {
			continue
		}
		var out struct {
			Reviews    []reviewItem   `json:"reviews"`
			FlagCounts map[string]int `json:"flag_counts"`
		}
		mustJSON(t, rec.Body.Bytes(), &out)
		if len(out.Reviews) != tc.want {
			t.Errorf("%s: %d ports, want %d", tc.query, len(out.Reviews), tc.want)
		}
		if tc.query == "" && out.FlagCounts["ACCOUNT_NUMBER_MISMATCH"] != 3 {
			t.Errorf("flag counts %v", out.FlagCounts)
		}
	}
	var seen []string
	next := "/v1/reviews?limit=2"
	for next != "" {
		rec := e.do(http.MethodGet, next, reviewerKey, "", nil)
		var out struct {
			Reviews []reviewItem `json:"reviews"`
			Next    string       `json:"next_cursor"`
		}
		mustJSON(t, rec.Body.Bytes(), &out)
		for _, it := range out.Reviews {
			seen = append(seen, it.ID)
		}
		next = ""
		if out.Next != "" {
			next = "/v1/reviews?limit=2&cursor=" + out.Next
		}
	}
	if len(seen) != 3 || seen[0] != ids[0] || seen[2] != ids[2] {
		t.Errorf("pages gave %v, want %v", seen, ids)
	}
}
