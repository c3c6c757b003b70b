package faults

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/formfile"
	"github.com/portdocs/portdocs/storage"
)

// TestServiceKilledMidUpload: bills are being uploaded (some half-sent over raw TCP,
// others complete and being extracted and stored) and ports created when the service
// is SIGKILLed. After a restart on the same data folder every port answers, every
// document a port lists is intact, every 2xx the clients saw is there, and every
// object left in the folder passes its own SHA-256 check: no corrupt or half-visible
// record.
func TestServiceKilledMidUpload(t *testing.T) {
	ctx := withDeadline(t, 3*time.Minute)
	dataDir := t.TempDir()
	env := map[string]string{"PORTDOCS_DATA_DIR": dataDir}
	svc := startService(t, env)
	bills := fixtureBills(t)

	const workers = 4
	signed := make([]string, workers)
	for i := range signed {
		signed[i] = signedPort(t, ctx, svc.URL)
	}

	// Half-sent uploads: headers and half the multipart body, then silence. These are
	// in the middle of their upload when the process dies.
	var halfOpen []net.Conn
	halfSHA := map[string]bool{}
	for i := 0; i < 3; i++ {
		bill := uniqueBill(bills, 9000+i)
		halfSHA[sha256Hex(bill)] = true
		halfOpen = append(halfOpen, halfUpload(t, svc.URL, signed[i%workers], bill))
	}
	defer func() {
		for _, c := range halfOpen {
			c.Close()
		}
	}()

	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
		okBills  atomic.Int32
		stop     = make(chan struct{})
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var o outcome
				if i%4 == 3 {
					id, r := createPort(ctx, svc.URL)
					o = outcome{op: "create", portID: id, resp: r}
				} else {
					bill := uniqueBill(bills, w*1000+i)
					r := uploadFile(ctx, svc.URL+"/v1/ports/"+signed[w]+"/bill", "bill.pdf", bill)
					o = outcome{op: "bill", portID: signed[w], sha: sha256Hex(bill), resp: r}
					if r.Status == http.StatusCreated {
						okBills.Add(1)
					}
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				if o.resp.Err != nil { // the service is gone
					return
				}
			}
		}(w)
	}
	// Kill once some uploads have completed, so the kill lands among uploads in flight.
	for waitUntil := time.Now().Add(30 * time.Second); okBills.Load() < workers; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(waitUntil) {
			t.Errorf("only %d bill uploads succeeded in 30s before the kill; the service is not taking bills", okBills.Load())
			break
		}
	}
	time.Sleep(150 * time.Millisecond)
	svc.kill()
	close(stop)
	wg.Wait()
	svc.checkNoPanic(t)

	// Restart on the same folder.
	svc2 := startService(t, env)
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	counts := map[string]int{}
	ports := map[string]portView{}
	for _, id := range signed {
		ports[id] = portView{}
	}
	for _, o := range outcomes {
		key := fmt.Sprintf("%s %d", o.op, o.resp.Status)
		if o.resp.Err != nil {
			key = o.op + " cut off"
		}
		counts[key]++
		if o.portID != "" {
			ports[o.portID] = portView{}
		}
	}
	t.Logf("%d requests before the kill: %v", len(outcomes), counts)
	for id := range ports {
		v, r := getPort(vctx, svc2.URL, id)
		if r.Status != http.StatusOK || r.Err != nil {
			t.Errorf("port %s unreadable after the restart: %v", id, r)
			continue
		}
		ports[id] = v
		verifyDocuments(t, vctx, svc2.URL, v)
		// A port past signing has its signed LOA; one with a bill has its check.
		if v.Status == "in_review" || v.Status == "approved" {
			if !hasDoc(v, "bill", "") || !hasDoc(v, "check", "") {
				t.Errorf("port %s is %s without a bill and a check: %+v", id, v.Status, v.Documents)
			}
			if r := do(vctx, http.MethodGet, svc2.URL+"/v1/ports/"+id+"/check", wizardKey, "", nil); r.Status != http.StatusOK {
				t.Errorf("port %s: latest check unreadable: %v", id, r)
			}
		}
		for _, d := range v.Documents {
			if halfSHA[d.SHA256] {
				t.Errorf("port %s lists %s, a bill whose upload never finished", id, d.Name)
			}
		}
		if v.Status != "draft" && !hasDoc(v, "loa", "") {
			t.Errorf("port %s is %s without its LOA: %+v", id, v.Status, v.Documents)
		}
	}
	for _, o := range outcomes {
		if o.op == "bill" && o.resp.Status == http.StatusCreated && !hasDoc(ports[o.portID], "bill", o.sha) {
			t.Errorf("bill %s was answered 201 before the kill but port %s does not list it", o.sha[:12], o.portID)
		}
	}
	// The restarted service takes bills again.
	if r := uploadFile(vctx, svc2.URL+"/v1/ports/"+signed[0]+"/bill", "bill.pdf", uniqueBill(bills, 99999)); r.Status != http.StatusCreated {
		t.Errorf("bill upload after the restart: %v", r)
	}
	svc2.checkNoPanic(t)
	svc2.stop()

	// Every object left in the folder reads back whole: Get verifies its SHA-256.
	store, err := storage.NewLocal(dataDir, storage.LocalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	objs, err := store.List(vctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		rc, _, err := store.Get(vctx, o.Key)
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			t.Errorf("object %s left by the crash does not read back whole: %v", o.Key, err)
		}
	}
	t.Logf("%d objects in the folder, all intact", len(objs))
}

// halfUpload opens a raw connection, sends a bill upload's headers and half its body,
// and leaves it hanging.
func halfUpload(t testing.TB, base, portID string, bill []byte) net.Conn {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ct, body := formfile.Body("bill.pdf", bill)
	var req strings.Builder
	fmt.Fprintf(&req, "POST /v1/ports/%s/bill HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		portID, u.Host, wizardKey, ct, len(body))
	if _, err := io.WriteString(c, req.String()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	return c
}
