package server

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/portdocs/portdocs/portdb"
)

// SecretBox seals account PINs at rest with AES-256-GCM. The port id is the
// additional data, so a sealed PIN copied into another port's record does not open.
type SecretBox struct {
	aead cipher.AEAD
	// check names the key without revealing it (CheckSecretKey).
	check string
}

// NewSecretBox makes a box from a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(keyCheckLabel))
	return &SecretBox{aead: aead, check: hex.EncodeToString(mac.Sum(nil))}, nil
}

// keyCheckLabel is what the key check value is the HMAC-SHA256 of, and keyCheckMeta
// the database meta key it is kept under.
const (
	keyCheckLabel = "portdocs key check v1"
	keyCheckMeta  = "secret_key_check_v1"
)

// ErrSecretKeyMismatch: the database was written with another PORTDOCS_SECRET_KEY.
var ErrSecretKeyMismatch = errors.New("PORTDOCS_SECRET_KEY does not match the one this database was written with")

// CheckSecretKey makes sure box's key is the one the database's sealed PINs were
// written with, so that instances sharing one database but not one key refuse to
// start instead of answering 500 for every port the other one wrote. The first start
// keeps HMAC-SHA256(key, "portdocs key check v1") in the database's meta (never the
// key); every later start, of any instance, compares. A database written before the
// value was kept is first tried on a sealed PIN of its own.
func CheckSecretKey(ctx context.Context, db *portdb.DB, box *SecretBox) error {
	want, ok, err := db.Meta(ctx, keyCheckMeta)
	if err != nil {
		return fmt.Errorf("read the secret key check: %w", err)
	}
	if !ok {
		if err := opensSealedPIN(ctx, db, box); err != nil {
			return err
		}
		// Two instances starting at once on a fresh database agree on the first value.
		if want, err = db.SetMetaOnce(ctx, keyCheckMeta, box.check); err != nil {
			return fmt.Errorf("keep the secret key check: %w", err)
		}
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(box.check)) != 1 {
		return ErrSecretKeyMismatch
	}
	return nil
}

// opensSealedPIN tries box on the first sealed PIN among the oldest ports of a
// database that has no key check value yet (one written before it was kept).
func opensSealedPIN(ctx context.Context, db *portdb.DB, box *SecretBox) error {
	page, err := db.List(ctx, portdb.Query{Limit: portdb.MaxLimit})
	if err != nil {
		return fmt.Errorf("read ports to check the secret key: %w", err)
	}
	for _, it := range page.Items {
		var r struct {
			PINSealed string `json:"pin_sealed"`
		}
		if json.Unmarshal(it.Body, &r) != nil || r.PINSealed == "" {
			continue
		}
		if _, err := box.Open(it.ID, r.PINSealed); err != nil {
			return fmt.Errorf("%w (the PIN of port %s does not open)", ErrSecretKeyMismatch, it.ID)
		}
		return nil
	}
	return nil
}

// ParseSecretKey reads PORTDOCS_SECRET_KEY: 32 bytes as 64 hex digits or base64.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("PORTDOCS_SECRET_KEY must be 32 bytes as 64 hex digits or base64; make one with: openssl rand -hex 32")
}

// LoadOrCreateKeyFile reads the key in path, or creates it (0600) with a random key.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	if data, err := os.ReadFile(path); err == nil {
		return ParseSecretKey(string(data))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process won the race: use its key
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// Seal encrypts plaintext bound to id.
func (b *SecretBox) Seal(id, plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), []byte(id))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal made for id.
func (b *SecretBox) Open(id, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("sealed PIN is malformed")
	}
	n := b.aead.NonceSize()
	pt, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(id))
	if err != nil {
		return "", errors.New("sealed PIN does not open with this key (was PORTDOCS_SECRET_KEY changed?)")
	}
	return string(pt), nil
}
