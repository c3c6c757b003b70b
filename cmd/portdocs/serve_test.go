package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/childserve"
)

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeFinishesInFlightUploadOnShutdown: a bill upload still arriving when the
// signal comes is read, answered, and only then does serve return.
func TestServeFinishesInFlightUploadOnShutdown(t *testing.T) {
	bill, err := os.ReadFile("../../fixtures/bills/01-att-business/bill.pdf")
	if err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	addr := freeAddr(t)
	env := map[string]string{
		"PORTDOCS_ADDR": addr, "PORTDOCS_DATA_DIR": t.TempDir(), "PORTDOCS_OCR": "off",
		"PORTDOCS_API_KEYS": "wizard:wizard-key-0123456789abcdef", "PORTDOCS_SHUTDOWN_TIMEOUT": "20s",
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stderr childserve.LogBuffer // safe for the server's goroutines
	served := make(chan error, 1)
	go func() {
		served <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, io.Discard, &stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The upload: the multipart head and half the file now, the rest after the signal.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "bill.pdf")
	fw.Write(bill)
	mw.Close()
	all := body.Bytes()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/extract", pr)
	req.Header.Set("Authorization", "Bearer wizard-key-0123456789abcdef")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.ContentLength = int64(len(all))
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{status: resp.StatusCode, body: string(b)}
	}()
	pw.Write(all[:len(all)/2])
	time.Sleep(200 * time.Millisecond) // the server is reading the upload
	stop()                             // SIGTERM
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-served:
		t.Fatalf("serve returned with an upload in flight: %v", err)
	default:
	}
	pw.Write(all[len(all)/2:])
	pw.Close()
	r := <-done
	if r.err != nil || r.status != http.StatusOK || !strings.Contains(r.body, `"account_number"`) {
		t.Fatalf("in-flight upload: status %d err %v body %.200s", r.status, r.err, r.body)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after the upload finished")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the listener still answers after shutdown")
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no stop log: %s", stderr.String())
	}
}

func TestServeSettingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{name: "bad upload size", env: map[string]string{"PORTDOCS_MAX_UPLOAD": "lots"}, want: "PORTDOCS_MAX_UPLOAD"},
		{name: "bad API key role", env: map[string]string{"PORTDOCS_API_KEYS": "root:0123456789abcdef0"}, want: "unknown role"},
		{name: "bad secret key", env: map[string]string{"PORTDOCS_SECRET_KEY": "short"}, want: "PORTDOCS_SECRET_KEY"},
		{name: "webhook without secret", env: map[string]string{"PORTDOCS_WEBHOOK_URL": "http://127.0.0.1:1/hook"}, want: "PORTDOCS_WEBHOOK_SECRET"},
		{name: "SMTP without base URL", env: map[string]string{"PORTDOCS_SMTP_ADDR": "127.0.0.1:25"}, want: "PORTDOCS_BASE_URL"},
		{name: "bad trusted proxy", env: map[string]string{"PORTDOCS_TRUSTED_PROXIES": "proxy.example.com"}, want: "PORTDOCS_TRUSTED_PROXIES"},
		{name: "bad sign-in failure limit", env: map[string]string{"PORTDOCS_SIGNIN_MAX_FAILURES": "0"}, want: "PORTDOCS_SIGNIN_MAX_FAILURES"},
		{name: "bad sign-in window", env: map[string]string{"PORTDOCS_SIGNIN_WINDOW": "a while"}, want: "PORTDOCS_SIGNIN_WINDOW"},
		{name: "unknown metrics mode", env: map[string]string{"PORTDOCS_METRICS": "public"}, want: "PORTDOCS_METRICS"},
		{name: "metrics token with open metrics", env: map[string]string{"PORTDOCS_METRICS": "open", "PORTDOCS_METRICS_TOKEN": "scraper-token-0123456789"}, want: "PORTDOCS_METRICS_TOKEN"},
		{name: "short metrics token", env: map[string]string{"PORTDOCS_METRICS_TOKEN": "short"}, want: "PORTDOCS_METRICS_TOKEN"},
		{name: "bad timeout", env: map[string]string{"PORTDOCS_REQUEST_TIMEOUT": "soon"}, want: "PORTDOCS_REQUEST_TIMEOUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readServeSettings(nil, func(k string) string { return tc.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
	st, err := readServeSettings(nil, func(string) string { return "" }, io.Discard)
	if err != nil || st.generatedKey == "" || len(st.apiKeys) != 1 || st.apiKeys[0].Role != "admin" {
		t.Errorf("with no keys set: %+v, %v; want one generated admin key", st.apiKeys, err)
	}
	st, err = readServeSettings(nil, func(k string) string {
		return map[string]string{"PORTDOCS_SMTP_ADDR": "127.0.0.1:25", "PORTDOCS_BASE_URL": "https://ports.example.com",
			"PORTDOCS_TRUSTED_PROXIES": "10.0.0.0/8"}[k]
	}, io.Discard)
	if err != nil || st.smtp == nil || len(st.trustedProxies) != 1 {
		t.Errorf("SMTP with a base URL and a proxy: %v, %+v; want accepted", err, st.trustedProxies)
	}
	if st.maxUpload != 20<<20 {
		t.Errorf("default max upload %d, want 20 MB", st.maxUpload)
	}
	if st.signInMaxFailures != 0 || st.signInWindow != 15*time.Minute {
		t.Errorf("default sign-in throttle %d within %v, want the server's default (0) within 15m", st.signInMaxFailures, st.signInWindow)
	}
	if st.metrics != "admin" {
		t.Errorf("default metrics access %q, want admin", st.metrics)
	}
	st, err = readServeSettings(nil, func(k string) string {
		return map[string]string{"PORTDOCS_SIGNIN_MAX_FAILURES": "10", "PORTDOCS_SIGNIN_WINDOW": "1h"}[k]
	}, io.Discard)
	if err != nil || st.signInMaxFailures != 10 || st.signInWindow != time.Hour {
		t.Errorf("sign-in throttle 10 within 1h: %d within %v, %v", st.signInMaxFailures, st.signInWindow, err)
	}
}

