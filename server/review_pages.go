package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/portdocs/portdocs/extract"
)

//go:embed static
var staticFS embed.FS

// handleReviewStatic serves the pages' stylesheet (embedded; no build step).
func handleReviewStatic() echo.HandlerFunc {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	files := http.StripPrefix(reviewPrefix+"/static/", http.FileServer(http.FS(sub)))
	return func(c echo.Context) error {
		if strings.HasSuffix(c.Request().URL.Path, "/") {
			return notFound("file") // no directory listings
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// queueView is one row of the queue page.
type queueView struct {
	reviewItem
	Age string
}

// ageFilters are the queue's "waiting at least" choices (values for older_than).
var ageFilters = []struct{ Value, Label string }{
	{"", "any time"}, {"1h", "1 hour"}, {"24h", "1 day"}, {"72h", "3 days"}, {"168h", "1 week"},
}

var statusFilters = []Status{StatusInReview, StatusSigned, StatusApproved, StatusRejected, "all"}

// handleQueue is GET /review: the sign-in form, or the queue through the API's own
// GET /v1/reviews (same filters, same order: oldest first).
func (ui *reviewUI) handleQueue() echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, _ := ui.session(c)
		if sess == nil {
			return ui.signInPage(c, http.StatusOK, "")
		}
		c.Set(principalKey, sess.who)
		q := url.Values{}
		status, flag, age := c.QueryParam("status"), strings.TrimSpace(c.QueryParam("flag")), c.QueryParam("older_than")
		search, carrier, cursor := strings.TrimSpace(c.QueryParam("q")), strings.TrimSpace(c.QueryParam("carrier")), c.QueryParam("cursor")
		for k, v := range map[string]string{"status": status, "flag": flag, "older_than": age, "q": search, "carrier": carrier, "cursor": cursor} {
			if v != "" {
				q.Set(k, v)
			}
		}
		data := ui.baseData(c)
		if status == "" {
			status = string(StatusInReview)
		}
		data["Filter"] = map[string]string{"Status": status, "Flag": flag, "Age": age, "Q": search, "Carrier": carrier}
		data["Statuses"], data["Ages"] = statusFilters, ageFilters
		code := http.StatusOK
		body, err := ui.callAPI(c, ui.s.handleReviews(), http.MethodGet, "/v1/reviews?"+q.Encode(), nil, nil)
		if err != nil {
			e := classify(err)
			if e.Status != http.StatusBadRequest {
				return err
			}
			data["Error"], code = e.Message, e.Status
		}
		var out struct {
			Reviews    []reviewItem   `json:"reviews"`
			Next       string         `json:"next_cursor"`
			FlagCounts map[string]int `json:"flag_counts"`
		}
		if body != nil {
			if err := json.Unmarshal(body, &out); err != nil {
				return fmt.Errorf("review queue: %w", err)
			}
		}
		items := make([]queueView, 0, len(out.Reviews))
		for _, it := range out.Reviews {
			items = append(items, queueView{reviewItem: it, Age: humanAge(time.Duration(it.AgeSeconds) * time.Second)})
		}
		data["Items"], data["Title"] = items, "Queue"
		// The chips: each flag with its count under the other filters; a chip links
		// to the queue narrowed to it (the current flag's chip widens it again).
		type chip struct {
			Code, URL string
			Count     int
			On        bool
		}
		var chips []chip
		for code, n := range out.FlagCounts {
			cq := url.Values{}
			for k, v := range q {
				if k != "flag" && k != "cursor" {
					cq[k] = v
				}
			}
			on := strings.EqualFold(code, flag)
			if !on {
				cq.Set("flag", code)
			}
			chips = append(chips, chip{Code: code, Count: n, On: on, URL: "/review?" + cq.Encode()})
		}
		sort.Slice(chips, func(i, j int) bool {
			return chips[i].Count > chips[j].Count || chips[i].Count == chips[j].Count && chips[i].Code < chips[j].Code
		})
		data["Chips"] = chips
		if out.Next != "" {
			nq := url.Values{}
			for k, v := range q {
				nq[k] = v
			}
			nq.Set("cursor", out.Next)
			data["NextURL"] = "/review?" + nq.Encode()
		}
		return ui.s.renderPage(c, code, "review_queue.html", data)
	}
}

// humanAge says how long a port has waited, coarsely: reviewers sort by it, not read it.
func humanAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// reviewCheck is the part of a stored Check (CONTRACT §3) the page shows.
type reviewCheck struct {
	Verdict string                 `json:"verdict"`
	Fields  map[string]reviewField `json:"fields"`
	Numbers []struct {
		Number string `json:"number"`
		OnBill bool   `json:"on_bill"`
		Page   int    `json:"page"`
	} `json:"numbers"`
	Flags []struct {
		Code      string `json:"code"`
		Field     string `json:"field"`
		Message   string `json:"message"`
		Rejection *struct {
			Code       string `json:"code"`
			Reason     string `json:"reason"`
			Likelihood string `json:"likelihood"`
		} `json:"rejection"`
	} `json:"flags"`
	RejectionRisk *struct {
		Level string   `json:"level"`
		Rule  string   `json:"rule"`
		Flags []string `json:"flags"`
	} `json:"rejection_risk"`
	PageViews    []extract.PageView `json:"page_views"`
	NotRequested []string           `json:"numbers_not_requested"`
	Split        *struct {
		Groups []struct {
			Numbers       []string `json:"numbers"`
			OnThisBill    bool     `json:"on_this_bill"`
			Carrier       string   `json:"carrier"`
			AccountNumber string   `json:"account_number"`
			Bill          string   `json:"bill"`
			Port          string   `json:"port"`
		} `json:"groups"`
	} `json:"split"`
	BTN *struct {
		Number string `json:"number"`
		Source string `json:"source"`
		Ported bool   `json:"ported"`
	} `json:"btn"`
	// Document: the signals of an alteration the check found in the bill file itself.
	Document *struct {
		Signals []struct {
			Kind     string `json:"kind"`
			Page     int    `json:"page"`
			Evidence string `json:"evidence"`
			Weak     bool   `json:"weak"`
		} `json:"signals"`
		Rendered []int    `json:"rendered_pages"`
		Notes    []string `json:"notes"`
	} `json:"document"`
}

type reviewField struct {
	Status     string          `json:"status"`
	Submitted  json.RawMessage `json:"submitted"`
	OnBill     json.RawMessage `json:"on_bill"`
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	Page       int             `json:"page"`
	BBox       *[4]float64     `json:"bbox"`
	Confidence float64         `json:"confidence"`
}

// fieldOrder and fieldLabels present the fields as the request form does.
var fieldOrder = []string{"carrier_name", "account_number", "account_pin", "business_name", "billing_name",
	"billing_address", "service_address", "bill_date"}

var fieldLabels = map[string]string{
	"carrier_name": "Carrier", "account_number": "Account number", "account_pin": "Account PIN",
	"business_name": "Business name", "billing_name": "Name on the account", "billing_address": "Billing address",
	"service_address": "Service address", "bill_date": "Bill date", "numbers": "Numbers to port",
}

func fieldLabel(k string) string {
	if l, ok := fieldLabels[k]; ok {
		return l
	}
	return strings.ReplaceAll(k, "_", " ")
}

// boxClass maps a field status to the box colour: green consistent, red mismatch,
// grey not on the bill (CSS in static/review.css).
func boxClass(status string) string {
	switch status {
	case "match", "equivalent":
		return "consistent"
	case "mismatch":
		return "mismatch"
	}
	return "not-on-bill"
}

type fieldView struct {
	Key, Label, Submitted, OnBill, Status, Class, Message string
	Page                                                  int
	Anchor                                                string // id of its box, when it has one
	Flags                                                 []string
}

type boxView struct {
	Field, Label, Class, ID, Title string
	X, Y, W, H                     string
}

type pageView struct {
	N          int
	URL, Alt   string
	ViewBox    string
	Boxes      []boxView
	WidthPx    int
	HeightPx   int
	HasOverlay bool
}

type docView struct {
	Document
	URL  string
	Size string
}

// display turns a submitted or on-bill value (a string or an address) into one line.
func display(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var a map[string]any
	if json.Unmarshal(raw, &a) == nil {
		var parts []string
		for _, k := range []string{"street", "street2", "city"} {
			if v, _ := a[k].(string); v != "" {
				parts = append(parts, v)
			}
		}
		st, _ := a["state"].(string)
		zip, _ := a["zip"].(string)
		if sz := strings.TrimSpace(st + " " + zip); sz != "" {
			parts = append(parts, sz)
		}
		return strings.Join(parts, ", ")
	}
	return string(raw)
}

func pts(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// latestBill is the bill the latest Check was made from: the check's name carries the
// first 8 hex digits of the bill's SHA-256 (see acceptBill); else the last bill stored.
func latestBill(r *Record) (storedDoc, bool) {
	var last storedDoc
	found := false
	for _, d := range r.Documents {
		if d.Kind != KindBill {
			continue
		}
		last, found = d, true
		if r.LatestCheck != "" && len(d.SHA256) >= 8 && strings.HasSuffix(r.LatestCheck, "-"+d.SHA256[:8]+".json") {
			return d, true
		}
	}
	return last, found
}
