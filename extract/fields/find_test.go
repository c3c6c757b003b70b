package fields

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/internal/pagetest"
	"github.com/portdocs/portdocs/extract/layout"

	"github.com/portdocs/portdocs/port"
)

// Every finder is specified on small synthetic pages, once as a text layer and once
// as OCR would give them (uneven baselines, no font size, confidence below 1).
var layouts = []struct {
	name string
	opts pagetest.Opts
}{
	{"text", pagetest.Opts{}},
	{"ocr", pagetest.Opts{Conf: 0.88, Jitter: true}},
}

func strVal(f *Field[string]) any {
	if f == nil {
		return nil
	}
	return f.Value
}

func TestFindAccount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages []string
		want  any
	}{
		{"same line", []string{"Account Number: 287 654 3210 987"}, "287 654 3210 987"},
		{"hash label", []string{"Acct #  8310-1234-5678"}, "8310-1234-5678"},
		{"account no.", []string{"Account No. 0123456789"}, "0123456789"},
		{"box to the right", []string{"Account Number\t831 402 7715 306"}, "831 402 7715 306"},
		{"next line", []string{"Account number\n123456789-00001\n"}, "123456789-00001"},
		{"billing account number", []string{"Billing Account Number: 9876 5432 10"}, "9876 5432 10"},
		{"billing ID", []string{"Invoice #\tINV-26-0092241\nBilling ID\tIMU-448217"}, "IMU-448217"},
		{"customer account", []string{"TPx\tCustomer Account 1048-22719\tPage 1 of 3"}, "1048-22719"},
		{"customer ID in its place", []string{"Glo Fiber\tCustomer ID\t20418875\nStatement Date\t10/11/2026"}, "20418875"},
		{"an account number beside a customer number", []string{"Customer Number: 99887766\nAccount Number: 287 654 3210"}, "287 654 3210"},
		{"stops at the next label", []string{"Account Number: 1234567890 Bill Date: Oct 3, 2026"}, "1234567890"},
		{"invoice number is not it", []string{"Invoice Number: 445566778"}, nil},
		{"statement number next to it", []string{"Statement Number: 77123\tAccount #: 55120 88"}, "55120 88"},
		{"masked is not a value", []string{"Account number ending in ****1234"}, nil},
		{"prefers the one repeated on pages", []string{
			"Account Number: 111 222 3333\nPrevious account number: 999 888 7777",
			"Account Number: 111 222 3333"}, "111 222 3333"},
		{"account summary is no label", []string{"Account Summary\n$123.45"}, nil},
		{"bare account label with a box", []string{"Account:\t0398 77162 01"}, "0398 77162 01"},
		{"header table: labels above values", []string{"Account Number\tBill Date\n287 654 3210 987\tOct 3, 2026"}, "287 654 3210 987"},
		{"account ID", []string{"Account ID: 5-KD7T4M2Q"}, "5-KD7T4M2Q"},
		{"'Main Account' beside its value", []string{"Spectrotel\tInvoice Summary\nMain Account\t4471-2290\nSub-Account\t4471-2290-001"}, "4471-2290"},
		{"'Account' heading a column is no label of its rows", []string{"Account\tAmount\n4471-2290-001\t$85.75"}, nil},
		{"order number is not it", []string{"Order Number: 55510023"}, nil},
		{"the carrier's bank account for a wire is not it", []string{
			"Invoice Number\tINV-100458823\nAccount Number\t3018824476\n\n\n" +
				"By ACH or wire:\nBank: Wells Fargo Bank, N.A.\nABA Routing: 121000248\nAccount: 4127739581\nReference: 3018824476"}, "3018824476"},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				f, _ := findAccount(layoutOf(l.opts, tc.pages...))
				if got := strVal(f); got != tc.want {
					t.Errorf("account = %v, want %v", got, tc.want)
				}
				checkEvidence(t, f)
			})
		}
	}
}

// On an OCR'd page a value one character short of another, at its start, is that
// number with its last character lost; a text layer prints what it prints.
func TestFindAccountLastCharacterLost(t *testing.T) {
	page := "Account ID\tDP-7K4Q-2291\n\n\nDialpad, Inc. | Account ID: DP-7K4Q-229 | Page 1 of 1"
	for _, tc := range []struct {
		opts pagetest.Opts
		want string
	}{
		{pagetest.Opts{}, "DP-7K4Q-229"},
		{pagetest.Opts{Conf: 0.88, Jitter: true}, "DP-7K4Q-2291"},
	} {
		f, _ := findAccount(layoutOf(tc.opts, page))
		if got := strVal(f); got != tc.want {
			t.Errorf("OCR %v: account = %v, want %v", tc.opts.Conf > 0, got, tc.want)
		}
		// A suffix set apart is a sub-account's, printed so.
		f, _ = findAccount(layoutOf(tc.opts, "Account Number: 77-410-5923\nAccount Number: 77-410-5923\n\n\nSub-account 77-410-5923-A\tAccount Number: 77-410-5923-A"))
		if got := strVal(f); got != "77-410-5923" {
			t.Errorf("OCR %v: account = %v, want 77-410-5923", tc.opts.Conf > 0, got)
		}
	}
}

func checkEvidence(t *testing.T, f *Field[string]) {
	t.Helper()
	if f == nil {
		return
	}
	if f.Page < 1 || f.Confidence <= 0 || f.Confidence > 1 || f.Source == "" {
		t.Errorf("evidence: page %d, confidence %v, source %q", f.Page, f.Confidence, f.Source)
	}
	if f.BBox[0] >= f.BBox[2] || f.BBox[1] >= f.BBox[3] {
		t.Errorf("bbox %v is empty", f.BBox)
	}
}

func TestFindPIN(t *testing.T) {
	for _, tc := range []struct {
		name string
		page string
		want any
	}{
		{"printed", "Account PIN: 4821", "4821"},
		{"passcode box", "Passcode\t730155", "730155"},
		{"masked", "Account PIN: ****", nil},
		{"instructions only", "To transfer a line you will need a Number Transfer PIN. Dial #PORT.", nil},
		{"no pin", "Account Number: 12345678", nil},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				f, _ := findPIN(layoutOf(l.opts, tc.page))
				if got := strVal(f); got != tc.want {
					t.Errorf("PIN = %v, want %v", got, tc.want)
				}
				checkEvidence(t, f)
			})
		}
	}
}

