package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/portdocs/portdocs/internal/formfile"
)

// result is one request as the client saw it.
type result struct {
	kind       string
	status     int // 0: no answer (err is set)
	dur        time.Duration
	pages      int
	retryAfter bool
	err        error
}

type client struct {
	base, key string
	hc        *http.Client
}

func newClient(cfg config) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 512, 512
	return &client{base: cfg.url, key: cfg.key, hc: &http.Client{Transport: tr, Timeout: 5 * time.Minute}}
}

// do sends one request and reads the whole answer; the latency includes the body.
func (c *client) do(ctx context.Context, kind, method, path, contentType string, body []byte, key bool) (result, []byte) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return result{kind: kind, err: err}, nil
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{kind: kind, dur: time.Since(start), err: err}, nil
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return result{kind: kind, status: resp.StatusCode, dur: time.Since(start), err: err,
		retryAfter: resp.Header.Get("Retry-After") != ""}, data
}

// extract is POST /v1/extract; pages come from the Extraction.
func (c *client) extract(ctx context.Context, kind string, d doc) result {
	ct, body := formfile.Body("bill", d.data)
	return c.extractBody(ctx, kind, ct, body)
}

// extractBody posts a ready multipart body (shared, read-only, by concurrent calls).
func (c *client) extractBody(ctx context.Context, kind, ct string, body []byte) result {
	r, data := c.do(ctx, kind, http.MethodPost, "/v1/extract", ct, body, true)
	if r.status == http.StatusOK {
		var x struct{ Pages int }
		json.Unmarshal(data, &x)
		r.pages = x.Pages
	}
	return r
}

// loaFlow creates a port from a fixture's request and renders its LOA; with sign and
// bill it goes on to sign on the signing page and upload the bill (the check).
func (c *client) loaFlow(ctx context.Context, d doc, signAndCheck bool) []result {
	r, data := c.do(ctx, "create", http.MethodPost, "/v1/ports", "application/json", d.request, true)
	out := []result{r}
	var created struct{ ID string }
	if r.status != http.StatusCreated || json.Unmarshal(data, &created) != nil {
		return out
	}
	r, data = c.do(ctx, "loa", http.MethodPost, "/v1/ports/"+created.ID+"/loa", "", nil, true)
	out = append(out, r)
	var sent struct {
		SigningURL string `json:"signing_url"`
	}
	if !signAndCheck || r.status != http.StatusCreated || json.Unmarshal(data, &sent) != nil {
		return out
	}
	u, err := url.Parse(sent.SigningURL)
	if err != nil {
		return append(out, result{kind: "sign", err: fmt.Errorf("signing URL %q", sent.SigningURL)})
	}
	var req struct {
		Signer struct {
			FullName string `json:"full_name"`
		}
	}
	json.Unmarshal(d.request, &req)
	form := url.Values{"full_name": {req.Signer.FullName}, "consent": {"yes"}}
	r, _ = c.do(ctx, "sign", http.MethodPost, u.Path, "application/x-www-form-urlencoded", []byte(form.Encode()), false)
	out = append(out, r)
	if r.status != http.StatusOK {
		return out
	}
	ct, body := formfile.Body("bill.pdf", d.data)
	r, _ = c.do(ctx, "check", http.MethodPost, "/v1/ports/"+created.ID+"/bill", ct, body, true)
	return append(out, r)
}
