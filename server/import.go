package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/portdocs/portdocs/loa"
	"github.com/portdocs/portdocs/portdb"
)

// legacyImportedKey marks, in the database, that the records kept as JSON objects in
// storage (ports/ID/port.json, signings/HASH.json: portdocs before the database) were
// imported.
const legacyImportedKey = "legacy_store_imported"

// ImportLegacy copies the port records and signings that earlier versions kept as JSON
// objects in storage into the database, once: a record already there is kept as it
// is, so a second run (or two instances starting together) imports nothing twice. The
// objects stay in storage untouched. It returns how many ports and signings it copied.
func ImportLegacy(ctx context.Context, store Store, db *portdb.DB, log *slog.Logger) (ports, signings int, err error) {
	if _, done, err := db.Meta(ctx, legacyImportedKey); err != nil || done {
		return 0, 0, err
	}
	infos, err := store.List(ctx, "ports/")
	if err != nil {
		return 0, 0, fmt.Errorf("import: list ports: %w", err)
	}
	for _, info := range infos {
		id, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, "ports/"), "/port.json")
		if !ok || !portIDPattern.MatchString(id) {
			continue
		}
		var r Record
		if err := readJSON(ctx, store, info.Key, &r); err != nil {
			return ports, signings, err
		}
		p, err := portOf(&r)
		if err != nil {
			return ports, signings, err
		}
		switch err := db.Create(ctx, p); {
		case errors.Is(err, portdb.ErrExists):
		case err != nil:
			return ports, signings, fmt.Errorf("import port %s: %w", id, err)
		default:
			ports++
		}
	}
	infos, err = store.List(ctx, "signings/")
	if err != nil {
		return ports, signings, fmt.Errorf("import: list signings: %w", err)
	}
	for _, info := range infos {
		if !strings.HasSuffix(info.Key, ".json") {
			continue
		}
		var sg loa.Signing
		if err := readJSON(ctx, store, info.Key, &sg); err != nil {
			return ports, signings, err
		}
		data, err := json.Marshal(sg)
		if err != nil {
			return ports, signings, err
		}
		switch _, err := db.PutSigning(ctx, &portdb.Signing{TokenSHA256: sg.TokenSHA256, PortID: sg.PortID, Body: data}, portdb.NoVersion); {
		case errors.Is(err, portdb.ErrExists):
		case err != nil:
			return ports, signings, fmt.Errorf("import signing of port %s: %w", sg.PortID, err)
		default:
			signings++
		}
	}
	if err := db.SetMeta(ctx, legacyImportedKey, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return ports, signings, err
	}
	log.InfoContext(ctx, "imported the records kept in storage into the database", slog.Int("ports", ports), slog.Int("signings", signings))
	return ports, signings, nil
}

func readJSON(ctx context.Context, store Store, key string, v any) error {
	rc, _, err := store.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("import %s: %w", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return fmt.Errorf("import %s: %w", key, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("import %s: %w", key, err)
	}
	return nil
}
