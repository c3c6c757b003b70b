package port

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// PINMask is what every API response and Check shows instead of a PIN: a fixed mask,
// so neither the digits nor the length leak. An empty PIN stays empty so a client can
// still tell "given" from "missing".
const PINMask = "****"

// Masked returns a copy safe to send back to a client or to store in a timeline: the
// account PIN is replaced by PINMask.
func (r Request) Masked() Request {
	if r.Customer.AccountPIN != "" {
		r.Customer.AccountPIN = PINMask
	}
	r.Numbers = append([]Number(nil), r.Numbers...)
	r.AccountReceivingNumbers = append([]string(nil), r.AccountReceivingNumbers...)
	return r
}

// Validate lists every problem with the request. Errors block it; warnings do not.
func (r Request) Validate() []Problem {
	_, ps := r.Normalized()
	return ps
}

// ReadyForLOA is Validate plus what the LOA itself needs: both agreements ticked and a
// signer with a name and a deliverable email.
func (r Request) ReadyForLOA() []Problem {
	ps := r.Validate()
	if !r.Agreements.AuthorizePort {
		ps = append(ps, errorf("agreements.authorize_port", CodeAgreementRequired, "tick the box authorizing the port before the LOA can be sent"))
	}
	if !r.Agreements.Terms {
		ps = append(ps, errorf("agreements.terms", CodeAgreementRequired, "accept the terms before the LOA can be sent"))
	}
	if strings.TrimSpace(r.Signer.FullName) == "" {
		ps = append(ps, errorf("signer.full_name", CodeRequired, "enter the full name of the person who owns the numbers (usually the name on the bill)"))
	}
	if e := strings.TrimSpace(r.Signer.Email); e == "" {
		ps = append(ps, errorf("signer.email", CodeRequired, "enter the email address the LOA should be sent to"))
	} else if a, err := mail.ParseAddress(e); err != nil || a.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
		ps = append(ps, errorf("signer.email", CodeInvalidEmail, "%q is not an email address; enter it as name@example.com", e))
	}
	return ps
}

var zipRE = regexp.MustCompile(`^(\d{5})(?:[- ]?(\d{4}))?$`)

// NormalizeZIP returns "21201" or "21201-1234" for what people type ("21201 1234",
// "212011234"); ok is false when it is not a ZIP or ZIP+4.
func NormalizeZIP(s string) (string, bool) {
	m := zipRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	if m[2] != "" {
		return m[1] + "-" + m[2], true
	}
	return m[1], true
}

// Normalized returns a copy with numbers in E.164, the state as its USPS code, the ZIP
// formatted and strings trimmed, together with every problem found. Values that cannot
// be normalized are left as typed.
func (r Request) Normalized() (Request, []Problem) {
	var ps []Problem
	n := r
	n.CarrierName = strings.TrimSpace(r.CarrierName)
	n.Customer = Customer{
		FirstName:     strings.TrimSpace(r.Customer.FirstName),
		LastName:      strings.TrimSpace(r.Customer.LastName),
		BusinessName:  strings.TrimSpace(r.Customer.BusinessName),
		AccountNumber: strings.TrimSpace(r.Customer.AccountNumber),
		AccountPIN:    strings.TrimSpace(r.Customer.AccountPIN),
	}
	n.Signer = Signer{FullName: strings.TrimSpace(r.Signer.FullName), Email: strings.TrimSpace(r.Signer.Email)}

	// Who and with whom.
	// The carrier name stays as typed: the bill comparison needs the customer's words.
	if n.CarrierName == "" {
		ps = append(ps, errorf("carrier_name", CodeRequired, "enter the current carrier's name as it appears on the phone bill"))
	}
	if n.Customer.FirstName == "" {
		ps = append(ps, errorf("customer.first_name", CodeRequired, "enter the account holder's first name as it appears on the bill"))
	}
	if n.Customer.LastName == "" {
		ps = append(ps, errorf("customer.last_name", CodeRequired, "enter the account holder's last name as it appears on the bill"))
	}
	if a := n.Customer.AccountNumber; a == "" {
		ps = append(ps, errorf("customer.account_number", CodeRequired, "enter the account number exactly as it appears on the bill"))
	} else if k := alnum(a); len(k) < 4 || len(k) > 40 {
		ps = append(ps, errorf("customer.account_number", CodeInvalidAccount, "an account number has 4 to 40 letters and digits; this one has %d", len(k)))
	} else if strings.ContainsFunc(a, func(r rune) bool { return !strings.ContainsRune(" -./", r) && alnum(string(r)) == "" }) {
		ps = append(ps, warnf("customer.account_number", CodeInvalidAccount, "the account number contains characters other than letters, digits, spaces and dashes; check it against the bill"))
	}
	if n.Customer.AccountPIN == "" && n.CarrierName != "" {
		switch need, c := PINRequirement(n.CarrierName); {
		case need == PINNeeded:
			ps = append(ps, errorf("customer.account_pin", CodePINRequired, "%s accounts are mobile accounts: a mobile number cannot be ported without the account PIN (or passcode); ask the account holder for it", c.Name))
		case need == PINMaybe && c.Name != "":
			ps = append(ps, warnf("customer.account_pin", CodePINMaybeRequired, "%s sells mobile lines as well as landlines: if the numbers are mobile numbers, the port needs the account PIN (or passcode)", c.Name))
		case need == PINMaybe:
			ps = append(ps, warnf("customer.account_pin", CodePINMaybeRequired, "portdocs does not know whether %q sells mobile lines; a mobile number cannot be ported without the account PIN", n.CarrierName))
		}
	}

	n.BillingAddress, ps = normalizeAddress(r.BillingAddress, "billing_address", ps)
	n.Numbers, n.AccountReceivingNumbers, ps = normalizeNumbers(r.Numbers, r.AccountReceivingNumbers, ps)
	if b := strings.TrimSpace(r.BTN); b != "" {
		if e, err := NormalizeNumber(b); err != nil {
			ps = append(ps, errorf("btn", CodeInvalidNumber, "btn %v; write the billing telephone number with country code, e.g. +14105550142", err))
		} else {
			n.BTN = e
		}
	}
	return n, ps
}

