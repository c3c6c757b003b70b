package check

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portdocs/portdocs/extract"
	"github.com/portdocs/portdocs/forensic"
	"github.com/portdocs/portdocs/port"
)

// Verdicts.
const (
	VerdictPass    = "pass"
	VerdictFlagged = "flagged"
)

// Field names of Check.Fields (the Extraction's field names, CONTRACT §2).
const (
	FieldCarrierName    = "carrier_name"
	FieldAccountNumber  = "account_number"
	FieldAccountPIN     = "account_pin"
	FieldBusinessName   = "business_name"
	FieldBillingName    = "billing_name"
	FieldBillingAddress = "billing_address"
	FieldBillDate       = "bill_date"
	FieldNumbers        = "numbers"
	FieldDocument       = "document" // the bill file itself (flags about the document, not a field)
	FieldSigner         = "signer"   // the person who signs the LOA (request.signer)
)

// Flag codes beyond the comparison codes of package port.
const (
	CodeTNNotOnBill             = "TN_NOT_ON_BILL"
	CodePINRequired             = "PIN_REQUIRED"
	CodeBillTooOld              = "BILL_TOO_OLD"
	CodeFieldNotOnBill          = "FIELD_NOT_ON_BILL"
	CodeServiceAddressSubmitted = "SERVICE_ADDRESS_SUBMITTED"
	CodeLowConfidence           = "LOW_CONFIDENCE"
	CodeBillDateInvalid         = "BILL_DATE_INVALID"
	CodeAlteredDocument         = "ALTERED_DOCUMENT_SUSPECTED"
	CodeSignerNotAccountHolder  = "SIGNER_NOT_ACCOUNT_HOLDER"
	CodeNumbersNotRequested     = "NUMBERS_ON_BILL_NOT_REQUESTED"
	CodeBTNNotPortedPartial     = "BTN_NOT_PORTED_PARTIAL"
	CodeMultipleAccounts        = "MULTIPLE_ACCOUNTS"
	CodeMultipleCarriers        = "MULTIPLE_CARRIERS"
)

// MaxBillAge is how old a bill may be, counted from its date to the check.
const MaxBillAge = 60 * 24 * time.Hour

// ReviewConfidence: a field read with less confidence than this, or with warnings from
// the reader, never passes on its own even when it agrees with the request.
const ReviewConfidence = 0.80

// Check is the comparison of a port request with a bill (CONTRACT §3).
type Check struct {
	Verdict string           `json:"verdict"`
	Fields  map[string]Field `json:"fields"`
	Numbers []Number         `json:"numbers"`
	// NotRequested are the customer's numbers on the bill that the request does not
	// port (E.164): a partial port, and what stays with the losing carrier.
	NotRequested []string `json:"numbers_not_requested"`
	// BTN is the account's billing telephone number as the check knows it, and how.
	BTN   *BTN   `json:"btn,omitempty"`
	Flags []Flag `json:"flags"`
	// Split, when the request mixes numbers of this bill with others, says how it
	// must be split: one port request and one LOA per account.
	Split *SplitPlan `json:"split,omitempty"`
	// RejectionRisk rates the flags by the rejection each would cause.
	RejectionRisk RejectionRisk `json:"rejection_risk"`
	// PageViews is how each page of the bill was read (see extract.PageView): the
	// reviewer's page draws the stored bill under the boxes with it.
	PageViews []extract.PageView `json:"page_views,omitempty"`
	// Document is what the bill file itself shows about its history (package forensic):
	// signals of an alteration with their evidence, for a reviewer. Absent when only
	// the extraction was checked (Run).
	Document *forensic.Report `json:"document,omitempty"`
}

// Field is the verdict on one field. Submitted and OnBill are strings, or port.Address
// for the addresses; a PIN is always masked in both.
type Field struct {
	Status    port.Status `json:"status"`
	Submitted any         `json:"submitted,omitempty"`
	OnBill    any         `json:"on_bill,omitempty"`
	Code      string      `json:"code,omitempty"`
	Message   string      `json:"message,omitempty"`
	// Evidence on the bill, for the reviewer.
	Page       int           `json:"page,omitempty"`
	BBox       *extract.BBox `json:"bbox,omitempty"`
	Confidence float64       `json:"confidence,omitempty"`
	Source     string        `json:"source,omitempty"`
}

