package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// portPage builds the reviewer's page of one port: the bill's pages with a box on every
// field the check located, the fields side by side with what was submitted, the flags,
// the timeline and the documents.
func (ui *reviewUI) portPage(c echo.Context, r *Record) (map[string]any, error) {
	ctx := c.Request().Context()
	data := ui.baseData(c)
	data["Port"], data["Title"] = r, "Port "+r.ID
	data["Error"], data["ErrorField"], data["Note"] = "", "", ""
	data["Customer"] = strings.TrimSpace(r.Request.Customer.FirstName + " " + r.Request.Customer.LastName)
	data["CanDecide"] = r.Status == StatusInReview

	var chk reviewCheck
	if r.LatestCheck != "" {
		raw, err := ui.s.readDoc(ctx, r, r.LatestCheck)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &chk); err != nil {
			return nil, fmt.Errorf("check %s: %w", r.LatestCheck, err)
		}
		data["Check"] = &chk
	}

	// Fields: the known ones in form order, then anything else the checker reported.
	keys := make([]string, 0, len(chk.Fields))
	for _, k := range fieldOrder {
		if _, ok := chk.Fields[k]; ok {
			keys = append(keys, k)
		}
	}
	var extra []string
	for k := range chk.Fields {
		if !containsString(fieldOrder, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	keys = append(keys, extra...)
	flagsByField := map[string][]string{}
	flagMessages := map[string]bool{}
	for _, f := range chk.Flags {
		flagsByField[f.Field] = append(flagsByField[f.Field], f.Code+": "+f.Message)
		flagMessages[f.Field+"\x00"+f.Message] = true
	}
	fields := make([]fieldView, 0, len(keys))
	boxes := map[int][]boxView{}
	for _, k := range keys {
		f := chk.Fields[k]
		fv := fieldView{Key: k, Label: fieldLabel(k), Submitted: display(f.Submitted), OnBill: display(f.OnBill),
			Status: strings.ReplaceAll(f.Status, "_", " "), Class: boxClass(f.Status), Message: f.Message,
			Page: f.Page, Flags: flagsByField[k]}
		if flagMessages[k+"\x00"+f.Message] {
			fv.Message = "" // the flag below says the same
		}
		if f.Page > 0 && f.BBox != nil {
			b := *f.BBox
			fv.Anchor = fmt.Sprintf("box-%d-%s", f.Page, k)
			boxes[f.Page] = append(boxes[f.Page], boxView{Field: k, Label: fv.Label, Class: fv.Class, ID: fv.Anchor,
				Title: fv.Label + ": " + fv.Status, X: pts(b[0]), Y: pts(b[1]), W: pts(b[2] - b[0]), H: pts(b[3] - b[1])})
		}
		fields = append(fields, fv)
	}
	data["Fields"] = fields
	data["NumberFlags"] = flagsByField["numbers"]

	// The bill's pages, drawn from the stored bill.
	if bill, ok := latestBill(r); ok {
		load := func() ([]byte, error) { return ui.s.readDoc(ctx, r, bill.Name) }
		// How the pages were read, from the check of this bill; a check stored before
		// checks carried it gets the sizes from the file itself.
		var sizes []pageSize
		var err error
		usable := len(chk.PageViews) > 0 && strings.Contains(r.LatestCheck, bill.SHA256[:8])
		for _, v := range chk.PageViews {
			usable = usable && v.Width > 0 && v.Height > 0
		}
		if usable {
			for _, v := range chk.PageViews[:min(len(chk.PageViews), maxRenderPages)] {
				sizes = append(sizes, pageSize(v))
			}
		} else {
			sizes, err = ui.images.Sizes(ctx, bill.SHA256, bill.ContentType, load)
		}
		if err != nil {
			// The rest of the page is still useful; the reviewer can download the bill.
			ui.s.log.WarnContext(ctx, "bill page sizes", slog.String("port_id", r.ID), slog.String("error", err.Error()))
			data["PagesError"] = "The bill's pages cannot be shown here; download the bill below."
		}
		pages := make([]pageView, 0, len(sizes))
		for i, sz := range sizes {
			n := i + 1
			w, h := sz.pixelSize()
			pages = append(pages, pageView{N: n, Alt: fmt.Sprintf("Page %d of %d of the bill", n, len(sizes)),
				URL:     fmt.Sprintf("%s/ports/%s/bill/%s/pages/%d%s", reviewPrefix, r.ID, bill.SHA256, n, sz.query()),
				ViewBox: "0 0 " + pts(sz.Width) + " " + pts(sz.Height), Boxes: boxes[n], WidthPx: w, HeightPx: h})
		}
		data["Pages"], data["Bill"] = pages, bill
	}

	events := make([]Event, len(r.Timeline))
	copy(events, r.Timeline)
	data["Timeline"] = events
	docs := make([]docView, 0, len(r.Documents))
	for _, d := range r.Documents {
		docs = append(docs, docView{Document: d.Document, Size: humanSize(d.Size),
			URL: fmt.Sprintf("%s/ports/%s/documents/%s", reviewPrefix, r.ID, d.Name)})
	}
	data["Documents"] = docs
	return data, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (ui *reviewUI) handlePort() echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := ui.s.records.get(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		data, err := ui.portPage(c, r)
		if err != nil {
			return err
		}
		if c.QueryParam("done") != "" {
			data["Done"] = "Your decision is recorded: the port is " + strings.ReplaceAll(string(r.Status), "_", " ") + "."
		}
		return ui.s.renderPage(c, http.StatusOK, "review_port.html", data)
	}
}

// handleDecision approves or rejects through the API's POST /v1/ports/{id}/review
// handler, so the state check, the timeline events and the webhooks are the API's.
// A refused decision (no note, the port moved on) shows the page again with the reason
// and the note kept.
func (ui *reviewUI) handleDecision() echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Param("id")
		body, err := json.Marshal(reviewBody{Decision: c.FormValue("decision"), Note: c.FormValue("note"), Check: c.FormValue("check")})
		if err != nil {
			return err
		}
		_, err = ui.callAPI(c, ui.s.handleReview(), http.MethodPost, "/v1/ports/"+id+"/review",
			bytes.NewReader(body), map[string]string{"id": id})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, reviewPrefix+"/ports/"+id+"?done=1#timeline")
		}
		e := classify(err)
		if e.Status != http.StatusUnprocessableEntity && e.Status != http.StatusConflict {
			return err
		}
		r, gerr := ui.s.records.get(c.Request().Context(), id)
		if gerr != nil {
			return gerr
		}
		data, perr := ui.portPage(c, r)
		if perr != nil {
			return perr
		}
		data["Error"], data["ErrorField"], data["Note"] = e.Message, e.Field, c.FormValue("note")
		return ui.s.renderPage(c, e.Status, "review_port.html", data)
	}
}

// handlePageImage serves one rendered page of one of the port's bills. The URL names
// the bill by SHA-256, so the image never changes and the browser may keep it.
func (ui *reviewUI) handlePageImage() echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		r, err := ui.s.records.get(ctx, c.Param("id"))
		if err != nil {
			return err
		}
		var bill storedDoc
		for _, d := range r.Documents {
			if d.Kind == KindBill && d.SHA256 == c.Param("sha") {
				bill = d
			}
		}
		n, err := strconv.Atoi(c.Param("page"))
		if bill.Name == "" || err != nil {
			return errNoPageImage
		}
		turn, err := turnFromQuery(c.QueryParams())
		if err != nil {
			return err
		}
		img, err := ui.images.Page(ctx, bill.SHA256, bill.ContentType, n, turn, func() ([]byte, error) {
			return ui.s.readDoc(ctx, r, bill.Name)
		})
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "private, max-age=86400, immutable")
		return c.Blob(http.StatusOK, "image/png", img.PNG)
	}
}
