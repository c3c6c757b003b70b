package port

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Carrier is a US carrier with the names it prints on bills.
type Carrier struct {
	Name     string   // canonical brand, e.g. "AT&T"
	Names    []string // brands, legal entities and former names as printed
	Wireless bool     // sells mobile lines (a PIN is required to port them)
	// Ambiguous lists those Names that are also ordinary words ("Optimum",
	// "Bandwidth", "Zoom"): a bill reader trusts them only where a carrier name
	// stands (a header, a logo, a short line), never inside running text.
	Ambiguous []string
}

// Carriers is the table of known US carriers. Brands that port separately (a
// carrier's mobile arm sold under its own account numbers, a prepaid brand) are
// their own entries, so "Xfinity Mobile" is not "Comcast Business" for a port.
var Carriers = []Carrier{
	{Name: "AT&T", Wireless: true, Names: []string{"AT&T", "AT&T Mobility", "AT&T Mobility LLC", "AT&T Wireless",
		"AT&T Business", "AT&T Corp.", "AT&T Services, Inc.", "AT&T Inc.", "AT&T Enterprises, LLC", "Cingular Wireless",
		"Cingular", "SBC Communications", "BellSouth", "BellSouth Telecommunications", "Pacific Bell", "Ameritech",
		"Southwestern Bell", "Southwestern Bell Telephone Company"}},
	{Name: "Verizon", Wireless: true, Names: []string{"Verizon", "Verizon Wireless", "Verizon Business", "Verizon Fios",
		"Verizon Communications", "Verizon Communications Inc.", "Cellco Partnership", "Verizon New York Inc.",
		"Verizon Maryland LLC", "Verizon Business Network Services LLC", "MCI", "MCI WorldCom", "Bell Atlantic", "GTE"}},
	{Name: "T-Mobile", Wireless: true, Names: []string{"T-Mobile", "T-Mobile USA", "T-Mobile USA, Inc.",
		"T-Mobile for Business", "T-Mobile US, Inc.", "Sprint", "Sprint Corporation", "Sprint Nextel", "Nextel",
		"Sprint Spectrum L.P.", "MetroPCS", "Metro by T-Mobile"}, Ambiguous: []string{"Sprint"}},
	{Name: "Comcast Business", Names: []string{"Comcast Business", "Comcast", "Xfinity", "Comcast Cable",
		"Comcast Cable Communications", "Comcast Cable Communications, LLC", "Comcast Business Communications, LLC",
		"Comcast Corporation", "Xfinity Voice"}},
	{Name: "Xfinity Mobile", Wireless: true, Names: []string{"Xfinity Mobile", "Comcast OTR1, LLC"}},
	{Name: "Spectrum", Names: []string{"Spectrum", "Spectrum Business", "Spectrum Enterprise", "Spectrum Voice",
		"Charter", "Charter Communications", "Charter Communications, Inc.", "Charter Communications Operating, LLC",
		"Charter Spectrum", "Time Warner Cable", "Bright House Networks"}, Ambiguous: []string{"Spectrum", "Charter"}},
	{Name: "Spectrum Mobile", Wireless: true, Names: []string{"Spectrum Mobile", "Charter Mobile"}},
	{Name: "Lumen", Names: []string{"Lumen", "Lumen Technologies", "Lumen Technologies, Inc.", "CenturyLink",
		"CenturyLink Communications, LLC", "CenturyTel", "Qwest", "Qwest Corporation", "Qwest Communications",
		"Embarq", "Level 3", "Level 3 Communications", "Quantum Fiber"}, Ambiguous: []string{"Lumen"}},
	{Name: "Brightspeed", Names: []string{"Brightspeed", "Brightspeed Holdings, LLC"}},
	{Name: "Frontier", Names: []string{"Frontier", "Frontier Communications", "Frontier Communications Parent, Inc.",
		"Frontier Communications Corporation", "Frontier Fiber", "Frontier Business", "Citizens Communications"},
		Ambiguous: []string{"Frontier"}},
	{Name: "Cox", Names: []string{"Cox", "Cox Communications", "Cox Communications, Inc.", "Cox Business",
		"Cox Enterprises"}, Ambiguous: []string{"Cox"}},
	{Name: "Windstream", Names: []string{"Windstream", "Kinetic", "Kinetic by Windstream", "Windstream Communications",
		"Windstream Communications, LLC", "Windstream Enterprise", "Windstream Holdings"}, Ambiguous: []string{"Kinetic"}},
	{Name: "Optimum", Names: []string{"Optimum", "Optimum Business", "Altice", "Altice USA", "Altice USA, Inc.",
		"Cablevision", "Cablevision Systems", "Suddenlink", "CSC Holdings, LLC"}, Ambiguous: []string{"Optimum"}},
	{Name: "Optimum Mobile", Wireless: true, Names: []string{"Optimum Mobile", "Altice Mobile"}},
	{Name: "RingCentral", Names: []string{"RingCentral", "RingCentral, Inc.", "RingCentral MVP"}},
	{Name: "Vonage", Names: []string{"Vonage", "Vonage Business", "Vonage Holdings Corp.", "Vonage America LLC",
		"Vonage America Inc."}},
	{Name: "8x8", Names: []string{"8x8", "8x8, Inc.", "8x8 Work"}},
	{Name: "Nextiva", Names: []string{"Nextiva", "Nextiva, Inc."}},
	{Name: "Ooma", Names: []string{"Ooma", "Ooma, Inc.", "Ooma Office", "Ooma Telo"}},
	{Name: "Google Voice", Names: []string{"Google Voice", "Google LLC"}},
	{Name: "Google Fi", Wireless: true, Names: []string{"Google Fi", "Google Fi Wireless", "Project Fi"}},
	{Name: "UScellular", Wireless: true, Names: []string{"UScellular", "U.S. Cellular", "US Cellular",
		"United States Cellular", "United States Cellular Corporation", "United States Cellular Corp."}},
	{Name: "Mediacom", Names: []string{"Mediacom", "Mediacom Communications", "Mediacom Communications Corporation",
		"Mediacom Business", "Mediacom Xtream"}},
	{Name: "Consolidated Communications", Names: []string{"Consolidated Communications",
		"Consolidated Communications, Inc.", "Consolidated Communications Holdings", "Consolidated", "Fidium",
		"Fidium Fiber", "FairPoint", "FairPoint Communications", "SureWest"},
		Ambiguous: []string{"Consolidated", "Fidium"}},
	{Name: "TDS", Names: []string{"TDS", "TDS Telecom", "TDS Telecommunications", "TDS Telecommunications LLC",
		"TDS Fiber", "TDS Metrocom"}},
	{Name: "Grasshopper", Names: []string{"Grasshopper", "Grasshopper Group", "Grasshopper Group, LLC"},
		Ambiguous: []string{"Grasshopper"}},
	{Name: "Dialpad", Names: []string{"Dialpad", "Dialpad, Inc.", "UberConference"}},
	{Name: "Zoom Phone", Names: []string{"Zoom Phone", "Zoom", "Zoom Video Communications",
		"Zoom Video Communications, Inc.", "Zoom Communications, Inc.", "Zoom Voice Communications"},
		Ambiguous: []string{"Zoom"}},
	{Name: "Bandwidth", Names: []string{"Bandwidth", "Bandwidth Inc.", "Bandwidth.com", "Bandwidth.com CLEC, LLC"},
		Ambiguous: []string{"Bandwidth"}},
	{Name: "Twilio", Names: []string{"Twilio", "Twilio Inc."}},
	{Name: "Telnyx", Names: []string{"Telnyx", "Telnyx LLC"}},
	{Name: "Intermedia", Names: []string{"Intermedia", "Intermedia.net, Inc.", "Intermedia Unite"}},
	{Name: "GoTo Connect", Names: []string{"GoTo Connect", "GoTo", "Jive Communications", "Jive Communications, Inc.",
		"LogMeIn"}, Ambiguous: []string{"GoTo"}},
	{Name: "Cricket Wireless", Wireless: true, Names: []string{"Cricket Wireless", "Cricket", "Cricket Wireless LLC"},
		Ambiguous: []string{"Cricket"}},
	{Name: "Boost Mobile", Wireless: true, Names: []string{"Boost Mobile", "Boost Infinite", "DISH Wireless",
		"DISH Wireless L.L.C.", "EchoStar"}},
	{Name: "Visible", Wireless: true, Names: []string{"Visible", "Visible Wireless", "Visible Service LLC"},
		Ambiguous: []string{"Visible"}},
	{Name: "Mint Mobile", Wireless: true, Names: []string{"Mint Mobile", "Mint Mobile, LLC"}},
	{Name: "Straight Talk", Wireless: true, Names: []string{"Straight Talk", "Straight Talk Wireless", "TracFone",
		"TracFone Wireless", "TracFone Wireless, Inc.", "Total Wireless", "Total by Verizon"}},
	{Name: "Consumer Cellular", Wireless: true, Names: []string{"Consumer Cellular", "Consumer Cellular, Inc."}},
	{Name: "C Spire", Wireless: true, Names: []string{"C Spire", "C Spire Wireless", "Cellular South",
		"Cellular South, Inc."}},
	{Name: "altafiber", Names: []string{"altafiber", "Cincinnati Bell", "Cincinnati Bell Telephone Company LLC",
		"Hawaiian Telcom"}},
	{Name: "Astound", Names: []string{"Astound", "Astound Broadband", "Astound Business", "Astound Business Solutions", "RCN",
		"Grande Communications", "Wave Broadband"}},
	{Name: "WOW!", Names: []string{"WOW!", "WOW! Internet, TV & Phone", "WideOpenWest", "WideOpenWest, Inc."}},
	{Name: "Sparklight", Names: []string{"Sparklight", "Sparklight Business", "Cable One", "Cable One, Inc.", "Hargray",
		"Hargray Communications"}},
	{Name: "Ziply Fiber", Names: []string{"Ziply Fiber", "Ziply", "Northwest Fiber, LLC"}},
	{Name: "Granite Telecommunications", Names: []string{"Granite Telecommunications",
		"Granite Telecommunications, LLC"}},
	// Regional fiber and cable operators, business-voice providers and prepaid
	// wireless brands. A name that is also a surname or an ordinary word is listed
	// only in a longer form ("Lingo Telecom", not "Lingo").
	{Name: "Google Fiber", Names: []string{"Google Fiber", "Google Fiber Inc.", "GFiber"}},
	{Name: "Metronet", Names: []string{"Metronet", "Metronet Holdings, LLC", "Metronet Business", "Metro Fibernet"}},
	{Name: "ALLO", Names: []string{"ALLO", "ALLO Communications", "ALLO Communications LLC", "ALLO Fiber"},
		Ambiguous: []string{"ALLO"}},
	{Name: "Glo Fiber", Names: []string{"Glo Fiber", "Shentel", "Shentel Business", "Shenandoah Telecommunications",
		"Shenandoah Telecommunications Company", "Shenandoah Cable Television, LLC"}},
	{Name: "Breezeline", Names: []string{"Breezeline", "Atlantic Broadband", "Cogeco", "Cogeco US"}},
	{Name: "GCI", Wireless: true, Names: []string{"GCI", "GCI Communication Corp.", "General Communication"}},
	// Alaska Communications is ATN International's, not GCI's; it sold its mobile
	// business to GCI in 2015 and bills wireline and fiber service.
	{Name: "Alaska Communications", Names: []string{"Alaska Communications", "Alaska Communications Systems",
		"Alaska Communications Systems Group"}},
	{Name: "Midco", Names: []string{"Midco", "Midcontinent Communications", "Midco Business"}},
	{Name: "Hotwire Communications", Names: []string{"Hotwire Communications", "Hotwire Communications, Ltd.",
		"Hotwire Fision"}},
	{Name: "Sonic", Names: []string{"Sonic.net", "Sonic.net, LLC", "Sonic Telecom"}},
	{Name: "Lumos", Names: []string{"Lumos Fiber", "Lumos Networks", "Lumos Telephone"}},
	{Name: "Segra", Names: []string{"Segra", "Segra Business"}},
	{Name: "Fusion Connect", Names: []string{"Fusion Connect", "Fusion Connect, Inc."}},
	{Name: "Momentum Telecom", Names: []string{"Momentum Telecom", "Momentum Telecom, Inc."}},
	{Name: "Lingo", Names: []string{"Lingo Telecom", "Lingo Communications", "Impact Telecom", "BullsEye Telecom",
		"Birch Communications"}},
	{Name: "Mitel", Names: []string{"Mitel", "Mitel Networks", "MiCloud Connect"}},
	{Name: "Webex Calling", Names: []string{"Webex Calling", "Cisco Webex Calling"}},
	{Name: "Aircall", Names: []string{"Aircall", "Aircall Inc."}},
	{Name: "Phone.com", Names: []string{"Phone.com", "Phone.com, Inc."}},
	{Name: "net2phone", Names: []string{"net2phone", "net2phone, Inc."}},
	{Name: "Crexendo", Names: []string{"Crexendo", "Crexendo, Inc."}},
	{Name: "Sangoma", Names: []string{"Sangoma", "Sangoma Technologies", "Star2Star Communications"}},
	{Name: "Buckeye Broadband", Names: []string{"Buckeye Broadband", "Buckeye Cable", "Buckeye CableSystem"}},
	{Name: "Blue Ridge Communications", Names: []string{"Blue Ridge Communications"}},
	{Name: "Comporium", Names: []string{"Comporium", "Comporium Communications"}},
	{Name: "Nuvera", Names: []string{"Nuvera", "Nuvera Communications", "Nuvera Communications, Inc."}},
	{Name: "Arvig", Names: []string{"Arvig", "Arvig Enterprises"}},
	{Name: "Vyve Broadband", Names: []string{"Vyve Broadband"}},
	{Name: "Service Electric", Names: []string{"Service Electric Cablevision", "Service Electric Cable TV"}},
	{Name: "Ritter Communications", Names: []string{"Ritter Communications"}},
	{Name: "Point Broadband", Names: []string{"Point Broadband"}},
	{Name: "EarthLink", Names: []string{"EarthLink", "EarthLink Business"}},
	{Name: "Allstream", Names: []string{"Allstream", "Allstream Business"}},
	{Name: "Ting", Names: []string{"Ting Internet", "Ting Fiber"}},
	{Name: "Ting Mobile", Wireless: true, Names: []string{"Ting Mobile"}},
	{Name: "US Mobile", Wireless: true, Names: []string{"US Mobile"}},
	{Name: "Tello", Wireless: true, Names: []string{"Tello", "Tello Mobile"}},
	{Name: "Ultra Mobile", Wireless: true, Names: []string{"Ultra Mobile"}},
	{Name: "H2O Wireless", Wireless: true, Names: []string{"H2O Wireless"}},
	{Name: "Red Pocket Mobile", Wireless: true, Names: []string{"Red Pocket Mobile", "Red Pocket"}},
	{Name: "TextNow", Wireless: true, Names: []string{"TextNow", "TextNow, Inc."}},
	{Name: "magicJack", Names: []string{"magicJack", "magicJack VocalTec"}},
	{Name: "TPx", Names: []string{"TPx", "TPx Communications", "TelePacific", "TelePacific Communications"}},
	{Name: "Cellcom", Wireless: true, Names: []string{"Cellcom", "Nsight", "Nsight Telservices"}},
	{Name: "Vexus Fiber", Names: []string{"Vexus Fiber", "Vexus"}},
}