// Number says whether one number to port appears on the bill.
type Number struct {
	Number string `json:"number"`
	OnBill bool   `json:"on_bill"`
	Page   int    `json:"page,omitempty"`
	// OnOtherBill names another bill of the same port that lists the number, when this
	// one does not.
	OnOtherBill string `json:"on_other_bill,omitempty"`
}

// SplitPlan is how a request that spans accounts must be split.
type SplitPlan struct {
	Groups []SplitGroup `json:"groups"`
}

// SplitGroup is one account's numbers: the port request they belong in.
type SplitGroup struct {
	Numbers       []string `json:"numbers"`
	OnThisBill    bool     `json:"on_this_bill"`
	AccountNumber string   `json:"account_number,omitempty"` // as the bill prints it
	Carrier       string   `json:"carrier,omitempty"`
	Bill          string   `json:"bill,omitempty"` // the other bill that lists them (OtherBill.Document)
	Port          string   `json:"port"`           // which port request takes them
}

// OtherBill is another bill uploaded for the same port (extract.BillSummary): its
// carrier, its account number and its numbers.
type OtherBill = extract.BillSummary

// Summarize is the OtherBill of an Extraction, kept for the next bill's check.
func Summarize(document string, ex *extract.Extraction) OtherBill { return ex.Summary(document) }

// accountOf is the account a bill lists number under: its section's on a bill of
// several accounts, else the bill's.
func accountOf(number, billAccount string, accounts []extract.Account) string {
	for _, a := range accounts {
		if slices.Contains(a.Numbers, number) {
			return a.AccountNumber
		}
	}
	return billAccount
}

// BTN is the billing telephone number: given in the request, or read from an account
// number that starts with a number of the bill (wireline carriers number accounts
// after the BTN: "410-555-0142-123").
type BTN struct {
	Number string `json:"number"`
	Source string `json:"source"` // "request" or "account_number"
	Ported bool   `json:"ported"`
}

// Flag is one reason the port would be rejected or needs a reviewer.
type Flag struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
	// Rejection is the losing carrier's reject this flag prevents.
	Rejection *Rejection `json:"rejection,omitempty"`
}

type run struct {
	others []OtherBill
	c      Check
	ex     *extract.Extraction
	req    port.Request
}

func (r *run) flag(code, field, format string, args ...any) {
	r.c.Flags = append(r.c.Flags, Flag{Code: code, Field: field, Message: fmt.Sprintf(format, args...)})
}

// evidence copies a bill field's evidence into f.
func evidence[T any](f *Field, bf *extract.Field[T]) {
	if bf == nil {
		return
	}
	f.Page, f.Confidence, f.Source = bf.Page, bf.Confidence, string(bf.Source)
	if bf.BBox != (extract.BBox{}) {
		b := bf.BBox
		f.BBox = &b
	}
}

// doubtful: a field the reader was not sure of. A match on it is not a pass.
func doubtful[T any](bf *extract.Field[T]) bool {
	return bf != nil && (bf.Confidence < ReviewConfidence || len(bf.Warnings) > 0)
}

// Run compares req with the bill's Extraction ex as of now. ex may be nil (nothing could
// be read): everything is then unverifiable and the verdict is flagged.
func Run(req port.Request, ex *extract.Extraction, now time.Time) Check {
	return RunAmong(req, ex, now, nil)
}

// RunAmong is Run for a port that has other bills too (uploaded earlier, for numbers
// on other accounts or with other carriers): a number this bill does not list but
// another does is not missing, it is on that bill's account, and the split plan
// groups the request's numbers by the account and carrier of the bill that lists
// them.
func RunAmong(req port.Request, ex *extract.Extraction, now time.Time, others []OtherBill) Check {
	if ex == nil {
		ex = &extract.Extraction{}
	}
	r := &run{others: others, ex: ex, req: req, c: Check{Fields: map[string]Field{}, Numbers: []Number{}, NotRequested: []string{}, Flags: []Flag{}}}
	r.carrier()
	r.account()
	businessOK := r.business()
	r.person(businessOK)
	r.signer()
	r.address()
	r.pin()
	r.billDate(now)
	r.numbers()
	r.requestProblems()
	r.c.PageViews = ex.PageViews
	r.c.finish()
	return r.c
}

