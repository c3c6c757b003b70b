package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

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
