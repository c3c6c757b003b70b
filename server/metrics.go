package server

import (
	"errors"
	"fmt"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsAccess says who may read /metrics (PORTDOCS_METRICS). The series name the
// routes, their traffic and the process: not secret, but nothing to hand to anyone
// who asks, so the default wants a key.
type MetricsAccess string

// The /metrics access modes.
const (
	MetricsAdmin MetricsAccess = "admin" // an admin key, or the metrics token
	MetricsOpen  MetricsAccess = "open"  // anyone who reaches the port
	MetricsOff   MetricsAccess = "off"   // no route: 404
)

// roleMetrics is the metrics token's role: it opens /metrics and nothing else (it is
// never among the keys the API checks, and ParseAPIKeys does not accept it).
const roleMetrics Role = "metrics"

// ParseMetricsAccess reads PORTDOCS_METRICS (empty is the default, admin) with
// PORTDOCS_METRICS_TOKEN: it refuses a mode it does not know, and a token that would
// not be checked (open, off) or is too short to be one.
func ParseMetricsAccess(mode, token string) (MetricsAccess, error) {
	a := MetricsAccess(mode)
	switch a {
	case "":
		a = MetricsAdmin
	case MetricsAdmin, MetricsOpen, MetricsOff:
	default:
		return "", fmt.Errorf("PORTDOCS_METRICS %q: use admin (an admin key or PORTDOCS_METRICS_TOKEN), open or off", mode)
	}
	switch {
	case token == "":
	case a != MetricsAdmin:
		return "", fmt.Errorf("PORTDOCS_METRICS_TOKEN is set but PORTDOCS_METRICS is %s; the token is only checked with PORTDOCS_METRICS=admin", a)
	case len(token) < 16:
		return "", errors.New("PORTDOCS_METRICS_TOKEN is shorter than 16 characters; use a long random token (openssl rand -hex 24)")
	}
	return a, nil
}

// metricsRoute registers /metrics as cfg.Metrics says. Scrapers send
// Authorization: Bearer with an admin key or the metrics token; unknown ones count
// towards the sign-in throttle like any other key.
func (s *Server) metricsRoute(e *echo.Echo) {
	h := echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	switch s.cfg.Metrics {
	case MetricsOff:
	case MetricsOpen:
		e.GET("/metrics", h)
	default:
		keys := append([]APIKey(nil), s.cfg.APIKeys...)
		if s.cfg.MetricsToken != "" {
			keys = append(keys, APIKey{Role: roleMetrics, Key: s.cfg.MetricsToken})
		}
		e.GET("/metrics", h, authenticate(keys, s), allow(roleMetrics))
	}
}

// metrics are the service's Prometheus series.
type metrics struct {
	latency     *prometheus.HistogramVec
	extractions *prometheus.CounterVec
	ocrPages    prometheus.Counter
	inFlight    prometheus.Gauge
	waiting     prometheus.Gauge
	webhooks    *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, ocr QueueStats) *metrics {
	m := &metrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "portdocs_http_request_duration_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"method", "route", "status"}),
		extractions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portdocs_extractions_total",
			Help: "Bill extractions by outcome (text, ocr, mixed, or the error code).",
		}, []string{"outcome"}),
		ocrPages: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portdocs_ocr_pages_total",
			Help: "Pages of bills read with OCR (documents whose method was ocr or mixed).",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portdocs_extractions_in_flight",
			Help: "Bills being read right now (uploads waiting for or inside the extractor and its OCR queue).",
		}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portdocs_extraction_waiters",
			Help: "Requests waiting for a bill's extraction. Identical uploads share one extraction, so this can exceed portdocs_extractions_in_flight.",
		}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portdocs_webhook_deliveries_total",
			Help: "Webhook delivery attempts by outcome.",
		}, []string{"outcome"}),
	}
	reg.MustRegister(m.latency, m.extractions, m.ocrPages, m.inFlight, m.waiting, m.webhooks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if ocr != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portdocs_ocr_queue_depth",
			Help: "OCR jobs waiting or running.",
		}, func() float64 { return float64(ocr.QueueDepth()) }))
	}
	return m
}