// Bill is Run on a bill's bytes: it also examines the file itself for signs that it
// was altered after its producer wrote it (forensic.Inspect, bounded by opts), records
// the signals in Document, and flags ALTERED_DOCUMENT_SUSPECTED for a reviewer when
// they amount to a suspicion. It never accuses: the flag's message is the evidence.
func Bill(ctx context.Context, req port.Request, ex *extract.Extraction, data []byte, now time.Time, opts forensic.Options) Check {
	return BillAmong(ctx, req, ex, data, now, opts, nil)
}

// BillAmong is Bill for a port with other bills (see RunAmong).
func BillAmong(ctx context.Context, req port.Request, ex *extract.Extraction, data []byte, now time.Time, opts forensic.Options, others []OtherBill) Check {
	c := RunAmong(req, ex, now, others)
	rep := forensic.Inspect(ctx, data, ex, opts)
	c.Document = &rep
	if rep.Suspected() {
		c.Flags = append(c.Flags, Flag{Code: CodeAlteredDocument, Field: FieldDocument,
			Message: "the bill may have been altered after it was issued; compare it with a copy from the carrier: " + rep.Summary()})
		c.finish()
	}
	return c
}

// compareString records the comparison of a string field and flags it as needed. It returns
// the field's status.
func compareString(r *run, name string, typed string, bf *extract.Field[string], what string, cmp func(typed, bill string) port.Comparison) port.Status {
	f := Field{Submitted: typed}
	switch {
	case bf == nil || strings.TrimSpace(bf.Value) == "":
		f.Status = port.StatusNotOnBill
		r.c.Fields[name] = f
		if strings.TrimSpace(typed) == "" {
			r.flag(port.CodeRequired, name, "the %s is missing from the request and the bill does not show it; enter it from the bill", what)
			return f.Status
		}
		r.flag(CodeFieldNotOnBill, name, "the bill does not show the %s, so %q cannot be verified; upload the page of the bill that shows it", what, typed)
		return f.Status
	}
	f.OnBill = bf.Value
	evidence(&f, bf)
	c := cmp(typed, bf.Value)
	f.Status, f.Code, f.Message = c.Status, c.Code, c.Message
	r.c.Fields[name] = f
	switch {
	case c.Status == port.StatusMismatch:
		r.flag(c.Code, name, "%s", c.Message)
	case doubtful(bf):
		r.flag(CodeLowConfidence, name, "the bill's %s (%q) was read with low confidence; a reviewer must confirm it against the bill image", what, bf.Value)
	}
	return f.Status
}

func (r *run) carrier() {
	compareString(r, FieldCarrierName, r.req.CarrierName, r.ex.Fields.CarrierName, "carrier name", port.CompareCarrier)
}

func (r *run) account() {
	compareString(r, FieldAccountNumber, r.req.Customer.AccountNumber, r.ex.Fields.AccountNumber, "account number", port.CompareAccountNumber)
}

func ok(s port.Status) bool { return s == port.StatusMatch || s == port.StatusEquivalent }

// business compares the business name; it reports whether the account holder is
// verified through it (so a missing contact line does not flag on its own).
func (r *run) business() bool {
	typed := strings.TrimSpace(r.req.Customer.BusinessName)
	bf := r.ex.Fields.BusinessName
	onBill := bf != nil && strings.TrimSpace(bf.Value) != ""
	switch {
	case typed == "" && !onBill:
		return false // an individual's account: nothing to compare
	case typed == "" && onBill:
		f := Field{Status: port.StatusMismatch, OnBill: bf.Value, Code: port.CodeBusinessNameMismatch,
			Message: fmt.Sprintf("the bill is in the name of the business %s; you left the business name empty — enter it exactly as the bill shows it", bf.Value)}
		evidence(&f, bf)
		r.c.Fields[FieldBusinessName] = f
		r.flag(f.Code, FieldBusinessName, "%s", f.Message)
		return false
	case !onBill:
		// The reader may have taken the company line as the billing name.
		if nf := r.ex.Fields.BillingName; nf != nil && strings.TrimSpace(nf.Value) != "" {
			if c := port.CompareBusinessName(typed, nf.Value); ok(c.Status) {
				f := Field{Status: c.Status, Submitted: typed, OnBill: nf.Value}
				evidence(&f, nf)
				r.c.Fields[FieldBusinessName] = f
				if doubtful(nf) {
					r.flag(CodeLowConfidence, FieldBusinessName, "the bill's name line (%q) was read with low confidence; a reviewer must confirm it against the bill image", nf.Value)
				}
				return true
			}
		}
		r.c.Fields[FieldBusinessName] = Field{Status: port.StatusNotOnBill, Submitted: typed}
		r.flag(CodeFieldNotOnBill, FieldBusinessName, "the bill shows no business name, so %q cannot be verified; if the account is in a person's name, leave the business name empty", typed)
		return false
	}
	return ok(compareString(r, FieldBusinessName, typed, bf, "business name", port.CompareBusinessName))
}

