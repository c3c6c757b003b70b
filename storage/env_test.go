package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portdocs/portdocs/internal/testenv"
	"github.com/portdocs/portdocs/storage"
)

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestMinIOConfigFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantOK  bool
		want    storage.MinIOConfig
		wantErr string
	}{
		{name: "no endpoint means local", env: map[string]string{"MINIO_BUCKET": "b"}},
		{name: "minimal, object lock on by default", wantOK: true,
			env:  map[string]string{"MINIO_ENDPOINT": "minio:9000", "MINIO_ACCESS_KEY": "a", "MINIO_SECRET_KEY": "s", "MINIO_BUCKET": "b"},
			want: storage.MinIOConfig{Endpoint: "minio:9000", AccessKey: "a", SecretKey: "s", Bucket: "b", ObjectLock: true}},
		{name: "everything", wantOK: true,
			env: map[string]string{"MINIO_ENDPOINT": "s3.example.com", "MINIO_ACCESS_KEY": "a", "MINIO_SECRET_KEY": "s", "MINIO_BUCKET": "b",
				"MINIO_USE_SSL": "true", "MINIO_REGION": "us-east-1", "MINIO_OBJECT_LOCK": "false", "MINIO_VERSIONING": "1",
				"MINIO_RETENTION_MODE": "governance", "MINIO_RETENTION_DAYS": "30", "MINIO_LEGAL_HOLD": "true",
				"MINIO_SSE": "SSE-KMS:portdocs-key", "MINIO_TIMEOUT": "10s", "MINIO_RETRIES": "5"},
			want: storage.MinIOConfig{Endpoint: "s3.example.com", AccessKey: "a", SecretKey: "s", Bucket: "b", UseSSL: true, Region: "us-east-1",
				Versioning: true, RetentionMode: "GOVERNANCE", RetentionPeriod: 30 * 24 * time.Hour, LegalHold: true,
				SSE: "SSE-KMS:portdocs-key", Timeout: 10 * time.Second, Retries: 5}},
		{name: "bad values", wantOK: true, wantErr: "MINIO_USE_SSL",
			env: map[string]string{"MINIO_ENDPOINT": "m:9000", "MINIO_USE_SSL": "yes please", "MINIO_RETENTION_DAYS": "-1", "MINIO_TIMEOUT": "soon"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := storage.MinIOConfigFromEnv(envOf(tc.env))
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "MINIO_TIMEOUT") || !strings.Contains(err.Error(), "MINIO_RETENTION_DAYS") {
					t.Fatalf("err = %v, want one naming MINIO_USE_SSL, MINIO_RETENTION_DAYS and MINIO_TIMEOUT", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("config = %+v\nwant     %+v", got, tc.want)
			}
		})
	}
}

func TestOpenFromEnvLocal(t *testing.T) {
	dir := t.TempDir()
	s, desc, err := storage.OpenFromEnv(context.Background(), envOf(map[string]string{"PORTDOCS_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.(*storage.Local).Close()
	if !strings.Contains(desc, dir) {
		t.Errorf("description %q does not name %s", desc, dir)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestOpenFromEnvMinIO(t *testing.T) {
	srv := testenv.SharedMinIO(t)
	s, desc, err := storage.OpenFromEnv(context.Background(), envOf(map[string]string{
		"MINIO_ENDPOINT": srv.Endpoint, "MINIO_ACCESS_KEY": srv.AccessKey, "MINIO_SECRET_KEY": srv.SecretKey, "MINIO_BUCKET": newBucketName("env")}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*storage.MinIO); !ok || !strings.Contains(desc, srv.Endpoint) || strings.Contains(desc, srv.SecretKey) {
		t.Errorf("OpenFromEnv = %T %q, want MinIO named by endpoint, without the secret", s, desc)
	}
}