func TestFindBillDate(t *testing.T) {
	for _, tc := range []struct {
		name string
		page string
		want any
	}{
		{"short month", "Bill Date: Oct 3, 2026", "2026-10-03"},
		{"long month", "Statement Date\tOctober 03, 2026", "2026-10-03"},
		{"slashes", "Invoice Date: 10/03/2026", "2026-10-03"},
		{"two-digit year", "Bill date 10/03/26", "2026-10-03"},
		{"ISO", "Billing Date: 2026-10-03", "2026-10-03"},
		{"day first", "Date of Bill: 03 Oct 2026", "2026-10-03"},
		{"weekday", "Bill Date: Sat, Oct 3, 2026", "2026-10-03"},
		{"Spanish", "Fecha de factura / Bill date: 12 de octubre de 2026", "2026-10-12"},
		{"French", "Date de facturation : 3 octobre 2026", "2026-10-03"},
		{"French, cut", "Date de facture: le 1er févr. 2026", "2026-02-01"},
		{"a header date under a due-date heading is not the bill date", "Vence / Due date\n11/02/2026", nil},
		{"below its label", "Statement Date\nOct 3, 2026", "2026-10-03"},
		{"due date is not it", "Payment Due Date: Oct 28, 2026", nil},
		{"due date beside", "Due Date: Oct 28, 2026\tBill Date: Oct 3, 2026", "2026-10-03"},
		{"impossible date", "Bill Date: 02/31/2026", nil},
		{"table rule read as a bar", "Statement Date: | October 03, 2026", "2026-10-03"},
		{"header table: labels above values", "Account Number\tBill Date\n287 654 3210 987\tOct 3, 2026", "2026-10-03"},
		{"unlabelled date in the header", "Optimum Business\tOctober 3, 2026\nAcct #: 07876-543210", "2026-10-03"},
		{"billing period is not the bill date", "Billing Period:\tSep 3 - Oct 2, 2026", nil},
		{"due date in the header is not it", "Payment due\tOct 22, 2026", nil},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				f := findBillDate(layoutOf(l.opts, tc.page))
				if got := strVal(f); got != tc.want {
					t.Errorf("bill date = %v, want %v", got, tc.want)
				}
				checkEvidence(t, f)
			})
		}
	}
}

// A viewer's screenshot shows the page small and below the window's toolbar: its
// header date stands in the top quarter of the page's text, not of the image.
func TestHeaderDateOfAPageDrawnSmall(t *testing.T) {
	for _, l := range layouts {
		pages := pagetest.Pages(l.opts, "Vexus Fiber\nAcct 7720-041-336\tOctober 12, 2026\tAmount due $83.36\n"+
			strings.Repeat("Voice line\t$29.95\n", 20)+"Page 1 of 2")
		for i := range pages[0].Words {
			pages[0].Words[i].BBox[1] += 300
			pages[0].Words[i].BBox[3] += 300
		}
		if got := strVal(findBillDate(layout.Build(pages))); got != "2026-10-12" {
			t.Errorf("%s: bill date = %v, want 2026-10-12", l.name, got)
		}
	}
}

// TestFindPhonesPageFrame: a number printed only in every page's footer is the
// carrier's; a customer's line is not, even printed again in the footer.
func TestFindPhonesPageFrame(t *testing.T) {
	page := "Office\t617-555-0131\t$42.00" + strings.Repeat("\n", 48) + "617-555-0170"
	for _, l := range layouts {
		lay := layoutOf(l.opts, page, page)
		var got []string
		for _, p := range findPhones(lay, nil, findBlocks(lay, true)) {
			got = append(got, p.Number)
		}
		if !reflect.DeepEqual(got, []string{"+16175550131"}) {
			t.Errorf("%s: numbers = %v, want [+16175550131]", l.name, got)
		}
	}
}

func TestFoldOCR(t *testing.T) {
	for in, want := range map[string]string{"Ca11 us 410-555-0142": "Call us 410-555-0142", "Questi0ns?": "Questions?", "5upport": "support"} {
		if got := foldOCR(in); !strings.EqualFold(got, want) {
			t.Errorf("foldOCR(%q) = %q, want %q", in, got, want)
		}
	}
}

// On a small render OCR reads the area code of the rows under a full number as a
// dash: a dash opening the segment is no longer number's tail there, on OCR only.
func TestFindPhonesAreaCodeLostToOCR(t *testing.T) {
	page := "Your Services\n540.555.0144\tMain Store Line\tBusiness Voice\t$29.95\n-555.0145\tContractor Desk\tBusiness Voice\t$29.95\n-555.0147\tFax\tBusiness Voice Basic\t$19.95"
	for _, l := range layouts {
		lay := layoutOf(l.opts, page)
		var got []string
		for _, p := range findPhones(lay, nil, findBlocks(lay, true)) {
			got = append(got, p.Number)
		}
		want := []string{"+15405550144", "+15405550145", "+15405550147"}
		if l.name == "text" {
			want = want[:1] // a text layer prints what it prints
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: numbers %v, want %v", l.name, got, want)
		}
	}
}