func (r *run) person(businessOK bool) {
	cu := r.req.Customer
	typed := strings.TrimSpace(strings.TrimSpace(cu.FirstName) + " " + strings.TrimSpace(cu.LastName))
	bf := r.ex.Fields.BillingName
	if bf == nil || strings.TrimSpace(bf.Value) == "" {
		r.c.Fields[FieldBillingName] = Field{Status: port.StatusNotOnBill, Submitted: typed}
		if !businessOK {
			r.flag(CodeFieldNotOnBill, FieldBillingName, "the bill does not show the account holder's name, so %q cannot be verified; upload the page with the name and address", typed)
		}
		return
	}
	if _, done := r.c.Fields[FieldBusinessName]; done && businessOK && r.ex.Fields.BusinessName == nil {
		// the name line was the company (see business): no person to compare
		r.c.Fields[FieldBillingName] = Field{Status: port.StatusNotOnBill, Submitted: typed}
		return
	}
	compareString(r, FieldBillingName, typed, bf, "account holder's name", func(_, bill string) port.Comparison {
		return port.ComparePersonName(cu.FirstName, cu.LastName, bill)
	})
}

// signer compares the person who signs the LOA with the account holder: the bill's
// billing name (when it names a person) and the request's authorized person. A
// signer who is either one's namesake only by a differing name is a classic
// port-out fraud (the victim's bill, the fraudster's signature), so any difference is
// flagged and the port never approves itself.
func (r *run) signer() {
	name := strings.TrimSpace(r.req.Signer.FullName)
	if name == "" {
		return
	}
	var against []string
	if f := r.c.Fields[FieldBillingName]; f.Status != port.StatusNotOnBill && r.ex.Fields.BillingName != nil {
		bill := strings.TrimSpace(r.ex.Fields.BillingName.Value)
		if !sameNamedPerson(name, bill) {
			against = append(against, fmt.Sprintf("the account holder on the bill (%q)", bill))
		}
	}
	cu := r.req.Customer
	if strings.TrimSpace(cu.FirstName+cu.LastName) != "" && !ok(port.ComparePersonName(cu.FirstName, cu.LastName, name).Status) {
		against = append(against, fmt.Sprintf("the authorized person of the request (%q)", strings.TrimSpace(cu.FirstName+" "+cu.LastName)))
	}
	if len(against) > 0 {
		r.flag(CodeSignerNotAccountHolder, FieldSigner, "the LOA is signed by %q, who is not %s; confirm the signer's authority with the account holder before approving",
			name, strings.Join(against, " nor "))
	}
}

// sameNamedPerson says whether a full name typed in one field ("Jane Doe Smith") names
// the person a bill prints: the words are tried as given names and last name at every
// split, so compound last names and middle names compare as ComparePersonName does.
func sameNamedPerson(full, bill string) bool {
	w := strings.Fields(full)
	for k := 1; k < len(w); k++ {
		if ok(port.ComparePersonName(strings.Join(w[:k], " "), strings.Join(w[k:], " "), bill).Status) {
			return true
		}
	}
	return false
}

