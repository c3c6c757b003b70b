package faults

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// TestSlowClientsDoNotStarveOthers: 20 connections trickle their request — ten the
// headers, ten a declared 1 MB body — one byte every half second. While they hang,
// normal requests (liveness and a real bill extraction) complete within a bound, and
// the server cuts the tricklers off at its header and read timeouts instead of holding
// them forever.
func TestSlowClientsDoNotStarveOthers(t *testing.T) {
	ctx := withDeadline(t, 2*time.Minute)
	const readTimeout = 6 * time.Second // PORTDOCS_REQUEST_TIMEOUT: also the server's ReadTimeout
	const headerTimeout = 10 * time.Second
	svc := startService(t, map[string]string{"PORTDOCS_REQUEST_TIMEOUT": readTimeout.String()})
	bill := fixtureBills(t)[0]
	u, _ := url.Parse(svc.URL)

	type trickler struct {
		name  string
		start string // sent at once
		bound time.Duration
	}
	var ts []trickler
	for i := 0; i < 10; i++ {
		ts = append(ts, trickler{name: fmt.Sprintf("headers-%d", i),
			start: "POST /v1/extract HTTP/1.1\r\nHost: " + u.Host + "\r\nX-Slow: ",
			bound: headerTimeout})
		ts = append(ts, trickler{name: fmt.Sprintf("body-%d", i),
			start: "POST /v1/extract HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer " + wizardKey +
				"\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 1000000\r\n\r\n--XX\r\n",
			bound: readTimeout})
	}
	type cut struct {
		name    string
		after   time.Duration
		bound   time.Duration
		replied string
	}
	cuts := make(chan cut, len(ts))
	var wg sync.WaitGroup
	for _, tr := range ts {
		c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		opened := time.Now()
		if _, err := io.WriteString(c, tr.start); err != nil {
			t.Fatal(err)
		}
		wg.Add(2)
		go func() { // trickle one byte every 500 ms until the server hangs up
			defer wg.Done()
			for ctx.Err() == nil {
				time.Sleep(500 * time.Millisecond)
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
			}
		}()
		go func() { // wait for the server to answer or close
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			b := make([]byte, 256)
			n, _ := io.ReadAtLeast(c, b, 1)
			cuts <- cut{tr.name, time.Since(opened), tr.bound, string(b[:n])}
			c.Close()
		}()
	}

	// Normal clients while 20 connections hang.
	time.Sleep(time.Second)
	const normalBound = 10 * time.Second // generous: the CI machine has two busy cores
	for _, tc := range []struct {
		name string
		send func() response
		want int
	}{
		{"healthz", func() response { return do(ctx, http.MethodGet, svc.URL+"/healthz", "", "", nil) }, http.StatusOK},
		{"extract a text bill", func() response { return uploadFile(ctx, svc.URL+"/v1/extract", "bill.pdf", bill) }, http.StatusOK},
		{"create a port", func() response {
			return do(ctx, http.MethodPost, svc.URL+"/v1/ports", wizardKey, "application/json", []byte(portRequest))
		}, http.StatusCreated},
	} {
		start := time.Now()
		r := tc.send()
		took := time.Since(start)
		if r.Status != tc.want {
			t.Errorf("%s with 20 slow connections open: %v, want %d", tc.name, r, tc.want)
		}
		if took > normalBound {
			t.Errorf("%s took %v with 20 slow connections open; bound %v", tc.name, took, normalBound)
		}
		t.Logf("%s: %d in %v", tc.name, r.Status, took.Round(time.Millisecond))
	}

	// The tricklers are cut off near the server's timeouts.
	const slack = 8 * time.Second
	var longest [2]time.Duration // headers, body
	for range ts {
		select {
		case c := <-cuts:
			if c.bound == headerTimeout {
				longest[0] = max(longest[0], c.after)
			} else {
				longest[1] = max(longest[1], c.after)
			}
			if c.after > c.bound+slack {
				t.Errorf("%s held the connection %v; the server should cut it near %v", c.name, c.after.Round(time.Millisecond), c.bound)
			}
			if len(c.replied) > 12 && c.replied[:9] == "HTTP/1.1 " && c.replied[9] == '5' && c.replied[9:12] != "503" {
				t.Errorf("%s was answered %q", c.name, c.replied[:12])
			}
		case <-ctx.Done():
			t.Fatal("slow connections still open at the test deadline")
		}
	}
	wg.Wait()
	t.Logf("slow connections cut after at most %v (headers) and %v (bodies)", longest[0].Round(time.Millisecond), longest[1].Round(time.Millisecond))
	svc.checkNoPanic(t)
}
