package loa

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// EnvTSAURL names the RFC 3161 timestamp authority the seal asks for the signing time,
// so that it does not rest on the service's clock.
const EnvTSAURL = "PORTDOCS_TSA_URL"

// ErrTSAUnavailable means the timestamp authority did not answer, or answered with
// something that is not a timestamp of the seal: the LOA is not sealed (a seal without
// the configured timestamp is never made instead).
var ErrTSAUnavailable = errors.New("the timestamp authority did not give a timestamp")

// oidTimeStampToken is id-aa-timeStampToken (RFC 3161 appendix A), the unsigned
// attribute of the signer that holds the token.
var oidTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

// noTSANote ends the seal's reason when no timestamp authority is configured.
const noTSANote = " (no timestamp authority: the signing time is the sealing service's clock)"

// tsaRelay stands between the PDF signing library, whose HTTP client has no timeout,
// and the timestamp authority: the library posts to the relay on loopback, and the
// relay forwards with a deadline and remembers, per seal, why a request failed.
type tsaRelay struct {
	target  string
	client  *http.Client
	ln      net.Listener
	srv     *http.Server
	mu      sync.Mutex
	failure map[string]error // by seal id
}

// UseTSA makes every seal carry an RFC 3161 timestamp from the authority at rawURL
// (http or https), asked with the given timeout (0 = 15 s). Close releases it.
func (s *Sealer) UseTSA(rawURL string, timeout time.Duration) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q: not an http(s) URL", EnvTSAURL, rawURL)
	}
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("timestamp relay: %w", err)
	}
	r := &tsaRelay{target: rawURL, client: &http.Client{Timeout: timeout}, ln: ln, failure: map[string]error{}}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go r.srv.Serve(ln)
	s.tsa = r
	return nil
}

// Close stops the timestamp relay, if any.
func (s *Sealer) Close() error {
	if s.tsa == nil {
		return nil
	}
	return s.tsa.srv.Close()
}

// url is the relay's address for one seal.
func (r *tsaRelay) url(id string) string { return "http://" + r.ln.Addr().String() + "/" + id }

func (r *tsaRelay) fail(id string, err error) {
	r.mu.Lock()
	r.failure[id] = err
	r.mu.Unlock()
}

// takeFailure returns and forgets why seal id's request failed.
func (r *tsaRelay) takeFailure(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.failure[id]
	delete(r.failure, id)
	return err
}

func (r *tsaRelay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	id := strings.TrimPrefix(req.URL.Path, "/")
	body, err := io.ReadAll(io.LimitReader(req.Body, 64<<10))
	if err != nil {
		r.fail(id, err)
		http.Error(w, "relay", http.StatusBadGateway)
		return
	}
	out, err := http.NewRequestWithContext(req.Context(), http.MethodPost, r.target, bytes.NewReader(body))
	if err != nil {
		r.fail(id, err)
		http.Error(w, "relay", http.StatusBadGateway)
		return
	}
	out.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := r.client.Do(out)
	if err != nil {
		r.fail(id, err)
		http.Error(w, "relay", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("it answered %s", resp.Status)
	}
	if err != nil {
		r.fail(id, err)
		http.Error(w, "relay", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(reply)
}

func newSealID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sealTimestamp is the RFC 3161 timestamp in a signature: its time and authority, and
// whether it is a timestamp of that very signature, signed by its authority.
type sealTimestamp struct {
	time      time.Time
	authority string
	problem   string
}

// timestampOf reads the timestamp token of a PKCS#7 signature's first signer. ok is
// false when the signature carries none.
func timestampOf(p7 *pkcs7.PKCS7) (ts sealTimestamp, ok bool) {
	if len(p7.Signers) == 0 {
		return ts, false
	}
	si := p7.Signers[0]
	for _, a := range si.UnauthenticatedAttributes {
		if !a.Type.Equal(oidTimeStampToken) {
			continue
		}
		t, err := timestamp.Parse(a.Value.Bytes)
		if err != nil {
			ts.problem = "its timestamp token does not verify: " + err.Error()
			return ts, true
		}
		ts.time = t.Time.UTC()
		if len(t.Certificates) > 0 {
			ts.authority = t.Certificates[0].Subject.String()
		}
		h := t.HashAlgorithm
		if h == 0 || !h.Available() {
			ts.problem = "its timestamp uses an unknown hash"
			return ts, true
		}
		d := h.New()
		d.Write(si.EncryptedDigest)
		if !bytes.Equal(d.Sum(nil), t.HashedMessage) {
			ts.problem = "its timestamp is of another signature"
		}
		if !t.AddTSACertificate {
			ts.problem = "its timestamp carries no authority certificate to check its signature with"
		}
		return ts, true
	}
	return ts, false
}
