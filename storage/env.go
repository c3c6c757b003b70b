package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MinIOConfigFromEnv reads the MINIO_* variables (see the package documentation).
// ok is false when MINIO_ENDPOINT is unset: the local folder is meant.
func MinIOConfigFromEnv(getenv func(string) string) (cfg MinIOConfig, ok bool, err error) {
	if getenv("MINIO_ENDPOINT") == "" {
		return MinIOConfig{}, false, nil
	}
	var problems []error
	boolVar := func(name string, def bool) bool {
		v := getenv(name)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s=%q: use true or false", name, v))
		}
		return b
	}
	cfg = MinIOConfig{
		Endpoint:      getenv("MINIO_ENDPOINT"),
		AccessKey:     getenv("MINIO_ACCESS_KEY"),
		SecretKey:     getenv("MINIO_SECRET_KEY"),
		Bucket:        getenv("MINIO_BUCKET"),
		Region:        getenv("MINIO_REGION"),
		UseSSL:        boolVar("MINIO_USE_SSL", false),
		ObjectLock:    boolVar("MINIO_OBJECT_LOCK", true),
		Versioning:    boolVar("MINIO_VERSIONING", false),
		LegalHold:     boolVar("MINIO_LEGAL_HOLD", false),
		RetentionMode: strings.ToUpper(getenv("MINIO_RETENTION_MODE")),
		SSE:           getenv("MINIO_SSE"),
	}
	if v := getenv("MINIO_RETENTION_DAYS"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d <= 0 {
			problems = append(problems, fmt.Errorf("MINIO_RETENTION_DAYS=%q: give a positive number of days", v))
		}
		cfg.RetentionPeriod = time.Duration(d) * 24 * time.Hour
	}
	if v := getenv("MINIO_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			problems = append(problems, fmt.Errorf("MINIO_TIMEOUT=%q: give a duration such as 30s", v))
		}
		cfg.Timeout = d
	}
	if v := getenv("MINIO_RETRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Errorf("MINIO_RETRIES=%q: give a number", v))
		}
		cfg.Retries = n
	}
	return cfg, true, errors.Join(problems...)
}

// OpenFromEnv opens the store the environment asks for: MinIO when MINIO_ENDPOINT is
// set, otherwise the local folder PORTDOCS_DATA_DIR (default ./data). The description
// names it for the start-up log (never the secret key).
func OpenFromEnv(ctx context.Context, getenv func(string) string) (Store, string, error) {
	cfg, ok, err := MinIOConfigFromEnv(getenv)
	if err != nil {
		return nil, "", fmt.Errorf("storage: %w", err)
	}
	if ok {
		m, err := NewMinIO(ctx, cfg)
		if err != nil {
			return nil, "", err
		}
		scheme := "http"
		if cfg.UseSSL {
			scheme = "https"
		}
		return m, fmt.Sprintf("minio %s://%s/%s (object lock %v)", scheme, cfg.Endpoint, cfg.Bucket, cfg.ObjectLock), nil
	}
	dir := getenv("PORTDOCS_DATA_DIR")
	if dir == "" {
		dir = "./data"
	}
	l, err := NewLocal(dir, LocalOptions{})
	if err != nil {
		return nil, "", err
	}
	return l, "local folder " + l.Dir(), nil
}