func (r *run) address() {
	typed := r.req.BillingAddress
	bf, sf := r.ex.Fields.BillingAddress, r.ex.Fields.ServiceAddress
	f := Field{Submitted: typed}
	if bf == nil || bf.Value == (port.Address{}) {
		f.Status = port.StatusNotOnBill
		r.c.Fields[FieldBillingAddress] = f
		if sf != nil && ok(port.CompareAddress(typed, sf.Value).Status) {
			r.flag(CodeFieldNotOnBill, FieldBillingAddress, "the bill shows %s only as the service address (where the line is installed) and no billing address; the port needs the billing address — upload the page it is on", port.FormatAddress(sf.Value))
			return
		}
		r.flag(CodeFieldNotOnBill, FieldBillingAddress, "the bill does not show a billing address, so %s cannot be verified; upload the page with the name and address", port.FormatAddress(typed))
		return
	}
	f.OnBill = bf.Value
	evidence(&f, bf)
	c := port.CompareAddress(typed, bf.Value)
	f.Status, f.Code, f.Message = c.Status, c.Code, c.Message
	if c.Status == port.StatusMismatch && sf != nil && sf.Value != (port.Address{}) &&
		port.CompareAddress(bf.Value, sf.Value).Status == port.StatusMismatch && ok(port.CompareAddress(typed, sf.Value).Status) {
		f.Code = CodeServiceAddressSubmitted
		f.Message = fmt.Sprintf("you typed the service address (where the line is installed, %s); the port needs the billing address the bill is mailed to: %s", port.FormatAddress(sf.Value), port.FormatAddress(bf.Value))
	}
	r.c.Fields[FieldBillingAddress] = f
	switch {
	case f.Status == port.StatusMismatch:
		r.flag(f.Code, FieldBillingAddress, "%s", f.Message)
	case doubtful(bf):
		r.flag(CodeLowConfidence, FieldBillingAddress, "the bill's billing address (%s) was read with low confidence; a reviewer must confirm it against the bill image", port.FormatAddress(bf.Value))
	}
}

func (r *run) pin() {
	typed := strings.TrimSpace(r.req.Customer.AccountPIN)
	f := Field{Status: port.StatusNotOnBill}
	if typed != "" {
		f.Submitted = port.PINMask
	}
	if bf := r.ex.Fields.AccountPIN; bf != nil && strings.TrimSpace(bf.Value) != "" {
		f.OnBill = port.PINMask
		evidence(&f, bf)
		if typed != "" {
			c := port.ComparePIN(typed, bf.Value)
			f.Status, f.Code, f.Message = c.Status, c.Code, c.Message
			if c.Status == port.StatusMismatch {
				r.flag(c.Code, FieldAccountPIN, "%s", c.Message)
			} else if doubtful(bf) {
				r.flag(CodeLowConfidence, FieldAccountPIN, "the PIN on the bill was read with low confidence; a reviewer must confirm it")
			}
		}
	}
	r.c.Fields[FieldAccountPIN] = f
	if typed != "" {
		return
	}
	// A PIN the bill does not show is normal; a mobile account without one is not.
	if need, c := port.PINRequirement(fieldValue(r.ex.Fields.CarrierName), r.req.CarrierName); need == port.PINNeeded {
		r.flag(CodePINRequired, FieldAccountPIN, "this is a %s mobile account: a mobile number cannot be ported without the account PIN (or passcode); ask the account holder for it", c.Name)
	}
}

func fieldValue(f *extract.Field[string]) string {
	if f == nil {
		return ""
	}
	return f.Value
}

func (r *run) billDate(now time.Time) {
	bf := r.ex.Fields.BillDate
	if bf == nil || strings.TrimSpace(bf.Value) == "" {
		r.flag(CodeFieldNotOnBill, FieldBillDate, "the bill's date could not be found, so its age cannot be verified; carriers want a bill from the last 30 to 60 days — upload the first page of a recent bill")
		return
	}
	d, err := time.Parse("2006-01-02", strings.TrimSpace(bf.Value))
	if err != nil {
		r.flag(CodeBillDateInvalid, FieldBillDate, "the bill's date %q could not be read; a reviewer must check it", bf.Value)
		return
	}
	y, m, dd := now.Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	switch age := today.Sub(d); {
	case age > MaxBillAge:
		r.flag(CodeBillTooOld, FieldBillDate, "the bill is dated %s, %d days ago; carriers refuse bills older than 60 days — upload your latest bill", bf.Value, int(age.Hours()/24))
	case age < -31*24*time.Hour:
		r.flag(CodeBillDateInvalid, FieldBillDate, "the bill's date %s is in the future; a reviewer must check it", bf.Value)
	case doubtful(bf) && age > MaxBillAge/2:
		// A doubtful date matters only where a misread (a due date taken for the
		// statement date is about a month off) could hide a bill that is too old.
		r.flag(CodeLowConfidence, FieldBillDate, "the bill's date (%s) was read with low confidence and the bill may be older than 60 days; a reviewer must confirm the date", bf.Value)
	}
}

