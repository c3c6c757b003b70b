package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
)

// TestSMTPMailer sends through a real SMTP server on loopback and reads it back.
func TestSMTPMailer(t *testing.T) {
	mp := testenv.StartMailpit(t)
	m, err := NewSMTPMailer(SMTPConfig{Addr: mp.SMTPAddr, From: "portdocs@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name, to, subject, body string
		wantSubject             string
	}{
		{name: "plain", to: "jane@example.com", subject: "Please sign", body: "line one\n.line with a dot\nhttp://x/sign/abc",
			wantSubject: "Please sign"},
		{name: "a header smuggled in the subject stays in the subject", to: "bob@example.com",
			subject: "Hi\r\nBcc: eve@example.com", body: "b", wantSubject: "Hi  Bcc: eve@example.com"},
		{name: "non-ASCII subject", to: "jose@example.com", subject: "Firma de José", body: "ñ", wantSubject: "Firma de José"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := m.Send(ctx, tc.to, tc.subject, tc.body); err != nil {
				t.Fatal(err)
			}
			msg, err := mp.WaitMessage(ctx, tc.to, tc.wantSubject)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(msg.Text, "\r\n", "\n"); strings.TrimSpace(got) != strings.TrimSpace(tc.body) {
				t.Errorf("body %q, want %q", msg.Text, tc.body)
			}
			if len(msg.To) != 1 || msg.To[0] != tc.to {
				t.Errorf("to %v, want only %s", msg.To, tc.to)
			}
		})
	}
	if msgs, err := mp.Messages(ctx, "eve@example.com"); err != nil || len(msgs) != 0 {
		t.Errorf("eve received %d messages (err %v)", len(msgs), err)
	}
	if err := m.Send(ctx, "not an address", "s", "b"); err == nil {
		t.Error("sent to a malformed address")
	}
}
