package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Mailpit is a throwaway Mailpit SMTP server on loopback; tests send mail to SMTPAddr
// and read it back through the HTTP API at APIURL.
type Mailpit struct {
	SMTPAddr string // host:port for SMTP
	APIURL   string // http://host:port

	cmd  *exec.Cmd
	done chan struct{}
}

// MailMessage is one message as Mailpit's API returns it.
type MailMessage struct {
	ID      string
	From    string
	To      []string
	Subject string
	Text    string
}

// StartMailpit starts Mailpit on free loopback ports for SMTP and its HTTP API;
// t.Cleanup stops it. It skips the test when mailpit is missing, or fails it under CI
// (see LookTool; scripts/setup.sh --test builds it).
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	bin := LookTool(t, "mailpit")
	dir := t.TempDir()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken between probe and bind
		m, err := startMailpit(bin, dir)
		if err == nil {
			t.Cleanup(m.stop)
			return m
		}
		lastErr = err
	}
	t.Fatalf("mailpit: %v", lastErr)
	return nil
}

func startMailpit(bin, dir string) (*Mailpit, error) {
	smtpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "mailpit.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr,
		"--database", filepath.Join(dir, "mailpit.db"), "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		"--disable-version-check", "--quiet")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	m := &Mailpit{SMTPAddr: smtpAddr, APIURL: "http://" + httpAddr, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(m.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-m.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("mailpit exited at start: %s", strings.TrimSpace(string(log)))
		default:
		}
		resp, err := http.Get(m.APIURL + "/api/v1/info")
		if err == nil {
			resp.Body.Close()
			if c, err := net.DialTimeout("tcp", smtpAddr, time.Second); err == nil {
				c.Close()
				return m, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.stop()
	return nil, fmt.Errorf("mailpit did not answer on %s within 30s", httpAddr)
}

func (m *Mailpit) stop() {
	if m.cmd.Process != nil {
		m.cmd.Process.Kill()
	}
	<-m.done
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Messages lists the messages to an address (all when to is empty), newest first,
// each with its plain-text body.
func (m *Mailpit) Messages(ctx context.Context, to string) ([]MailMessage, error) {
	u := m.APIURL + "/api/v1/messages?limit=200"
	if to != "" {
		u = m.APIURL + "/api/v1/search?limit=200&query=" + url.QueryEscape("to:"+to)
	}
	var list struct {
		Messages []struct {
			ID      string
			From    struct{ Address string }
			To      []struct{ Address string }
			Subject string
		} `json:"messages"`
	}
	if err := m.getJSON(ctx, u, &list); err != nil {
		return nil, err
	}
	var out []MailMessage
	for _, s := range list.Messages {
		msg := MailMessage{ID: s.ID, From: s.From.Address, Subject: s.Subject}
		for _, a := range s.To {
			msg.To = append(msg.To, a.Address)
		}
		var full struct{ Text string }
		if err := m.getJSON(ctx, m.APIURL+"/api/v1/message/"+url.PathEscape(s.ID), &full); err != nil {
			return nil, err
		}
		msg.Text = full.Text
		out = append(out, msg)
	}
	return out, nil
}

// WaitMessage waits until a message to the address whose subject contains subject
// arrives (mail delivery is asynchronous for the receiver).
func (m *Mailpit) WaitMessage(ctx context.Context, to, subject string) (MailMessage, error) {
	for {
		msgs, err := m.Messages(ctx, to)
		if err != nil {
			return MailMessage{}, err
		}
		for _, msg := range msgs {
			if strings.Contains(msg.Subject, subject) {
				return msg, nil
			}
		}
		select {
		case <-ctx.Done():
			return MailMessage{}, fmt.Errorf("no message to %s about %q: %w", to, subject, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (m *Mailpit) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: status %d", u, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