func (r *run) numbers() {
	onBill := map[string]int{}
	for _, p := range r.ex.PhoneNumbers {
		if e, err := port.NormalizeNumber(p.Number); err == nil {
			if _, seen := onBill[e]; !seen {
				onBill[e] = p.Page
			}
		}
	}
	requested := map[string]bool{}
	for i, n := range r.req.Numbers {
		e, err := port.NormalizeNumber(n.Number)
		if err != nil {
			e = strings.TrimSpace(n.Number)
		}
		requested[e] = true
		page, found := onBill[e]
		n := Number{Number: e, OnBill: found && err == nil, Page: page}
		if !n.OnBill && err == nil {
			for _, o := range r.others {
				if slices.Contains(o.Numbers, e) {
					n.OnOtherBill = o.Document
					break
				}
			}
		}
		r.c.Numbers = append(r.c.Numbers, n)
		if (!found || err != nil) && n.OnOtherBill == "" {
			r.flag(CodeTNNotOnBill, fmt.Sprintf("numbers[%d].number", i), "%s is not on this bill; check the number, or upload the bill of the account it belongs to (a number on another account needs its own port request)", e)
		}
	}
	r.partialPort(onBill, requested)
	r.splitPlan()
}

// splitPlan says how a request must be split when its numbers are not all on one
// account: one port request, with its own LOA and its own bill, per account and
// carrier (a losing carrier rejects an order that mixes accounts, and numbers with
// another carrier go to that carrier). A number's account is the one the bill that
// lists it prints it under — this bill's section on a bill of several accounts, this
// bill's account, or another bill's — and numbers on no bill form a group of their
// own, for the bill still to come.
func (r *run) splitPlan() {
	thisCarrier, thisAccount := fieldValue(r.ex.Fields.CarrierName), fieldValue(r.ex.Fields.AccountNumber)
	var groups []SplitGroup
	index := map[string]int{}
	add := func(number string, g SplitGroup) {
		k := carrierKey(g.Carrier) + "|" + port.AccountKey(g.AccountNumber)
		if g.AccountNumber == "" && g.Carrier == "" && !g.OnThisBill {
			k = "?"
		}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, g)
		}
		groups[i].Numbers = append(groups[i].Numbers, number)
	}
	for _, n := range r.c.Numbers {
		switch {
		case n.OnBill:
			add(n.Number, SplitGroup{OnThisBill: true, AccountNumber: accountOf(n.Number, thisAccount, r.ex.Accounts), Carrier: thisCarrier})
		case n.OnOtherBill != "":
			for _, o := range r.others {
				if o.Document == n.OnOtherBill {
					add(n.Number, SplitGroup{AccountNumber: accountOf(n.Number, o.AccountNumber, o.Accounts), Carrier: o.Carrier, Bill: o.Document})
				}
			}
		default:
			add(n.Number, SplitGroup{})
		}
	}
	if len(groups) < 2 {
		return
	}
	carriers, accounts := map[string]bool{}, map[string]bool{}
	for i := range groups {
		g := &groups[i]
		switch {
		case g.OnThisBill && len(r.ex.Accounts) > 1:
			g.Port = "a port request of its own for account " + g.AccountNumber + ", with this bill"
		case g.OnThisBill:
			g.Port = "this port request, with this bill"
		case g.Bill != "":
			g.Port = "a port request of its own (its own LOA) for account " + g.AccountNumber + ", with the bill " + g.Bill
		default:
			g.Port = "a new port request (its own LOA) with the bill of the account these numbers are on; one per account or carrier"
		}
		if g.Carrier != "" {
			carriers[carrierKey(g.Carrier)] = true
		}
		if g.AccountNumber != "" {
			accounts[carrierKey(g.Carrier)+"|"+port.AccountKey(g.AccountNumber)] = true
		}
	}
	r.c.Split = &SplitPlan{Groups: groups}
	if len(carriers) > 1 {
		names := []string{}
		for _, g := range groups {
			if g.Carrier != "" && !slices.Contains(names, g.Carrier) {
				names = append(names, g.Carrier)
			}
		}
		r.flag(CodeMultipleCarriers, FieldNumbers, "the numbers are with %d carriers (%s): each carrier gets its own port request and LOA; see split", len(names), strings.Join(names, ", "))
	}
	if len(accounts) > 1 {
		r.flag(CodeMultipleAccounts, FieldNumbers, "the numbers are on %d accounts: a losing carrier ports one account per order, so the request must be split into one port request and LOA per account; see split", len(accounts))
	}
}

