package port

import "strings"

// PINNeed says whether porting away from a carrier needs the account PIN.
type PINNeed int

const (
	PINNotNeeded PINNeed = iota // a landline/VoIP carrier: the PIN is optional
	PINMaybe                    // unknown carrier, or one selling both mobile and landlines
	PINNeeded                   // a mobile account: no port without the PIN
)

// mixedCarriers sell landlines as well as mobile lines under one brand, so their name
// alone does not say whether the number is mobile (US libphonenumber data cannot tell
// either). A printed "Wireless"/"Mobility" settles it.
var mixedCarriers = map[string]bool{"AT&T": true, "Verizon": true, "C Spire": true}

var mobileWords = []string{"WIRELESS", "MOBILE", "MOBILITY", "CELLULAR", "CELLCO", "PCS"}

// PINRequirement infers from carrier names (typed or printed on the bill) whether a PIN
// is required, and which carrier said so. The strongest evidence among names wins.
func PINRequirement(names ...string) (PINNeed, Carrier) {
	need, which, any := PINNotNeeded, Carrier{}, false
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		any = true
		c, found := FindCarrier(n)
		words := " " + foldWords(n) + " "
		mobileName := false
		for _, w := range mobileWords {
			mobileName = mobileName || strings.Contains(words, " "+w+" ")
		}
		switch {
		case mobileName || found && c.Wireless && !mixedCarriers[c.Name]:
			if !found {
				c = Carrier{Name: strings.TrimSpace(n), Wireless: true}
			}
			return PINNeeded, c
		case !found || c.Wireless:
			if need < PINMaybe {
				need, which = PINMaybe, c
			}
		}
	}
	if !any {
		return PINMaybe, Carrier{}
	}
	return need, which
}
