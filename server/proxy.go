package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// ParseTrustedProxies reads PORTDOCS_TRUSTED_PROXIES: comma-separated IP addresses
// and CIDR ranges of the reverse proxies in front of the service.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var p netip.Prefix
		var err error
		if strings.Contains(item, "/") {
			if p, err = netip.ParsePrefix(item); err == nil && p != p.Masked() {
				err = fmt.Errorf("host bits set; write %s", p.Masked())
			}
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(item); err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("PORTDOCS_TRUSTED_PROXIES item %d %q: %v; use IP addresses or CIDR ranges such as 10.0.0.0/8", i+1, item, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// ipExtractor is how the server finds the client's address. The direct peer is the
// client unless it is one of the configured proxies; only then are X-Forwarded-For
// (walked from the right, past trusted hops) and else X-Real-IP believed. Echo's
// extractors trust loopback and private ranges by default, which is switched off: a
// proxy is trusted only when configured. The work is bounded by the header limit
// (http.Server.MaxHeaderBytes), and whatever comes out is parsed again, so the audit
// records a valid IP or nothing.
func ipExtractor(proxies []netip.Prefix) echo.IPExtractor {
	direct := echo.ExtractIPDirect()
	pick := direct
	if len(proxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, p := range proxies {
			opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
		}
		xff, realIP := echo.ExtractIPFromXFFHeader(opts...), echo.ExtractIPFromRealIPHeader(opts...)
		pick = func(req *http.Request) string {
			if len(req.Header.Values(echo.HeaderXForwardedFor)) > 0 {
				return xff(req)
			}
			return realIP(req)
		}
	}
	return func(req *http.Request) string {
		if a, err := netip.ParseAddr(pick(req)); err == nil {
			return a.Unmap().WithZone("").String()
		}
		if a, err := netip.ParseAddr(direct(req)); err == nil {
			return a.Unmap().WithZone("").String()
		}
		return ""
	}
}
