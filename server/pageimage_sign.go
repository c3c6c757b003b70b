package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// The signer's page shows the LOA in an <iframe> of the PDF, which phones do not draw
// inline (Chrome on Android shows an empty frame; headless Chromium at 375 px shows a
// dark box). These two helpers let sign.html show the letter as page images instead,
// rendered and cached like the reviewer's bill pages. Wiring (for the lead, see the
// issue 8 report):
//
//	sign.GET("/:token/loa/pages/:page", s.handleSignLOAPage(images))
//	data["LOAPages"] = s.signLOAPages(c, images, r)   // in pageData

// currentLOA is the letter a signing link shows: the signed one once it exists, else
// the one sent for signing (as handleSignLOA chooses).
func currentLOA(r *Record) (storedDoc, bool) {
	name := r.LOADocument
	for _, d := range r.Documents {
		if d.Kind == KindSignedLOA {
			name = d.Name
		}
	}
	return r.doc(name)
}

// handleSignLOAPage serves page n of the link's LOA as PNG, reached by the token alone.
func (s *Server) handleSignLOAPage(images *PageImages) echo.HandlerFunc {
	return func(c echo.Context) error {
		sg, _, r, err := s.signContext(c)
		if err != nil {
			return err
		}
		if err := s.allowLetter(sg, r); err != nil {
			return err
		}
		d, ok := currentLOA(r)
		n, err := strconv.Atoi(c.Param("page"))
		if !ok || err != nil {
			return errNoPageImage
		}
		ctx := c.Request().Context()
		img, err := images.Page(ctx, d.SHA256, d.ContentType, n, pageSize{}, func() ([]byte, error) { return s.readDoc(ctx, r, d.Name) })
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "image/png", img.PNG)
	}
}

// signLOAPages lists the link's LOA pages for the template; nil when they cannot be
// drawn (the page then still offers the PDF link).
func (s *Server) signLOAPages(c echo.Context, images *PageImages, r *Record) []pageView {
	d, ok := currentLOA(r)
	if !ok {
		return nil
	}
	ctx := c.Request().Context()
	sizes, err := images.Sizes(ctx, d.SHA256, d.ContentType, func() ([]byte, error) { return s.readDoc(ctx, r, d.Name) })
	if err != nil {
		s.log.WarnContext(ctx, "LOA page sizes", slog.String("port_id", r.ID), slog.String("error", err.Error()))
		return nil
	}
	out := make([]pageView, 0, len(sizes))
	for i, sz := range sizes {
		w, h := sz.pixelSize()
		out = append(out, pageView{N: i + 1, URL: fmt.Sprintf("/sign/%s/loa/pages/%d", c.Param("token"), i+1),
			Alt: fmt.Sprintf("Letter of Authorization, page %d of %d", i+1, len(sizes)), WidthPx: w, HeightPx: h})
	}
	return out
}