func TestFindPhones(t *testing.T) {
	for _, tc := range []struct {
		name string
		page string
		want []string
	}{
		{"every format", "Line 1: (410) 555-0142\nLine 2: 410-555-0143\nLine 3: 410.555.0144\nLine 4: 1-410-555-0145\nLine 5: +1 410 555 0146\nLine 6: 4105550147",
			[]string{"+14105550142", "+14105550143", "+14105550144", "+14105550145", "+14105550146", "+14105550147"}},
		{"toll free and service numbers", "Customer Service: 1-800-331-0500\nRepair: 410-555-0111\nQuestions? Call 443-555-0100\nYour number 410-555-0142",
			[]string{"+14105550142"}},
		{"label in the left column", "Customer care\t410-555-0190\nMobile\t410-555-0142", []string{"+14105550142"}},
		{"not inside an account number", "Account Number: 287 654 3210 987", nil},
		{"the carrier's billing fax, in the customer's area code", "Main line 404-555-0120\nBilling fax: (404) 869-2503", []string{"+14045550120"}},
		{"a price in the sentence of the column beside it is no charge of the number's",
			"Customer Service 1-800-452-2288\tas a toll-free number that rings your grain bids line, for $4.95 a\nLine\t406-555-0130\t$34.00", []string{"+14065550130"}},
		{"not a ZIP or a date", "BALTIMORE, MD 21201-1234  10/03/2026", nil},
		{"deduplicated", "410-555-0142\n(410) 555-0142", []string{"+14105550142"}},
		{"after an extension number", "Ext 101 +1 201 555 0112\tBusiness Premium\t$29.99", []string{"+12015550112"}},
		{"spaces around dashes, as OCR reads them", "Line 410 - 555-0142", []string{"+14105550142"}},
		{"toll-free line of the account", "Toll-free number\t+1 (888) 555-0163\t$4.99\nSupport: 1-888-898-4591", []string{"+18885550163"}},
		// Where the number stands (find_phone_place.go).
		{"in the payment coupon", "Office\t410-555-0142\t$42.00" + strings.Repeat("\n", 26) + "Please detach and return this portion with your payment\n410-555-0190\nAmount enclosed",
			[]string{"+14105550142"}},
		{"an example in marketing text", "Add a second line for your team today and keep every call, like (312) 555-0199, on one bill.", nil},
		{"after the carrier's address", "Granite Telecom, 100 Newport Ave, Quincy, MA 02171 617-555-0170\nOffice\t617-555-0131\t$42.00",
			[]string{"+16175550131"}},
		{"after the carrier's name", "Frontier 410-555-0177", nil},
		{"beside a web address", "acmetel.com | 410-555-0176", nil},
		{"the carrier's operations center", "How to Reach Us\nDepartment\tTelephone\tHours\nNetwork Operations Center (NOC)\t1-877-487-8722\t24 hours\nGlendale NOC, direct line\t818-555-0190\t24 hours\nLine\t626-555-0150\t$42.00", []string{"+16265550150"}},
		{"the other party's column of a call detail", "Call details for 385-555-0126\nDate\tTime\tNumber called\tMinutes\nSep 24\t9:12 AM\t(801) 555-0173\t4\nOct 2\t6:47 PM\t(385) 555-0191\t12",
			[]string{"+13855550126"}},
		{"the other party's column of a call detail longer than a page's table", "Line\t843-555-0102\t$38.50\n\nLong Distance Call Detail\nDate\tFrom\tNumber called\tAmount\n" +
			strings.Repeat("10/16 08:00 AM\t843-555-0102\t803-254-7710\t$0.07\n", 30) + "11/14 09:53 AM\t843-555-0102\t404-842-6000\t$0.77",
			[]string{"+18435550102"}},
		{"a line under a feature named like a column", "Number\tDescription\tAmount\n870-555-0131\tBUSINESS LINE\t$42.50\n    TOUCH TONE / CALLER ID\tINCL\n870-555-0132\tHUNT",
			[]string{"+18705550131", "+18705550132"}},
		{"a fax machine's header line", "Oct 27 2026 09:15AM HP LASERJET FAX 719.555.0177 page 1 of 2\nLine 719-555-0131", []string{"+17195550131"}},
		{"under a carrier heading", "Questions?\n410-555-0190\n410-555-0191", nil},
		{"a block printed as a range", "870-555-0140 THRU 0143\tDID BLOCK (4)\t$15.00\nLine 870-555-0150 to 870-555-0151",
			[]string{"+18705550140", "+18705550141", "+18705550142", "+18705550143", "+18705550150", "+18705550151"}},
		{"no range: backwards, a year", "Line 870-555-0142 to 0141\nLine 870-555-0170 - 2026", []string{"+18705550142", "+18705550170"}},
		{"labelled the carrier's once, printed bare again", "Line\t956-555-0124\t$29.95\nBusiness office: 956-555-0183\nGracias por su preferencia\t956-555-0183",
			[]string{"+19565550124"}},
		{"a line of the account also in the carrier's list", "Line\t956-555-0124\t$29.95\nSupport: 956-555-0124",
			[]string{"+19565550124"}},
		{"ten digits under an identifier's label", "Company ID\t5839201847\nAccount ID 4105550177\nLine\t503-555-0120\t$20.00\nPhone 4105550142",
			[]string{"+14105550142", "+15035550120"}},
		{"labelled by its sentence begun on the line above, printed bare again",
			"Co-op office 608-555-0180\nLine\t608-555-0110\t$31.50\n\n\nThe annual meeting of members is Saturday, November 14 at the Valley Reserve. Register by calling the co-op\noffice at 608-555-0180. The meeting starts at noon in the main hall of the reserve.",
			[]string{"+16085550110"}},
		{"under the carrier's logo, which is no column heading",
			"!Driftless Telephone Cooperative\nMember-owned since 1951 | Co-op office 608-555-0180\nLine\t608-555-0110\t$31.50\n\n\nThe annual meeting of members is Saturday, November 14 at the Valley Reserve. Register by calling the co-op\noffice at 608-555-0180. The meeting starts at noon in the main hall of the reserve.",
			[]string{"+16085550110"}},
		{"a label wrapped over two lines", "Dialpad Meetings shared dial-in,\nPortland:\n(503) 555-0190\n\n\nLine\t503-555-0120\t$20.00",
			[]string{"+15035550120"}},
		{"a row of the account's numbers, some without their area code", "(503) 555-0120\t(503) 555-0121\t555-0123\nFront Desk\tScheduling\tLab",
			[]string{"+15035550120", "+15035550121", "+15035550123"}},
		{"row labels between a column's numbers are no heading", "Need help?\nSupport (24/7)\n(844) 342-5723\nSales\n(877) 342-5724\nBilling\n(415) 549-0101\n\n\nLine\t503-555-0120\t$20.00",
			[]string{"+15035550120"}},
		{"a piece of a paragraph OCR split among the columns", "Line\t954-555-0112\t$20.00\n\n\nKeep your home number when you switch.\tCustomer Care\nBring a number such\tfrom AT&T\nas (954) 555-0199 over\t1-800-355-5668\nwith one call.",
			[]string{"+19545550112"}},
		{"seven digits on the line table", "Number\tPlan\tMonthly\n(614) 555-0134\tBusiness Phone\t$34.99\n555-0135\tBusiness Phone\t$34.99",
			[]string{"+16145550134", "+16145550135"}},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				lay := layoutOf(l.opts, tc.page)
				_, hits := findAccount(lay)
				var skip []span
				for _, h := range hits {
					skip = append(skip, span{h.seg, h.start, h.end})
				}
				var got []string
				for _, p := range findPhones(lay, skip, findBlocks(lay, true)) {
					got = append(got, p.Number)
				}
				sort.Strings(got)
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("numbers = %v, want %v", got, tc.want)
				}
			})
		}
	}
}