// startServe runs serve with env until /healthz answers, then stops it; it returns
// serve's error when serve ends first (a refused start).
func startServe(t *testing.T, env map[string]string) error {
	t.Helper()
	addr := freeAddr(t)
	env["PORTDOCS_ADDR"], env["PORTDOCS_OCR"] = addr, "off"
	env["PORTDOCS_API_KEYS"] = "admin:admin-key-0123456789abcdef"
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var stderr childserve.LogBuffer
	served := make(chan error, 1)
	go func() {
		served <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, io.Discard, &stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-served:
			if err == nil {
				t.Fatalf("serve returned nil before it was stopped: %s", stderr.String())
			}
			return err
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	if err := <-served; err != nil {
		t.Fatalf("serve after a good start: %v", err)
	}
	return nil
}

// TestServeRefusesAnotherSecretKey: two starts on one SQLite database with different
// PORTDOCS_SECRET_KEY - the second refuses with an error that says what is wrong and
// how to fix it; a key made in the data folder keeps working across restarts, and is
// refused once it no longer is the database's.
func TestServeRefusesAnotherSecretKey(t *testing.T) {
	keyA, keyB := strings.Repeat("a1", 32), strings.Repeat("b2", 32)
	data := t.TempDir()
	if err := startServe(t, map[string]string{"PORTDOCS_DATA_DIR": data, "PORTDOCS_SECRET_KEY": keyA}); err != nil {
		t.Fatalf("first start: %v", err)
	}
	err := startServe(t, map[string]string{"PORTDOCS_DATA_DIR": data, "PORTDOCS_SECRET_KEY": keyB})
	if err == nil || !strings.Contains(err.Error(), "PORTDOCS_SECRET_KEY does not match the one this database was written with") ||
		!strings.Contains(err.Error(), "set PORTDOCS_SECRET_KEY to the key") {
		t.Fatalf("start with another key: %v; want the key mismatch and its fix", err)
	}
	if strings.Contains(err.Error(), keyA) || strings.Contains(err.Error(), keyB) {
		t.Fatal("the error shows a key")
	}
	if err := startServe(t, map[string]string{"PORTDOCS_DATA_DIR": data, "PORTDOCS_SECRET_KEY": keyA}); err != nil {
		t.Fatalf("start with the first key again: %v", err)
	}
	// Without PORTDOCS_SECRET_KEY serve makes data/secret.key: not this database's key.
	err = startServe(t, map[string]string{"PORTDOCS_DATA_DIR": data})
	if err == nil || !strings.Contains(err.Error(), "does not match") || !strings.Contains(err.Error(), filepath.Join(data, "secret.key")) {
		t.Fatalf("start with a new key file: %v; want the mismatch naming the key file", err)
	}

	// A fresh data folder without PORTDOCS_SECRET_KEY: the key made on the first start
	// is the one of every restart.
	fresh := t.TempDir()
	for i := range 2 {
		if err := startServe(t, map[string]string{"PORTDOCS_DATA_DIR": fresh}); err != nil {
			t.Fatalf("start %d with the key made in the data folder: %v", i+1, err)
		}
	}
	if err := os.Remove(filepath.Join(fresh, "secret.key")); err != nil {
		t.Fatal(err)
	}
	if err := startServe(t, map[string]string{"PORTDOCS_DATA_DIR": fresh}); err == nil || !strings.Contains(err.Error(), "restore the secret.key") {
		t.Fatalf("start after the key file was lost: %v; want the mismatch", err)
	}
}
