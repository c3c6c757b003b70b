package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// WebhookConfig configures deliveries (PORTDOCS_WEBHOOK_URL, PORTDOCS_WEBHOOK_SECRET).
type WebhookConfig struct {
	URL    string
	Secret string
	// Attempts is how many times one event is tried (default 5); the wait doubles
	// from Backoff (default 1 s) between attempts.
	Attempts int
	Backoff  time.Duration
	// Queue bounds the events waiting for delivery (default 1000); beyond it new
	// events are dropped and logged rather than growing memory without bound.
	Queue  int
	Client *http.Client
	Logger *slog.Logger
}

// WebhookEvent is the body POSTed to the webhook URL.
type WebhookEvent struct {
	ID     string    `json:"id"`
	Type   string    `json:"type"` // port.status_changed, port.note_added
	PortID string    `json:"port_id"`
	At     time.Time `json:"at"`
	From   Status    `json:"from,omitempty"`
	To     Status    `json:"to,omitempty"`
	Status Status    `json:"status"`
	Note   *Event    `json:"note,omitempty"`
}

// Webhook signature header: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
// The timestamp (X-Portdocs-Timestamp, Unix seconds) is signed too so a receiver can
// refuse replays.
const (
	HeaderSignature = "X-Portdocs-Signature"
	HeaderTimestamp = "X-Portdocs-Timestamp"
	HeaderEventID   = "X-Portdocs-Event"
)

// Sign computes the signature header value for body sent at ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", ts)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Webhooks delivers events in the background, in order, with bounded retries.
type Webhooks struct {
	cfg     WebhookConfig
	queue   chan WebhookEvent
	done    chan struct{}
	stop    context.CancelFunc
	ctx     context.Context
	mu      sync.Mutex // guards closed against Enqueue after Close
	closed  bool
	outcome func(string) // metrics hook
}

// NewWebhooks starts the delivery worker.
func NewWebhooks(cfg WebhookConfig) *Webhooks {
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 1000
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = cfg.Logger.With(slog.String("component", "webhooks"))
	ctx, cancel := context.WithCancel(context.Background())
	w := &Webhooks{cfg: cfg, queue: make(chan WebhookEvent, cfg.Queue), done: make(chan struct{}), stop: cancel, ctx: ctx, outcome: func(string) {}}
	go w.run()
	return w
}

// setOutcome installs the metrics hook (before any event is enqueued).
func (w *Webhooks) setOutcome(f func(string)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.outcome = f
}

// Enqueue schedules an event; it never blocks the request.
func (w *Webhooks) Enqueue(ev WebhookEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		w.cfg.Logger.Warn("webhooks closed; event dropped", slog.String("event_id", ev.ID), slog.String("type", ev.Type))
		return
	}
	select {
	case w.queue <- ev:
	default:
		w.cfg.Logger.Warn("webhook queue full; event dropped", slog.String("event_id", ev.ID), slog.String("type", ev.Type), slog.String("port_id", ev.PortID))
		w.outcome("dropped")
	}
}

// Close stops accepting events and waits, until ctx ends, for queued ones to go out.
func (w *Webhooks) Close(ctx context.Context) error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		w.stop()
		<-w.done
		return ctx.Err()
	}
}

func (w *Webhooks) run() {
	defer close(w.done)
	for ev := range w.queue {
		w.deliver(ev)
	}
}

func (w *Webhooks) deliver(ev WebhookEvent) {
	body, err := json.Marshal(ev)
	if err != nil {
		w.cfg.Logger.Error("webhook encode", slog.String("error", err.Error()))
		return
	}
	wait := w.cfg.Backoff
	for attempt := 1; attempt <= w.cfg.Attempts; attempt++ {
		status, err := w.post(body, ev.ID)
		attrs := []any{slog.String("event_id", ev.ID), slog.String("type", ev.Type), slog.String("port_id", ev.PortID),
			slog.Int("attempt", attempt), slog.Int("status", status)}
		if err == nil && status >= 200 && status < 300 {
			w.cfg.Logger.Info("webhook delivered", attrs...)
			w.outcome("delivered")
			return
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		final := attempt == w.cfg.Attempts || (status >= 400 && status < 500 && status != 408 && status != 429)
		if final {
			w.cfg.Logger.Warn("webhook failed; giving up", attrs...)
			w.outcome("failed")
			return
		}
		w.cfg.Logger.Info("webhook failed; retrying", append(attrs, slog.Duration("retry_in", wait))...)
		w.outcome("retried")
		select {
		case <-time.After(wait):
		case <-w.ctx.Done():
			w.cfg.Logger.Warn("webhook abandoned at shutdown", attrs...)
			return
		}
		wait *= 2
	}
}

func (w *Webhooks) post(body []byte, id string) (int, error) {
	ctx, cancel := context.WithTimeout(w.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "portdocs-webhooks/1")
	req.Header.Set(HeaderEventID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	if w.cfg.Secret != "" {
		req.Header.Set(HeaderSignature, Sign(w.cfg.Secret, ts, body))
	}
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
