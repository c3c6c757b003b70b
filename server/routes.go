package server

import (
	"github.com/labstack/echo/v4"
)

// routes maps the whole service. Reading this function tells who may call what.
func (s *Server) routes(e *echo.Echo) {
	e.Use(s.observe, s.limits)

	// Operations: probes need no key; /metrics wants an admin key or the metrics
	// token unless PORTDOCS_METRICS opens or removes it (metrics.go).
	e.GET("/healthz", handleHealthz())
	e.GET("/readyz", handleReadyz(map[string]Pinger{"storage": s.cfg.Store.Ping, "database": s.cfg.DB.Ping}, s.cfg.Ready, s.log))
	s.metricsRoute(e)
	e.GET("/openapi.yaml", handleOpenAPI())

	// The signer's pages: reached by the token alone, and only the token's own port.
	sign := e.Group("/sign", secureHeaders)
	sign.GET("/:token", s.handleSignPage())
	sign.POST("/:token", s.handleSign())
	sign.GET("/:token/loa.pdf", s.handleSignLOA())
	sign.GET("/:token/loa/pages/:page", s.handleSignLOAPage(s.pageImages))
	sign.GET("/:token/bill", s.handleBillPage())
	sign.POST("/:token/bill", s.handleBillUpload(), s.largeUploadSlot)

	// The API: a bearer key with a role.
	api := e.Group("/v1", s.cors(), authenticate(s.cfg.APIKeys, s))
	wizard := allow(RoleWizard)
	reviewer := allow(RoleReviewer)
	anyRole := allow(RoleWizard, RoleReviewer)

	api.POST("/extract", handleExtract(s.reader, s.cfg.MaxUpload), wizard, s.largeUploadSlot)
	api.POST("/numbers", handleNumbers(), wizard)

	api.POST("/ports", s.handleCreatePort(), wizard)
	api.GET("/ports/:id", s.handleGetPort(), anyRole, s.ownPort)
	api.POST("/ports/:id/loa", s.handleSendLOA(), wizard, s.ownPort)
	api.POST("/ports/:id/bill", s.handleBill(), wizard, s.ownPort, s.largeUploadSlot)
	api.GET("/ports/:id/check", s.handleGetCheck(), anyRole, s.ownPort)
	api.GET("/ports/:id/notes", s.handleNotes(), anyRole, s.ownPort)
	api.POST("/ports/:id/notes", s.handleAddNote(), anyRole, s.ownPort)
	api.POST("/ports/:id/cancel", s.handleCancel(), wizard, s.ownPort)
	api.POST("/ports/:id/split", s.handleSplit(), anyRole, s.ownPort)
	api.GET("/ports/:id/documents/:name", s.handleDocument(), anyRole, s.ownPort)
	api.GET("/ports/:id/archive.zip", s.handleArchive(), reviewer, s.ownPort)

	api.GET("/reviews", s.handleReviews(), reviewer)
	api.POST("/ports/:id/review", s.handleReview(), reviewer, s.ownPort)

	// The reviewer's pages: sign in with a reviewer or admin key, then a session cookie.
	s.reviewRoutes(e)
}
