package server

import (
	"net/http"
	"strings"
	"testing"
)

const metricsToken = "scraper-token-0123456789abcdef"

// TestMetricsAccess: /metrics wants an admin key or the metrics token by default,
// PORTDOCS_METRICS=open serves anyone and off removes the route; the token opens
// nothing else.
func TestMetricsAccess(t *testing.T) {
	const series = "portdocs_extractions_in_flight"
	for _, tc := range []struct {
		name       string
		access     MetricsAccess
		token      string
		url, key   string
		wantStatus int
	}{
		{name: "default: no key", url: "/metrics", wantStatus: http.StatusUnauthorized},
		{name: "default: admin key", url: "/metrics", key: adminKey, wantStatus: http.StatusOK},
		{name: "default: wizard key", url: "/metrics", key: wizardKey, wantStatus: http.StatusForbidden},
		{name: "default: reviewer key", url: "/metrics", key: reviewerKey, wantStatus: http.StatusForbidden},
		{name: "admin: the scraper token", access: MetricsAdmin, token: metricsToken, url: "/metrics", key: metricsToken, wantStatus: http.StatusOK},
		{name: "admin: a wrong token", access: MetricsAdmin, token: metricsToken, url: "/metrics", key: "other-token-0123456789abcdef", wantStatus: http.StatusUnauthorized},
		{name: "admin: admin key besides the token", access: MetricsAdmin, token: metricsToken, url: "/metrics", key: adminKey, wantStatus: http.StatusOK},
		{name: "the token is no API key", access: MetricsAdmin, token: metricsToken, url: "/v1/reviews", key: metricsToken, wantStatus: http.StatusUnauthorized},
		{name: "open: no key", access: MetricsOpen, url: "/metrics", wantStatus: http.StatusOK},
		{name: "off: not found", access: MetricsOff, url: "/metrics", key: adminKey, wantStatus: http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, func(c *Config) { c.Metrics, c.MetricsToken = tc.access, tc.token })
			rec := e.do(http.MethodGet, tc.url, tc.key, "", nil)
			if rec.Code != tc.wantStatus {
				t.Fatalf("GET %s: status %d, want %d\n%s", tc.url, rec.Code, tc.wantStatus, rec.Body)
			}
			if got := strings.Contains(rec.Body.String(), series); got != (tc.wantStatus == http.StatusOK && tc.url == "/metrics") {
				t.Errorf("body has the metrics: %v\n%.300s", got, rec.Body)
			}
		})
	}
}

func TestParseMetricsAccess(t *testing.T) {
	for _, tc := range []struct {
		mode, token string
		want        MetricsAccess
		wantErr     string
	}{
		{mode: "", want: MetricsAdmin},
		{mode: "admin", token: metricsToken, want: MetricsAdmin},
		{mode: "open", want: MetricsOpen},
		{mode: "off", want: MetricsOff},
		{mode: "public", wantErr: "PORTDOCS_METRICS"},
		{mode: "open", token: metricsToken, wantErr: "only checked with PORTDOCS_METRICS=admin"},
		{mode: "", token: "short", wantErr: "shorter than 16"},
	} {
		got, err := ParseMetricsAccess(tc.mode, tc.token)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseMetricsAccess(%q, %q) = %v, %v; want an error with %q", tc.mode, tc.token, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMetricsAccess(%q, %q) = %v, %v; want %v", tc.mode, tc.token, got, err, tc.want)
		}
	}
	if _, err := New(Config{Metrics: "public"}); err == nil || !strings.Contains(err.Error(), "PORTDOCS_METRICS") {
		t.Errorf("New with an unknown metrics mode: %v", err)
	}
}
