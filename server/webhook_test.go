package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestWebhookDelivery(t *testing.T) {
	for _, tc := range []struct {
		name         string
		failures     int32 // responses with 503 before a 204
		failStatus   int
		attempts     int
		wantAttempts int32
		wantOK       bool
	}{
		{name: "delivered at once", failures: 0, attempts: 3, wantAttempts: 1, wantOK: true},
		{name: "retried with backoff until delivered", failures: 2, failStatus: 503, attempts: 3, wantAttempts: 3, wantOK: true},
		{name: "gives up after the bounded attempts", failures: 10, failStatus: 503, attempts: 3, wantAttempts: 3},
		{name: "a 4xx is final", failures: 10, failStatus: 400, attempts: 3, wantAttempts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls, delivered atomic.Int32
			var firstAt, lastAt atomic.Int64
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				now := time.Now().UnixNano()
				firstAt.CompareAndSwap(0, now)
				lastAt.Store(now)
				body, _ := io.ReadAll(r.Body)
				ts, _ := strconv.ParseInt(r.Header.Get(HeaderTimestamp), 10, 64)
				if r.Header.Get(HeaderSignature) != Sign("s3cret", ts, body) {
					t.Errorf("signature %q does not verify", r.Header.Get(HeaderSignature))
				}
				var ev WebhookEvent
				if err := json.Unmarshal(body, &ev); err != nil || ev.Type != "port.status_changed" || ev.To != StatusSigned {
					t.Errorf("event %s (%v)", body, err)
				}
				if n <= tc.failures {
					w.WriteHeader(tc.failStatus)
					return
				}
				delivered.Add(1)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer recv.Close()
			w := NewWebhooks(WebhookConfig{URL: recv.URL, Secret: "s3cret", Attempts: tc.attempts, Backoff: 20 * time.Millisecond})
			w.Enqueue(WebhookEvent{ID: "ev1", Type: "port.status_changed", PortID: "p", From: StatusAwaitingSignature, To: StatusSigned, At: time.Now()})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := w.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if got := calls.Load(); got != tc.wantAttempts {
				t.Errorf("attempts %d, want %d", got, tc.wantAttempts)
			}
			if got := delivered.Load() == 1; got != tc.wantOK {
				t.Errorf("delivered %v, want %v", got, tc.wantOK)
			}
			if tc.wantAttempts == 3 {
				// 20 ms then 40 ms: the waits double.
				if gap := time.Duration(lastAt.Load() - firstAt.Load()); gap < 60*time.Millisecond {
					t.Errorf("3 attempts within %v; want at least 60ms of backoff", gap)
				}
			}
		})
	}
}

func TestSecretBox(t *testing.T) {
	box, err := NewSecretBox(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal("port-a", "2468")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id, sealed, want string
		wantErr                bool
	}{
		{name: "opens for its port", id: "port-a", sealed: sealed, want: "2468"},
		{name: "does not open for another port", id: "port-b", sealed: sealed, wantErr: true},
		{name: "tampered", id: "port-a", sealed: sealed[:len(sealed)-2] + "AA", wantErr: true},
		{name: "empty stays empty", id: "port-a", sealed: "", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := box.Open(tc.id, tc.sealed)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("Open = %q, %v; want %q, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
	if other, _ := box.Seal("port-a", "2468"); other == sealed {
		t.Error("two seals of one PIN are equal; the nonce is not random")
	}
}

func TestParseAPIKeys(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "wizard:0123456789abcdef0,reviewer:abcdef0123456789a", want: 2},
		{in: " admin:0123456789abcdef0 , ", want: 1},
		{in: "0123456789abcdef0", wantErr: true},
		{in: "root:0123456789abcdef0", wantErr: true},
		{in: "wizard:short", wantErr: true},
	} {
		keys, err := ParseAPIKeys(tc.in)
		if (err != nil) != tc.wantErr || len(keys) != tc.want {
			t.Errorf("ParseAPIKeys(%q) = %d keys, %v; want %d, error %v", tc.in, len(keys), err, tc.want, tc.wantErr)
		}
	}
}
