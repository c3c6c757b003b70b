// Package server is portdocs' HTTP service: the port request's life from draft to
// approval over Echo. routes.go maps the whole API; each handler is a maker function
// taking its dependencies and returning an echo.HandlerFunc that returns errors, which
// one HTTPErrorHandler (errors.go) turns into {"error": {"code", "message", "field"}}.
//
// The server consumes extract, port, check, loa and storage through the small
// interfaces it declares in deps.go; cmd/portdocs/serve.go wires the real packages.
//
// A port lives in the Store as one JSON record (ports/{id}/port.json) updated with
// conditional puts (If-Match on the ETag), so two requests racing on one port never
// overwrite each other: the loser re-reads and re-applies its change. Documents (LOA,
// signed LOA, bills, checks) are written before the record that names them, so a
// storage failure halfway leaves the record pointing only at complete objects.
package server
