package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/loa"
)

// openedIP opens the signing page with the given peer and headers and returns the IP
// the signing's audit recorded for that open.
func openedIP(t *testing.T, e *testEnv, peer string, headers map[string]string) string {
	t.Helper()
	id := e.createPort(validRequest)
	token := e.sendLOA(id)
	req := httptest.NewRequest(http.MethodGet, "/sign/"+token, nil)
	req.RemoteAddr = peer
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /sign: %d, want 200; %s", rec.Code, rec.Body)
	}
	row, err := e.srv.cfg.DB.GetSigning(t.Context(), loa.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	data := row.Body
	var sg loa.Signing
	mustJSON(t, data, &sg)
	for _, ev := range sg.Audit {
		if ev.Type == loa.EventOpened {
			return ev.IP
		}
	}
	t.Fatalf("no opened event in %s", data)
	return ""
}

func TestSignerIPTrustsOnlyConfiguredProxies(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	huge := strings.Repeat("a", 60<<10)
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		peer    string
		headers map[string]string
		want    string
	}{
		{"no proxies: XFF ignored", nil, "198.51.100.20:4000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "198.51.100.20"},
		{"no proxies: X-Real-IP ignored", nil, "198.51.100.20:4000", map[string]string{"X-Real-IP": "203.0.113.9"}, "198.51.100.20"},
		{"untrusted peer: XFF ignored", proxies, "198.51.100.20:4000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "198.51.100.20"},
		{"private peer not configured is not trusted", []netip.Prefix{netip.MustParsePrefix("192.0.2.7/32")}, "10.1.2.3:4000",
			map[string]string{"X-Forwarded-For": "203.0.113.9"}, "10.1.2.3"},
		{"trusted peer: client from XFF", proxies, "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"},
		{"trusted chain: rightmost untrusted wins", proxies, "10.1.2.3:4000",
			map[string]string{"X-Forwarded-For": "1.1.1.1, 203.0.113.9, 192.0.2.7"}, "203.0.113.9"},
		{"trusted peer: X-Real-IP", proxies, "10.1.2.3:4000", map[string]string{"X-Real-IP": "203.0.113.9"}, "203.0.113.9"},
		{"trusted peer: garbage XFF gives the peer", proxies, "10.1.2.3:4000", map[string]string{"X-Forwarded-For": "<script>"}, "10.1.2.3"},
		{"trusted peer: garbage X-Real-IP gives the peer", proxies, "10.1.2.3:4000", map[string]string{"X-Real-IP": "not-an-ip"}, "10.1.2.3"},
		{"60 KB XFF from an untrusted peer", nil, "198.51.100.20:4000", map[string]string{"X-Forwarded-For": huge}, "198.51.100.20"},
		{"60 KB XFF through a trusted proxy", proxies, "10.1.2.3:4000", map[string]string{"X-Forwarded-For": huge + ", 203.0.113.9"}, "203.0.113.9"},
		{"60 KB list of addresses", proxies, "10.1.2.3:4000",
			map[string]string{"X-Forwarded-For": strings.Repeat("203.0.113.1, ", 60<<10/13) + "203.0.113.9"}, "203.0.113.9"},
		{"IPv6 peer", nil, "[2001:db8::1]:4000", nil, "2001:db8::1"},
		{"peer without a valid address records nothing", nil, "garbage", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t, func(c *Config) { c.TrustedProxies = tc.proxies })
			if got := openedIP(t, e, tc.peer, tc.headers); got != tc.want {
				t.Errorf("recorded IP %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	if want := `["10.0.0.0/8","192.0.2.7/32","2001:db8::/32"]`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.com", "10.0.0.1/8"} {
		if _, err := ParseTrustedProxies(bad); err == nil || !strings.Contains(err.Error(), "PORTDOCS_TRUSTED_PROXIES") {
			t.Errorf("%q: err %v, want one naming PORTDOCS_TRUSTED_PROXIES", bad, err)
		}
	}
}