func TestFindCarrier(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages []string
		want  any
	}{
		{"logo at the top", []string{"!AT&T\nAccount Number: 1234 5678\nSwitch to Verizon? Compare our plans."}, "AT&T"},
		{"marketing names another", []string{"!Comcast Business\nUnlike T-Mobile, we never throttle. Switch and save."}, "Comcast Business"},
		{"only marketing", []string{"Account Number: 1234 5678\nSwitch from Verizon and save 20%"}, nil},
		{"ordinary word is not a carrier", []string{"Choose the optimum plan for your bandwidth needs and zoom meetings today"}, nil},
		{"only a legal entity names it", []string{"Statement\nAccount Number 04417826\nGranite Telecommunications, LLC - 100 Newport Avenue Ext, Quincy, MA 02171 - Page 1 of 2"}, "Granite Telecommunications"},
		{"marketing sends the reader to it", []string{"Statement\nAccount Number 1234 5678\nSwitching from CenturyLink? Port your number to Google Fiber Phone for $10/mo.\nGoogle Fiber Inc. | Page 1 of 2"}, "Google Fiber"},
		{"'switch to' another is a competitor", []string{"!Frontier\nAccount Number 1234 5678\nThinking of switching to Spectrum? Call us first."}, "Frontier"},
		{"compared to is a competitor", []string{"!Frontier\nAccount Number 1234 5678\nFaster compared to Spectrum, with no data caps and a 20% discount."}, "Frontier"},
		{"remittance and legal line", []string{"Statement\nMake checks payable to Frontier\nFrontier Communications Parent, Inc. All rights reserved."}, "Frontier"},
		{"repeated on every page", []string{"Statement\tSpectrum\nPage 1", "Statement\tSpectrum\nPage 2"}, "Spectrum"},
		{"an ordinary word naming a product, on a charge line and as its section's heading",
			[]string{"!Armstrong\nAccount Number 4121-338877-01\nThank you for choosing Armstrong.", "Zoom Internet\t$69.95\nZoom Internet Detail\nMake checks payable to Armstrong"}, "Armstrong"},
		{"the start of a subsidiary's legal name",
			[]string{"!Lightpath\nAccount Number 118-447190-03\nCablevision Lightpath LLC | 200 Jericho Quadrangle, Jericho, NY 11753 | Page 1 of 2",
				"Lightpath\nMake checks payable to Lightpath.\nCablevision Lightpath LLC | 200 Jericho Quadrangle, Jericho, NY 11753 | Page 2 of 2"}, "Lightpath"},
		{"its own legal name is its own", []string{"Statement\nMake checks payable to Frontier\nFrontier Communications Parent, Inc. | Page 1 of 2", "Frontier Communications Parent, Inc. | Page 2 of 2"}, "Frontier"},
		{"a host name is no carrier's name", []string{"Statement\nSupport: fiber.google.com or verizon.com/help\nJANE DOE"}, nil},
		{"the brand the table leaves out of its names, as the logo", []string{"!Lumos.\nAccount Number 1002-3318-7740\nBusiness Voice\t$29.95"}, "Lumos"},
		{"the brand the table leaves out of its names, in running text", []string{"Statement\nAccount Number 1002-3318-7740\nThe lumos of the season: a new bill with more detail on every line of your account"}, nil},
		{"the payee heading an address, its remittance heading lost", []string{"Statement\nAccount Number 1234 5678\n\n\n\n\n\n\n\n\n\n\n\n\n\nTotal Due\t$83.36\n" +
			"FUSION CONNECT, INC.\nPO BOX 735428\nDALLAS TX 75373-5428\n\n\n\n\n\nOpening another office?\tWe bring lines\tor Windstream\tat no charge"}, "FUSION CONNECT"},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				f := findCarrier(layoutOf(l.opts, tc.pages...))
				if got := strVal(f); got != tc.want {
					t.Errorf("carrier = %v, want %v", got, tc.want)
				}
				checkEvidence(t, f)
			})
		}
	}
}

// A logo's mark OCR reads as one letter glued to the name ("Verizony", the check
// mark) still names the carrier on an OCR'd page, when the name is in logo type; the
// text layer is printed truth, and body text does not qualify.
func TestFindCarrierLogoMark(t *testing.T) {
	ocr := pagetest.Opts{Conf: 0.9, Jitter: true}
	for _, tc := range []struct {
		name string
		o    pagetest.Opts
		page string
		want any
	}{
		{"OCR logo", ocr, "!Verizony\nAccount Number: 1234 5678\nThank you for choosing us", "Verizon"},
		{"text layer", pagetest.Opts{}, "!Verizony\nAccount Number: 1234 5678\nThank you for choosing us", nil},
		{"OCR body text", ocr, "Statement\nVerizony\nAccount Number: 1234 5678", nil},
		{"two letters", ocr, "!Verizonyy\nAccount Number: 1234 5678", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := findCarrier(layoutOf(tc.o, tc.page))
			if got := strVal(f); got != tc.want {
				t.Errorf("carrier = %v, want %v", got, tc.want)
			}
			if f != nil {
				checkEvidence(t, f)
			}
		})
	}
}

