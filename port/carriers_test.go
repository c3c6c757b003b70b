package port

import "testing"

func TestCarriersTable(t *testing.T) {
	if len(Carriers) < 25 {
		t.Fatalf("%d carriers, want at least 25", len(Carriers))
	}
	seen := map[string]string{}
	for _, c := range Carriers {
		if c.Name == "" || len(c.Names) == 0 {
			t.Errorf("carrier %+v lacks a name or its printed names", c)
		}
		for _, n := range c.Names {
			f := stripLegalSuffix(FoldCarrierName(n))
			if other, dup := seen[f]; dup && other != c.Name {
				t.Errorf("%q is listed for both %s and %s", n, other, c.Name)
			}
			seen[f] = c.Name
		}
		for _, a := range c.Ambiguous {
			found := false
			for _, n := range c.Names {
				found = found || n == a
			}
			if !found {
				t.Errorf("%s: ambiguous name %q is not one of its names", c.Name, a)
			}
		}
	}
}

func TestFindCarrier(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want     string // "" = not found
		wireless bool
	}{
		{"AT&T", "AT&T", true},
		{"at&t", "AT&T", true},
		{"AT and T", "AT&T", true},
		{"AT&T Mobility LLC", "AT&T", true},
		{"Cingular Wireless", "AT&T", true},
		{"Cellco Partnership d/b/a Verizon Wireless", "Verizon", true},
		{"VERIZON", "Verizon", true},
		{"T-Mobile USA, Inc.", "T-Mobile", true},
		{"TMobile", "T-Mobile", true},
		{"Sprint", "T-Mobile", true},
		{"Comcast Cable Communications, LLC", "Comcast Business", false},
		{"Xfinity Mobile", "Xfinity Mobile", true},
		{"Charter Communications", "Spectrum", false},
		{"CenturyLink", "Lumen", false},
		{"Qwest Corporation", "Lumen", false},
		{"Kinetic by Windstream", "Windstream", false},
		{"Altice USA", "Optimum", false},
		{"U.S. Cellular", "UScellular", true},
		{"United States Cellular Corp", "UScellular", true},
		{"8x8, Inc.", "8x8", false},
		{"RingCentral Inc", "RingCentral", false},
		{"Vonage Holdings Corporation", "Vonage", false},
		{"Google Voice", "Google Voice", false},
		{"Zoom Video Communications", "Zoom Phone", false},
		{"Bandwidth.com CLEC, LLC", "Bandwidth", false},
		{"The Frontier Communications Corporation", "Frontier", false},
		{"Shenandoah Cable Television, LLC d/b/a Glo Fiber", "Glo Fiber", false},
		{"Shentel", "Glo Fiber", false},
		{"Metronet Holdings, LLC", "Metronet", false},
		{"Atlantic Broadband", "Breezeline", false},
		{"Tello Mobile", "Tello", true},
		{"Acme Telephone Co-op", "", false},
		{"", "", false},
	} {
		c, ok := FindCarrier(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("FindCarrier(%q) = %s, want not found", tc.in, c.Name)
			}
			continue
		}
		if !ok || c.Name != tc.want || c.Wireless != tc.wireless {
			t.Errorf("FindCarrier(%q) = %q (wireless %v, found %v), want %q (wireless %v)", tc.in, c.Name, c.Wireless, ok, tc.want, tc.wireless)
		}
	}
}

func TestSameCarrier(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"AT&T", "AT&T Mobility", true},
		{"Verizon", "Cellco Partnership", true},
		{"Comcast Business", "Xfinity", true},
		{"Comcast", "Xfinity Mobile", false},
		{"AT&T", "Verizon", false},
		{"Spectrum", "Spectrum Mobile", false},
		{"Acme Tel Co", "ACME TEL", true},
		{"Acme Tel", "Verizon", false},
	} {
		if got := SameCarrier(tc.a, tc.b); got != tc.want {
			t.Errorf("SameCarrier(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
