package port

import "strings"

// stateNames maps USPS two-letter codes to names: the 50 states, DC, the territories
// and the armed-forces "states" (Publication 28, Appendix B).
var stateNames = map[string]string{
	"AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA",
	"CO": "COLORADO", "CT": "CONNECTICUT", "DE": "DELAWARE", "FL": "FLORIDA", "GA": "GEORGIA",
	"HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS", "IN": "INDIANA", "IA": "IOWA",
	"KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA", "ME": "MAINE", "MD": "MARYLAND",
	"MA": "MASSACHUSETTS", "MI": "MICHIGAN", "MN": "MINNESOTA", "MS": "MISSISSIPPI", "MO": "MISSOURI",
	"MT": "MONTANA", "NE": "NEBRASKA", "NV": "NEVADA", "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY",
	"NM": "NEW MEXICO", "NY": "NEW YORK", "NC": "NORTH CAROLINA", "ND": "NORTH DAKOTA", "OH": "OHIO",
	"OK": "OKLAHOMA", "OR": "OREGON", "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA",
	"SD": "SOUTH DAKOTA", "TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT",
	"VA": "VIRGINIA", "WA": "WASHINGTON", "WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING",
	"DC": "DISTRICT OF COLUMBIA",
	"AS": "AMERICAN SAMOA", "GU": "GUAM", "MP": "NORTHERN MARIANA ISLANDS", "PR": "PUERTO RICO",
	"VI": "VIRGIN ISLANDS", "UM": "UNITED STATES MINOR OUTLYING ISLANDS",
	"FM": "FEDERATED STATES OF MICRONESIA", "MH": "MARSHALL ISLANDS", "PW": "PALAU",
	"AA": "ARMED FORCES AMERICAS", "AE": "ARMED FORCES EUROPE", "AP": "ARMED FORCES PACIFIC",
}

// stateCodes is the reverse of stateNames plus common alternative spellings.
var stateCodes = func() map[string]string {
	m := make(map[string]string, len(stateNames)+8)
	for code, name := range stateNames {
		m[name] = code
	}
	m["WASHINGTON DC"] = "DC"
	m["WASHINGTON D C"] = "DC"
	m["D C"] = "DC"
	m["US VIRGIN ISLANDS"] = "VI"
	m["U S VIRGIN ISLANDS"] = "VI"
	m["VIRGIN ISLANDS OF THE U S"] = "VI"
	m["PUERTO RICO COMMONWEALTH"] = "PR"
	return m
}()

// StateCode returns the USPS code for a state typed as a code ("md", "M.D.") or a name
// ("Maryland", "new york"); ok is false when it is neither.
func StateCode(s string) (code string, ok bool) {
	f := foldWords(s)
	if f == "" {
		return "", false
	}
	if c := strings.ReplaceAll(f, " ", ""); len(c) == 2 {
		if _, ok := stateNames[c]; ok {
			return c, true
		}
	}
	if c, ok := stateCodes[f]; ok {
		return c, true
	}
	return "", false
}

// StateName returns the upper-case name for a USPS code.
func StateName(code string) string { return stateNames[strings.ToUpper(code)] }