func TestFindAddresses(t *testing.T) {
	type want struct {
		billing  *port.Address
		service  *port.Address
		name     any
		business any
	}
	addr := func(street, street2, city, state, zip string) *port.Address {
		return &port.Address{Street: street, Street2: street2, City: city, State: state, ZIP: zip}
	}
	for _, tc := range []struct {
		name string
		page string
		want want
	}{
		{"business with ATTN and inline suite",
			"ACME PLUMBING & HEATING LLC\nATTN: JANE Q DOE\n1234 N MAIN ST STE 200\nBALTIMORE, MD 21201-1234",
			want{billing: addr("1234 N MAIN ST", "STE 200", "BALTIMORE", "MD", "21201-1234"), name: "JANE Q DOE", business: "ACME PLUMBING & HEATING LLC"}},
		{"individual, unit on its own line, no comma",
			"MARGARET O'BRIEN-HAYES\n88 Lakeshore Dr.\nApt. 12\nCHICAGO IL  60611",
			want{billing: addr("88 Lakeshore Dr.", "Apt. 12", "CHICAGO", "IL", "60611"), name: "MARGARET O'BRIEN-HAYES"}},
		{"comma before the unit",
			"José Núñez\n88 Lakeshore Dr., Apt. 12\nChicago, IL 60611",
			want{billing: addr("88 Lakeshore Dr.", "Apt. 12", "Chicago", "IL", "60611"), name: "José Núñez"}},
		{"PO Box and C/O below the business",
			"BLUE HERON BAKERY INC\nC/O SAM LEE\nPO BOX 4471\nPORTLAND, OR 97208-4471",
			want{billing: addr("PO BOX 4471", "", "PORTLAND", "OR", "97208-4471"), name: "SAM LEE", business: "BLUE HERON BAKERY INC"}},
		{"remittance block is never the billing address",
			"Make checks payable to:\nAT&T\nPO BOX 5014\nCAROL STREAM, IL 60197-5014\n\n\nJANE DOE\n12 ELM ST\nDOVER, DE 19901",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), name: "JANE DOE"}},
		{"labelled service address differs",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nService Address: 500 E PRATT ST, BALTIMORE, MD 21202",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("500 E PRATT ST", "", "BALTIMORE", "MD", "21202"), name: "JANE DOE"}},
		{"service address block under its label",
			"JANE DOE\n12 ELM ST # 5\nDOVER, DE 19901\n\n\nService Location\n77 HARBOR WAY UNIT 110\nANNAPOLIS MD 21401",
			want{billing: addr("12 ELM ST", "# 5", "DOVER", "DE", "19901"), service: addr("77 HARBOR WAY", "UNIT 110", "ANNAPOLIS", "MD", "21401"), name: "JANE DOE"}},
		{"a mailer's keyline above the ATTN line and the business",
			"#BWNHHGJ\nATTN: SHAUNA MCALLISTER-BYRD\nCATAWBA RIVER OUTFITTERS LLC\n1847 CELANESE RD\nSUITE 110\nROCK HILL SC 29732-2231",
			want{billing: addr("1847 CELANESE RD", "SUITE 110", "ROCK HILL", "SC", "29732-2231"), name: "SHAUNA MCALLISTER-BYRD", business: "CATAWBA RIVER OUTFITTERS LLC"}},
		{"a business name wrapped onto the next line",
			"ATTN: MARÍA GUADALUPE NÚÑEZ\nNÚÑEZ FAMILY FARMS LLC DBA LOS ÁLAMOS FEED\n& SEED\nRR 2 BOX 118\nLEXINGTON NE 68850-9802",
			want{billing: addr("RR 2 BOX 118", "", "LEXINGTON", "NE", "68850-9802"), name: "MARÍA GUADALUPE NÚÑEZ", business: "NÚÑEZ FAMILY FARMS LLC DBA LOS ÁLAMOS FEED & SEED"}},
		{"a business name broken after its d/b/a, no ATTN line",
			"HARBOR LIGHT HOLDINGS LLC DBA\nTHE CHANDLERY\nPAT O'MALLEY\n14 WATER ST\nMYSTIC CT 06355",
			want{billing: addr("14 WATER ST", "", "MYSTIC", "CT", "06355"), name: "PAT O'MALLEY", business: "HARBOR LIGHT HOLDINGS LLC DBA THE CHANDLERY"}},
		{"a Spanish attention line",
			"Panadería La Esperanza\nAtención: José Muñoz Peña\n2301 N 10th St # 3\nMcAllen, TX 78501-4417",
			want{billing: addr("2301 N 10th St", "# 3", "McAllen", "TX", "78501-4417"), name: "José Muñoz Peña", business: "Panadería La Esperanza"}},
		{"a registered E911 location",
			"BILL TO\nHalvorsen Quist PLLC\n1000 SW Broadway, Suite 1800\nPortland, OR 97205-3035\n\n\nREGISTERED EMERGENCY (E911) LOCATION\n4800 SW Griffith Dr\nRm 310\nBeaverton, OR 97005",
			want{billing: addr("1000 SW Broadway", "Suite 1800", "Portland", "OR", "97205-3035"), service: addr("4800 SW Griffith Dr", "Rm 310", "Beaverton", "OR", "97005"), business: "Halvorsen Quist PLLC"}},
		{"a wireless bill's place of primary use on a milepost",
			"TATIANA EVANOFF\n3900 ARCTIC BLVD #200\nANCHORAGE AK 99503-5789\n\n\nPrimary place of use\nMILE 2.5 NASH RD\nSEWARD AK 99664",
			want{billing: addr("3900 ARCTIC BLVD", "#200", "ANCHORAGE", "AK", "99503-5789"), service: addr("MILE 2.5 NASH RD", "", "SEWARD", "AK", "99664"), name: "TATIANA EVANOFF"}},
		{"a Puerto Rico urbanization over a lettered house number, the contact after A/C, a highway's kilometre post",
			"PANADERÍA LA CEIBA INC\nA/C JOSÉ A RODRÍGUEZ VÉLEZ\nURB SANTA JUANITA\nB14 CALLE TABONUCO\nBAYAMON PR 00956-4415\n\n\nDirección de servicio / Service address\nCARR 2 KM 14.5\nTOA BAJA PR 00949",
			want{billing: addr("B14 CALLE TABONUCO", "URB SANTA JUANITA", "BAYAMON", "PR", "00956-4415"), service: addr("CARR 2 KM 14.5", "", "TOA BAJA", "PR", "00949"),
				name: "JOSÉ A RODRÍGUEZ VÉLEZ", business: "PANADERÍA LA CEIBA INC"}},
		{"a building line above the street; a designator before a word is a name",
			"SUITE SOLUTIONS LLC\nATTN: DENISE M HALVERSON\nBLDG 2\nS6520 STATE HIGHWAY 131\nVIOLA WI 54664-7012",
			want{billing: addr("S6520 STATE HIGHWAY 131", "BLDG 2", "VIOLA", "WI", "54664-7012"), name: "DENISE M HALVERSON", business: "SUITE SOLUTIONS LLC"}},
		{"a private mailbox line under the street",
			"KOVALCHIK, STEPHEN J\n1051 N MAIN ST\nPMB 311\nBUTLER PA 16001-2047",
			want{billing: addr("1051 N MAIN ST", "PMB 311", "BUTLER", "PA", "16001-2047"), name: "KOVALCHIK, STEPHEN J"}},
		{"an office location headed with its E911 role",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nOFFICE LOCATION (E911)\n915 NE Killingsworth St\nFloor 2\nPortland, OR 97211",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("915 NE Killingsworth St", "Floor 2", "Portland", "OR", "97211"), name: "JANE DOE"}},
		{"a label's l read with a stroke",
			"TATIANA EVANOFF\n3900 ARCTIC BLVD #200\nANCHORAGE AK 99503-5789\n\n\nPrimary płace of use\nMILE 2.5 NASH RD\nSEWARD AK 99664",
			want{billing: addr("3900 ARCTIC BLVD", "#200", "ANCHORAGE", "AK", "99503-5789"), service: addr("MILE 2.5 NASH RD", "", "SEWARD", "AK", "99664"), name: "TATIANA EVANOFF"}},
		{"service block under a 'Service for' heading",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nService for:\n7100 N 70TH ST\nBLDG 4\nLINCOLN NE 68517",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("7100 N 70TH ST", "BLDG 4", "LINCOLN", "NE", "68517"), name: "JANE DOE"}},
		{"one line without commas",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nService provided at: 45 FIRE ISLAND AVE BABYLON NY 11702",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("45 FIRE ISLAND AVE", "", "BABYLON", "NY", "11702"), name: "JANE DOE"}},
		{"emergency address of a VoIP line",
			"Bill to:\tEmergency (911) address:\nWei-Lin Chen\t1105 Navaho Dr\nTriangle Tutoring Co.\tSuite 2B\n5400 Glenwood Ave, Suite 310\tRaleigh, NC 27609\nRaleigh, NC 27612",
			want{billing: addr("5400 Glenwood Ave", "Suite 310", "Raleigh", "NC", "27612"), service: addr("1105 Navaho Dr", "Suite 2B", "Raleigh", "NC", "27609"), name: "Wei-Lin Chen", business: "Triangle Tutoring Co."}},
		{"heading lines above the block are not names",
			"Page 1 of 2\nAccount Summary\nJANE DOE\n12 ELM ST\nDOVER, DE 19901",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), name: "JANE DOE"}},
		{"two plain name lines: the account's name, then its contact",
			"MAPLE STREET DINER\nROSA DIAZ\n9 OAK AVE\nDOVER, DE 19901",
			want{billing: addr("9 OAK AVE", "", "DOVER", "DE", "19901"), name: "ROSA DIAZ", business: "MAPLE STREET DINER"}},
		{"ATTN line makes the other the business",
			"Attn: Rosa Diaz\nMaple Street Diner\n9 Oak Ave\nDover, DE 19901",
			want{billing: addr("9 Oak Ave", "", "Dover", "DE", "19901"), name: "Rosa Diaz", business: "Maple Street Diner"}},
		{"one-line service location with a unit",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nService Location: 77 HARBOR WAY UNIT 110, ANNAPOLIS, MD 21401",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("77 HARBOR WAY", "UNIT 110", "ANNAPOLIS", "MD", "21401"), name: "JANE DOE"}},
		{"carrier's return address without a name is not preferred",
			"PO BOX 6463\nCAROL STREAM, IL 60197-6463\n\n\nBOB SMITH\n4 PINE RD\nAMES, IA 50010",
			want{billing: addr("4 PINE RD", "", "AMES", "IA", "50010"), name: "BOB SMITH"}},
		{"ATTN as OCR misreads it",
			"ROJAS & SONS LANDSCAPING LLC\nATIN: JOSE M ROJAS\n3901 W CAMELBACK RD\nFL 2\nPHOENIX AZ 85019-2314",
			want{billing: addr("3901 W CAMELBACK RD", "FL 2", "PHOENIX", "AZ", "85019-2314"), name: "JOSE M ROJAS", business: "ROJAS & SONS LANDSCAPING LLC"}},
		{"unit glued to its number by OCR specks",
			"ROJAS & SONS LANDSCAPING LLC\nATTN: JOSE M ROJAS\n3901 W CAMELBACK RD\nFL-2\nPHOENIX AZ 85019-2314\n\n\nJANE DOE\n12 ELM ST STE:300\nDOVER, DE 19901",
			want{billing: addr("3901 W CAMELBACK RD", "FL 2", "PHOENIX", "AZ", "85019-2314"), name: "JOSE M ROJAS", business: "ROJAS & SONS LANDSCAPING LLC"}},
		{"service heading garbled by OCR is a label, not a name",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nPrimary Place of Use (Service Address};\n7720 N 43RD AVE\nBLDG C\nGLENDALE AZ 85301",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("7720 N 43RD AVE", "BLDG C", "GLENDALE", "AZ", "85301"), name: "JANE DOE"}},
		{"block beside another column",
			"ACME LLC\tAccount Number: 1234 5678\nATTN: Jane Doe\tBill Date: Oct 3, 2026\n1 MAIN ST FL 2\nDOVER, DE 19901",
			want{billing: addr("1 MAIN ST", "FL 2", "DOVER", "DE", "19901"), name: "Jane Doe", business: "ACME LLC"}},
		{"a PO drawer",
			"YELLOWSTONE VALLEY GRAIN CO\nATTN: TERRENCE O'NEILL\nPO DRAWER 1190\nGLENDIVE MT 59330-1190",
			want{billing: addr("PO DRAWER 1190", "", "GLENDIVE", "MT", "59330-1190"), name: "TERRENCE O'NEILL", business: "YELLOWSTONE VALLEY GRAIN CO"}},
		{"service locations in a table of columns",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nSERVICE LOCATIONS\nLocation\tStreet\tCity\tState\tZIP\nMAIN OFFICE\t318 N MERRILL AVE\tGLENDIVE\tMT\t59330\nELEVATOR\t14 RAILROAD AVE\tWIBAUX\tMT\t59353",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("318 N MERRILL AVE", "", "GLENDIVE", "MT", "59330"), name: "JANE DOE"}},
		{"service locations in a table, city, state and ZIP in one column",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nService Address\nSite\tStreet Address\tCity, State ZIP\nOffice\t318 N MERRILL AVE\tGLENDIVE, MT 59330",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("318 N MERRILL AVE", "", "GLENDIVE", "MT", "59330"), name: "JANE DOE"}},
		{"a table with no State column takes the state of the bill's address in its city and ZIP",
			"JANE DOE\nPO DRAWER 1190\nGLENDIVE MT 59330-1190\n\n\nSERVICE LOCATIONS\nLocation\tStreet\tCity\tZIP\nMAIN OFFICE\t318 N MERRILL AVE\tGLENDIVE\t59330",
			want{billing: addr("PO DRAWER 1190", "", "GLENDIVE", "MT", "59330-1190"), service: addr("318 N MERRILL AVE", "", "GLENDIVE", "MT", "59330"), name: "JANE DOE"}},
		{"a table row with no state of its own or the bill's is no address",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nSERVICE LOCATIONS\nLocation\tStreet\tCity\tZIP\nMAIN OFFICE\t318 N MERRILL AVE\tGLENDIVE\t59330",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), name: "JANE DOE"}},
		{"a table whose State header OCR lost, with the state in its rows",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nSERVICE LOCATIONS\nLocation\t[Street\t| City             ZIP\nMAIN OFFICE\t318 N MERRILL AVE\t| GLENDIVE     MT   59330",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), service: addr("318 N MERRILL AVE", "", "GLENDIVE", "MT", "59330"), name: "JANE DOE"}},
		{"an ATTN label alone in its segment, the name in the cells OCR split it into",
			"COTTONWOOD VALLEY VETERINARY CLINIC PA\nATTN:   SCHWARTZ,   GERALD A\tPrevious Balance\t$174.52\nPO BOX 446\nNEW ULM MN 56073-0446",
			want{billing: addr("PO BOX 446", "", "NEW ULM", "MN", "56073-0446"), name: "SCHWARTZ, GERALD A", business: "COTTONWOOD VALLEY VETERINARY CLINIC PA"}},
		{"a table of addresses nothing says are the account's",
			"JANE DOE\n12 ELM ST\nDOVER, DE 19901\n\n\nOUR STORES\nStore\tStreet\tCity\tState\tZIP\nDowntown\t318 N MERRILL AVE\tGLENDIVE\tMT\t59330",
			want{billing: addr("12 ELM ST", "", "DOVER", "DE", "19901"), name: "JANE DOE"}},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				lay := layoutOf(l.opts, tc.page)
				f, _, _ := findFields(lay, sectionRule.find(lay))
				gotAddr := func(a *Field[port.Address]) *port.Address {
					if a == nil {
						return nil
					}
					return &a.Value
				}
				if got := gotAddr(f.BillingAddress); !reflect.DeepEqual(got, tc.want.billing) {
					t.Errorf("billing address = %+v, want %+v", got, tc.want.billing)
				}
				if got := gotAddr(f.ServiceAddress); !reflect.DeepEqual(got, tc.want.service) {
					t.Errorf("service address = %+v, want %+v", got, tc.want.service)
				}
				if got := strVal(f.BillingName); got != tc.want.name {
					t.Errorf("billing name = %v, want %v", got, tc.want.name)
				}
				if got := strVal(f.BusinessName); got != tc.want.business {
					t.Errorf("business name = %v, want %v", got, tc.want.business)
				}
			})
		}
	}
}

func TestSplitStreet(t *testing.T) {
	for _, tc := range []struct{ in, street, street2 string }{
		{"1234 N MAIN ST STE 200", "1234 N MAIN ST", "STE 200"},
		{"1420 N CHARLES ST, SUITE 300", "1420 N CHARLES ST", "SUITE 300"},
		{"88 Lakeshore Dr., Apt. 12", "88 Lakeshore Dr.", "Apt. 12"},
		{"12 ELM ST #5", "12 ELM ST", "#5"},
		{"12 ELM ST # 5", "12 ELM ST", "# 5"},
		{"500 E PRATT ST", "500 E PRATT ST", ""},
		{"PO BOX 4471", "PO BOX 4471", ""},
		{"9 OAK AVE REAR", "9 OAK AVE", "REAR"},
		{"100 SUITE RD", "100 SUITE RD", ""},
		{"12 ELM ST STE:300", "12 ELM ST", "STE 300"}, // OCR specks between unit and number
		{"12 ELM ST APT-4B", "12 ELM ST", "APT 4B"},   // ...
		{"7 FLOOR-MART RD", "7 FLOOR-MART RD", ""},    // a word after the dash is not a unit
		{"12 ELM ST STE300", "12 ELM ST", "STE 300"},  // OCR lost the space
		{"12 ELM ST APT4B", "12 ELM ST", "APT 4B"},    // ...
		{"1 UNITED WAY", "1 UNITED WAY", ""},          // a word that starts like a designator
		{"40 STEWART ST", "40 STEWART ST", ""},        // ...
	} {
		s, s2 := splitStreet(unglueUnit(tc.in))
		if s != tc.street || s2 != tc.street2 {
			t.Errorf("splitStreet(%q) = %q, %q; want %q, %q", tc.in, s, s2, tc.street, tc.street2)
		}
	}
}

func TestTrimStrayStop(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"JOSÉ M ROJAS.", "JOSÉ M ROJAS"}, // a speck after the name
		{"Jane Doe,", "Jane Doe"},
		{"John Smith Jr.", "John Smith Jr."}, // an abbreviation keeps its stop
		{"Ann Lee Esq.", "Ann Lee Esq."},
		{"Ann Lee", "Ann Lee"},
	} {
		if got := trimStrayStop(tc.in); got != tc.want {
			t.Errorf("trimStrayStop(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCloseInitialism(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Summit Ridge Architects, P.C", "Summit Ridge Architects, P.C."},
		{"ACME L.L.C", "ACME L.L.C."},
		{"ACME P.C.", "ACME P.C."}, // already closed
		{"ACME LLC", "ACME LLC"},
		{"SMITH & CO", "SMITH & CO"},
		{"J.B HUNT", "J.B HUNT"}, // not at the end
	} {
		if got := closeInitialism(tc.in); got != tc.want {
			t.Errorf("closeInitialism(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// layoutOf builds the layout of synthetic pages.
func layoutOf(o pagetest.Opts, pages ...string) *layout.Layout {
	return layout.Build(pagetest.Pages(o, pages...))
}

// A carrier the table does not know is named by its logo and a second place where a
// sender names itself (payee, greeting, legal line, web address), or by two such
// places when the logo is an image; one place alone names no one. A known name gets
// the brand qualifiers its heading prints with it, unless the bill prints it alone.
func TestFindUnknownCarrier(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages []string
		want  any
		known bool // a carrier the table knows
	}{
		{"logo and payee", []string{"!Kestrel\nAccount No. 5003-18427\nAmount due $24.95\nMake checks payable to Kestrel."}, "Kestrel", false},
		{"logo and web address", []string{"!BLUESTEM BUSINESS\nAccount No. 402-071-3390\nSupport: bluestemfiber.com/business"}, "BLUESTEM", false},
		{"logo alone", []string{"!Pinecrest Telephone\nAccount No. 402-071-3390\nAmount due $24.95"}, nil, false},
		{"a customer's e-mail is no web address", []string{"!Carolina Coastal\nAccount No. 402-071-3390\nEmail ops@carolinacoastal.com"}, nil, false},
		{"greeting and payee, no logo", []string{"Statement\nThanks for choosing Larkspur Fiber.\nAccount 20418875\nMake checks payable to Larkspur Fiber"}, "Larkspur Fiber", false},
		{"known carrier only in marketing", []string{"!Kestrel\nMoving from CenturyLink? Keep your number.\nPay at kestrel.net/pay"}, "Kestrel", false},
		{"a capitals logo yields to the name in mixed case", []string{"Kestrel\tCustomer Account 1048-22719\tPage 1 of 3\n!KESTREL\nMake checks payable to KESTREL"}, "Kestrel", false},
		{"a sentence is no name", []string{"Statement\nWelcome to your new bill\nwww.yournewbill.com"}, nil, false},
		{"a lower-case brand printed only so", []string{"!altafiber business\nAccount Number 513 555-0172 448\naltafiber\nPO Box 748003"}, "altafiber", true},
		{"a stub's capitals yield to the payee line", []string{"!Granite\nAccount Number 04417826\nPlease return this portion with your payment.\tGRANITE TELECOMMUNICATIONS\nMake checks payable to Granite Telecommunications, LLC"}, "Granite Telecommunications", true},
		{"a competitor on the last line of a paragraph", []string{"!Spectrotel\nMain Account 4471-2290\nCopper lines are retiring. Keep your numbers and your price with Spectrotel - no need to switch\nto Optimum or Comcast Business.\nSpectrotel, Inc. | spectrotel.com | Page 1 of 2"}, "Spectrotel", false},
		{"logo and a legal line OCR read with a small i", []string{"!Spectrotel\nMain Account 4471-2290\n" + strings.Repeat("Business line\t$38.50\n", 48) + "Spectrotel, inc.\t3538 State Route 68, Neptune, NJ 07753"}, "Spectrotel", false},
		{"a reseller's fine print names the network it rents", []string{"!Spectrotel\nMain Account 4471-2290\n" + strings.Repeat("Business line\t$38.50\n", 24) + "Verizon is retiring copper lines in parts of Monmouth County, and we will move your lines for you.\n" +
			"Spectrotel, Inc. bills for all charges on this invoice. Local service is furnished over the network of Verizon New Jersey Inc.\nFor service or repair call Spectrotel, not Verizon. A late payment charge applies after the due date.\nVerizon New Jersey Inc. tariffs are filed with the Board of Public Utilities and are available on request.\nspectrotel.com/legal"}, "Spectrotel", false},
		{"a competitor's sentence split by OCR at a dash", []string{"!Spectrotel\nMain Account 4471-2290\nCopper lines are retiring. Keep your numbers and your price with Spectrotel    -    no need to switch\nto Optimum or Comcast Business.\nSpectrotel, Inc. | spectrotel.com | Page 1 of 2"}, "Spectrotel", false},
		{"lower-case logo, capitalized header", []string{"!astound business\nAstound Business\tAcct # 613-004482-175"}, "Astound Business", true},
		{"the whole logo where the payee names it whole", []string{"!Mid-Rivers Communications\nAccount 0087140-2\nMake checks payable to Mid-Rivers Communications.\nSupport: midrivers.com/help"}, "Mid-Rivers Communications", false},
		{"a logo's acronym and the name beside it", []string{"!HTC      Horry Telephone Cooperative\nAccount Number 218840-001\nBill Date 11/15/26\nAmount due $565.64\nMake checks payable to HTC."}, "Horry Telephone Cooperative", false},
		{"a logo's styled case yields to the name as text writes it", []string{"!Ben Lomand CONNECT\nAccount 668-0419-22\nBill Date 11/20/2026\n" + strings.Repeat("Business line\t$31.25\n", 12) + "Make checks payable to Ben Lomand Connect."}, "Ben Lomand Connect", false},
		{"a name's small words do not make its case a logo's", []string{"!Kestrel of Vermont\nAccount 668-0419-22\nBill Date 11/20/2026\nMake checks payable to Kestrel Of Vermont"}, "Kestrel of Vermont", false},
		{"a sentence OCR reads tall names no sender", []string{"!Kestrel\nAccount 0087140-2\n" + strings.Repeat("Business line\t$31.25\n", 24) +
			"!Farmers on Verizon or AT&T cell service can still reach you for free.\nMake checks payable to Kestrel."}, "Kestrel", false},
		{"an acronym in lower case is a word", []string{"!Kestrel\nAccount 0087140-2\n" + strings.Repeat("Business line\t$31.25\n", 12) +
			"FEDERAL SUBSCRIBER LINE CHARGE\tSLC\tmci\nMake checks payable to Kestrel."}, "Kestrel", false},
		{"a logo's acronym and its name apart by a rule", []string{"!HTC | Horry Telephone Cooperative\nAccount Number 218840-001\n" + strings.Repeat("Business line\t$31.25\n", 12) +
			"Make checks payable to HTC."}, "Horry Telephone Cooperative", false},
		{"a logo keeps its company's word the places leave out", []string{"!Kestrel Communications\nAccount Number 218840-001\n" + strings.Repeat("Business line\t$31.25\n", 12) +
			"Kestrel Telephone Cooperative, Inc. | kestrel.com"}, "Kestrel Communications", false},
		{"a logo's product line goes", []string{"!KESTREL BUSINESS\nAccount Number 218840-001\n" + strings.Repeat("Business line\t$31.25\n", 12) +
			"Kestrel Telephone Cooperative, Inc. | kestrel.com"}, "Kestrel", false},
		{"a payee line as OCR reads it", []string{"!Ben Lomand connect\nAccount 668-0419-22\n" + strings.Repeat("Business line\t$31.25\n", 12) +
			"Make checks payable fo Ben Lomand Connect"}, "Ben Lomand Connect", false},
		{"logo and a one-line return address", []string{"!Kestrel Telephone\nKESTREL TELEPHONE · PO BOX 500 · BLAIR NE 68008-0500\nAccount Number 0041-77218\n" + strings.Repeat("Business line\t$31.25\n", 12)}, "Kestrel Telephone", false},
		{"a logo's acronym and a tagline beside it", []string{"!HTC      Your Hometown Connection\nAccount Number 218840-001\nBill Date 11/15/26\nAmount due $565.64\nMake checks payable to HTC."}, "HTC", false},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				f := findCarrier(layoutOf(l.opts, tc.pages...))
				if got := strVal(f); got != tc.want {
					t.Fatalf("carrier = %v, want %v", got, tc.want)
				}
				if f == nil {
					return
				}
				checkEvidence(t, f)
				if _, ok := port.FindCarrier(f.Value); ok != tc.known {
					t.Errorf("%q known to the table: %v, want %v", f.Value, ok, tc.known)
				}
				if !tc.known && (f.Confidence > 0.92 || len(f.Warnings) > 0) {
					t.Errorf("an unknown carrier's confidence %v, warnings %q", f.Confidence, f.Warnings)
				}
			})
		}
	}
}

func TestStyledCase(t *testing.T) {
	for s, want := range map[string]bool{
		"Ben Lomand CONNECT": true, "zoom Phone": true, "Émile CONNECT": true,
		"Ben Lomand Connect": false, "BEN LOMAND CONNECT": false, "Bank of America": false, "TPx": false,
	} {
		if got := styledCase(s); got != want {
			t.Errorf("styledCase(%q) = %v, want %v", s, got, want)
		}
	}
}