// carrierKey compares carrier names by the carrier they name ("Frontier Business"
// is Frontier).
func carrierKey(name string) string {
	if c, ok := port.FindCarrier(name); ok {
		return c.Name
	}
	return strings.ToLower(strings.TrimSpace(name))
}

// partialPort lists the bill's numbers the request leaves behind and looks at the BTN:
// porting some of an account's numbers but not its BTN makes the losing carrier
// reject the order unless it says which number becomes the new BTN, and porting the
// BTN alone disconnects nothing but moves the account's main number.
func (r *run) partialPort(onBill map[string]int, requested map[string]bool) {
	for _, p := range r.ex.PhoneNumbers { // bill order
		if e, err := port.NormalizeNumber(p.Number); err == nil && !requested[e] && !slices.Contains(r.c.NotRequested, e) {
			r.c.NotRequested = append(r.c.NotRequested, e)
		}
	}
	if btn, source := r.btn(onBill); btn != "" {
		r.c.BTN = &BTN{Number: btn, Source: source, Ported: requested[btn]}
	}
	portsSome := false
	for e := range requested {
		if _, ok := onBill[e]; ok {
			portsSome = true
		}
	}
	if !portsSome || len(r.c.NotRequested) == 0 {
		return
	}
	r.flag(CodeNumbersNotRequested, FieldNumbers, "a partial port: %d number(s) on the bill stay with the carrier (%s); say so on the order, and confirm the customer keeps service on them",
		len(r.c.NotRequested), strings.Join(r.c.NotRequested, ", "))
	if r.c.BTN != nil && !r.c.BTN.Ported {
		r.flag(CodeBTNNotPortedPartial, FieldNumbers, "the billing telephone number %s stays while other numbers of the account leave; the order must name the BTN that remains (or port it too), or the carrier rejects it",
			r.c.BTN.Number)
	}
}

// btn is the account's billing telephone number: the request's, or the bill's account
// number when its first ten digits are one of the bill's numbers.
func (r *run) btn(onBill map[string]int) (number, source string) {
	if b := strings.TrimSpace(r.req.BTN); b != "" {
		if e, err := port.NormalizeNumber(b); err == nil {
			return e, "request"
		}
	}
	if a := r.ex.Fields.AccountNumber; a != nil {
		digits := strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return c
			}
			return -1
		}, a.Value)
		if len(digits) >= 10 {
			if e, err := port.NormalizeNumber(digits[:10]); err == nil {
				if _, ok := onBill[e]; ok {
					return e, "account_number"
				}
			}
		}
	}
	return "", ""
}

// requestProblems carries the request's own errors about its numbers into the check:
// a number also used as a receiving number stalls the port whatever the bill says.
func (r *run) requestProblems() {
	for _, p := range r.req.Validate() {
		if p.Severity != port.SeverityError {
			continue
		}
		if strings.HasPrefix(p.Field, "numbers") || strings.HasPrefix(p.Field, "account_receiving_numbers") {
			if p.Code == port.CodeInvalidNumber && strings.HasSuffix(p.Field, "].number") {
				continue // already a TN_NOT_ON_BILL
			}
			r.flag(p.Code, p.Field, "%s", p.Message)
		}
	}
}