// legalSuffixes are dropped at the end of a folded name before comparing, so
// "Vonage Holdings Corp." and "Vonage Holdings Corporation" meet.
var legalSuffixes = []string{"incorporated", "corporation", "company", "limited", "inc", "llc", "lllp", "llp", "lp",
	"corp", "co", "ltd", "pllc", "pc"}

// FoldCarrierName folds a carrier name for comparison: case, accents, punctuation and
// spacing go; "&" and "and" meet ("AT&T" = "AT and T" = "at&t").
func FoldCarrierName(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '&':
			b.WriteString("and")
		case r == '!':
			b.WriteString("!") // "WOW!" is a brand, "wow" is not
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if r < unicode.MaxASCII || !unicode.Is(unicode.Mn, r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

func stripLegalSuffix(folded string) string {
	for changed := true; changed; {
		changed = false
		for _, suf := range legalSuffixes {
			if len(folded) > len(suf)+2 && strings.HasSuffix(folded, suf) {
				folded = strings.TrimSuffix(folded, suf)
				changed = true
			}
		}
	}
	return folded
}

var carrierIndex = func() map[string]int {
	idx := make(map[string]int)
	for i, c := range Carriers {
		for _, n := range append([]string{c.Name}, c.Names...) {
			f := FoldCarrierName(n)
			if _, dup := idx[f]; !dup {
				idx[f] = i
			}
			if s := stripLegalSuffix(f); s != f {
				if _, dup := idx[s]; !dup {
					idx[s] = i
				}
			}
		}
	}
	return idx
}()

// FindCarrier returns the carrier whose brand, legal entity or former name matches
// name after folding case, punctuation, "&"/"and" and a legal suffix. A "d/b/a" name
// ("Cellco Partnership d/b/a Verizon Wireless") matches through either side.
func FindCarrier(name string) (Carrier, bool) {
	for _, part := range carrierDBAParts(name) {
		f := FoldCarrierName(part)
		if f == "" {
			continue
		}
		if i, ok := carrierIndex[f]; ok {
			return Carriers[i], true
		}
		if i, ok := carrierIndex[stripLegalSuffix(f)]; ok {
			return Carriers[i], true
		}
		// "the" is sometimes printed before a legal name.
		if strings.HasPrefix(f, "the") {
			if i, ok := carrierIndex[stripLegalSuffix(f[3:])]; ok {
				return Carriers[i], true
			}
		}
	}
	return Carrier{}, false
}

// SameCarrier reports whether two printed or typed names are the same carrier for a
// port: a brand and its legal entity match, two different carriers never do. Names
// not in the table match only when they fold to the same text.
func SameCarrier(a, b string) bool {
	ca, oka := FindCarrier(a)
	cb, okb := FindCarrier(b)
	if oka && okb {
		return ca.Name == cb.Name
	}
	if oka != okb {
		return false
	}
	fa, fb := stripLegalSuffix(FoldCarrierName(a)), stripLegalSuffix(FoldCarrierName(b))
	return fa != "" && fa == fb
}

func carrierDBAParts(s string) []string {
	parts := []string{s}
	low := strings.ToLower(s)
	for _, sep := range []string{" d/b/a ", " dba ", " d.b.a. ", " doing business as "} {
		if i := strings.Index(low, sep); i >= 0 {
			parts = append(parts, s[:i], s[i+len(sep):])
		}
	}
	return parts
}
