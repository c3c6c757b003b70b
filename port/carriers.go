package port

// Carrier is a US carrier with the names it prints on bills.
// The table and FindCarrier are filled in by the carrier work (issue 2).
type Carrier struct {
	Name     string   // canonical brand, e.g. "AT&T"
	Names    []string // brands, legal entities and former names as printed
	Wireless bool     // sells mobile lines (a PIN is required to port them)
}

// Carriers is the table of known US carriers.
var Carriers = []Carrier{}

// FindCarrier returns the carrier whose brand or legal name matches name (folded).
func FindCarrier(name string) (Carrier, bool) { return Carrier{}, false }