func normalizeAddress(a Address, path string, ps []Problem) (Address, []Problem) {
	out := Address{
		Street:  strings.Join(strings.Fields(a.Street), " "),
		Street2: strings.Join(strings.Fields(a.Street2), " "),
		City:    strings.Join(strings.Fields(a.City), " "),
		State:   strings.TrimSpace(a.State),
		ZIP:     strings.TrimSpace(a.ZIP),
	}
	if out.Street == "" {
		ps = append(ps, errorf(path+".street", CodeRequired, "enter the street address as it appears on the bill"))
	}
	if out.City == "" {
		ps = append(ps, errorf(path+".city", CodeRequired, "enter the city as it appears on the bill"))
	}
	if out.State == "" {
		ps = append(ps, errorf(path+".state", CodeRequired, "enter the state (for example MD)"))
	} else if c, ok := StateCode(out.State); ok {
		out.State = c
	} else {
		ps = append(ps, errorf(path+".state", CodeInvalidState, "%q is not a US state, DC or territory; use its two-letter code (for example MD)", out.State))
	}
	if out.ZIP == "" {
		ps = append(ps, errorf(path+".zip", CodeRequired, "enter the ZIP code as it appears on the bill"))
	} else if z, ok := NormalizeZIP(out.ZIP); ok {
		out.ZIP = z
	} else {
		ps = append(ps, errorf(path+".zip", CodeInvalidZIP, "%q is not a ZIP code; enter 5 digits or ZIP+4 (21201 or 21201-1234)", out.ZIP))
	}
	return out, ps
}

func normalizeNumbers(nums []Number, account []string, ps []Problem) ([]Number, []string, []Problem) {
	if len(nums) == 0 {
		ps = append(ps, errorf("numbers", CodeNoNumbers, "add at least one number to port"))
		return nil, append([]string(nil), account...), ps
	}
	if len(nums) > MaxNumbers {
		ps = append(ps, errorf("numbers", CodeTooManyNumbers, "%d numbers in one request; the limit is %d, split it into several requests", len(nums), MaxNumbers))
	}
	out := make([]Number, len(nums))
	acct := make([]string, len(account))
	accountSet := map[string]int{}
	for i, a := range account {
		acct[i] = strings.TrimSpace(a)
		if e, err := NormalizeNumber(a); err == nil {
			acct[i] = e
			accountSet[e] = i
		} else {
			ps = append(ps, warnf(fmt.Sprintf("account_receiving_numbers[%d]", i), CodeInvalidNumber, "ignored: %v", err))
		}
	}
	receiving := map[string]int{} // E.164 → first index using it as receiving number
	recvErr := make([]error, len(nums))
	for i, num := range nums {
		out[i] = Number{Number: strings.TrimSpace(num.Number), ReceivingNumber: strings.TrimSpace(num.ReceivingNumber), TrackingSource: strings.TrimSpace(num.TrackingSource)}
		e, err := NormalizeNumber(num.ReceivingNumber)
		recvErr[i] = err
		if err == nil {
			out[i].ReceivingNumber = e
			if _, seen := receiving[e]; !seen {
				receiving[e] = i
			}
		}
	}
	seen := map[string]int{}
	for i, num := range nums {
		path := fmt.Sprintf("numbers[%d]", i)
		e, err := NormalizeNumber(num.Number)
		switch {
		case strings.TrimSpace(num.Number) == "":
			ps = append(ps, errorf(path+".number", CodeRequired, "enter the number to port, with country code (+14105550142)"))
		case err != nil:
			ps = append(ps, errorf(path+".number", CodeInvalidNumber, "%v; enter it with country code (+14105550142)", err))
		default:
			out[i].Number = e
			if j, dup := seen[e]; dup {
				ps = append(ps, errorf(path+".number", CodeDuplicateNumber, "%s is listed twice (also numbers[%d]); remove one", e, j))
			} else {
				seen[e] = i
			}
			if j, ok := receiving[e]; ok && j != i {
				ps = append(ps, errorf(path+".number", CodeNumberIsReceiving, "%s is being ported but is also the receiving number of numbers[%d]; calls cannot forward to a number that is in transit, pick another receiving number", e, j))
			}
			if _, ok := accountSet[e]; ok {
				ps = append(ps, errorf(path+".number", CodeNumberIsReceiving, "%s is already set up as a receiving number in your account; remove it as a receiving number before porting it", e))
			}
		}
		switch re := strings.TrimSpace(num.ReceivingNumber); {
		case re == "":
			ps = append(ps, errorf(path+".receiving_number", CodeReceivingRequired, "every number needs a receiving (forwarding) number for its calls during the port"))
		case recvErr[i] != nil:
			ps = append(ps, errorf(path+".receiving_number", CodeInvalidNumber, "%v; enter it with country code (+14105550199)", recvErr[i]))
		case err == nil && out[i].ReceivingNumber == e:
			ps = append(ps, errorf(path+".receiving_number", CodeReceivingIsSelf, "the receiving number cannot be the number being ported; enter a number that stays live during the port"))
		}
	}
	return out, acct, ps
}
