package server

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/storage"
)

// putDoc stores a document of a port under ports/{id}/docs/{name}. Archived documents
// (Retain) are content-addressed or unique by name, so a retry that finds the object
// already there with the same SHA-256 counts as success.
func (s *Server) putDoc(ctx context.Context, portID, name, kind, contentType string, data []byte, retain bool) (storedDoc, error) {
	key := "ports/" + portID + "/docs/" + name
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	opts := storage.PutOptions{ContentType: contentType, Retain: retain, IfNoneMatch: "*",
		Metadata: map[string]string{"kind": kind, "port": portID}}
	_, err := s.cfg.Store.Put(ctx, key, bytes.NewReader(data), int64(len(data)), opts)
	if errors.Is(err, storage.ErrPreconditionFailed) || errors.Is(err, storage.ErrRetained) {
		info, serr := s.cfg.Store.Stat(ctx, key)
		if serr == nil && info.SHA256 == hexSum {
			err = nil
		} else {
			err = fmt.Errorf("document %s exists with other content: %w", name, err)
		}
	}
	if err != nil {
		return storedDoc{}, err
	}
	return storedDoc{Document: Document{Name: name, Kind: kind, SHA256: hexSum, Size: int64(len(data)),
		ContentType: contentType, CreatedAt: s.now().UTC()}, StoreKey: key}, nil
}

// readDoc reads a whole document, verifying its SHA-256 against the store and the record.
func (s *Server) readDoc(ctx context.Context, r *Record, name string) ([]byte, error) {
	d, ok := r.doc(name)
	if !ok {
		return nil, notFound("document " + name)
	}
	rc, _, err := s.cfg.Store.Get(ctx, d.StoreKey)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != d.SHA256 {
		return nil, fmt.Errorf("document %s: %w", name, storage.ErrIntegrity)
	}
	return data, nil
}

func (s *Server) handleDocument() echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.records.get(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		name := c.Param("name")
		data, err := s.readDoc(c.Request().Context(), r, name)
		if err != nil {
			return err
		}
		d, _ := r.doc(name)
		h := c.Response().Header()
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		h.Set("X-Content-SHA256", d.SHA256)
		h.Set("Cache-Control", "private, no-store")
		return c.Blob(http.StatusOK, d.ContentType, data)
	}
}

// ManifestFile is one entry of an archive's manifest.json.
type ManifestFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Kind   string `json:"kind,omitempty"`
}

// Manifest is manifest.json in a port's archive: the SHA-256 of every other file.
type Manifest struct {
	PortID    string         `json:"port_id"`
	Status    Status         `json:"status"`
	CreatedAt time.Time      `json:"created_at"`
	Files     []ManifestFile `json:"files"`
}

// handleArchive streams the port as one ZIP: request.json (PIN masked), timeline.json,
// every document under documents/, and manifest.json with their SHA-256s. Every
// document is read and verified before the first byte goes out, so a damaged store
// gives an error status instead of a truncated ZIP.
func (s *Server) handleArchive() echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		r, err := s.records.get(ctx, c.Param("id"))
		if err != nil {
			return err
		}
		type file struct {
			name, kind string
			data       []byte
		}
		var files []file
		reqJSON, err := json.MarshalIndent(map[string]any{
			"id": r.ID, "status": r.Status, "request": r.Request.Masked(), "submitter_email": r.SubmitterEmail,
			"created_at": r.CreatedAt, "updated_at": r.UpdatedAt, "verdict": r.Verdict, "flag_codes": r.FlagCodes,
		}, "", "  ")
		if err != nil {
			return err
		}
		files = append(files, file{"request.json", "request", reqJSON})
		tl, err := json.MarshalIndent(r.Timeline, "", "  ")
		if err != nil {
			return err
		}
		files = append(files, file{"timeline.json", "timeline", tl})
		for _, d := range r.Documents {
			data, err := s.readDoc(ctx, r, d.Name)
			if err != nil {
				return err
			}
			files = append(files, file{"documents/" + d.Name, d.Kind, data})
		}
		m := Manifest{PortID: r.ID, Status: r.Status, CreatedAt: s.now().UTC()}
		for _, f := range files {
			sum := sha256.Sum256(f.data)
			m.Files = append(m.Files, ManifestFile{Name: f.name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(f.data)), Kind: f.kind})
		}
		mj, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		files = append(files, file{"manifest.json", "", mj})

		h := c.Response().Header()
		h.Set(echo.HeaderContentType, "application/zip")
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "port-"+r.ID+".zip"))
		h.Set("Cache-Control", "private, no-store")
		c.Response().WriteHeader(http.StatusOK)
		zw := zip.NewWriter(c.Response())
		for _, f := range files {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: "port-" + r.ID + "/" + f.name, Method: zip.Deflate, Modified: r.UpdatedAt})
			if err != nil {
				return err
			}
			if _, err := w.Write(f.data); err != nil {
				return err
			}
		}
		return zw.Close()
	}
}

// safeName keeps a document name to one path segment.
func safeName(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/\\") && s != "." && s != ".."
}
