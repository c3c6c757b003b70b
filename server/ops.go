package server

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"
)

//go:embed openapi.yaml
var openAPI []byte

func handleHealthz() echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	}
}

// handleReadyz answers 200 when storage and the database answer and every extra check
// (OCR) passes, 503 with the failing checks otherwise. Error texts are not sent: they
// may carry endpoints; the log has them.
func handleReadyz(core, extra map[string]Pinger, log *slog.Logger) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		checks := map[string]Pinger{}
		for name, p := range core {
			checks[name] = p
		}
		for name, p := range extra {
			checks[name] = p
		}
		names := make([]string, 0, len(checks))
		for n := range checks {
			names = append(names, n)
		}
		sort.Strings(names)
		result := map[string]string{}
		ok := true
		for _, n := range names {
			if err := checks[n](ctx); err != nil {
				ok = false
				result[n] = "unavailable"
				log.WarnContext(ctx, "not ready", slog.String("check", n), slog.String("error", err.Error()))
			} else {
				result[n] = "ok"
			}
		}
		status := http.StatusOK
		if !ok {
			status = http.StatusServiceUnavailable
			c.Response().Header().Set("Retry-After", "5")
		}
		return c.JSON(status, map[string]any{"ready": ok, "checks": result})
	}
}

func handleOpenAPI() echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", openAPI)
	}
}
