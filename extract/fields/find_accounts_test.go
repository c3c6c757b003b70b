package fields

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portdocs/portdocs/extract/doc"
)

// header repeats the master account in every page's top band, as running headers do.
func header(page int) string {
	return "!Prairie Telephone\nAccount Number: 100 200 3000\tPage " + string(rune('0'+page)) + " of 2\n\n\n\n\n\n\n"
}

func TestFindAccountSections(t *testing.T) {
	type acct struct {
		number  string
		numbers []string
	}
	for _, tc := range []struct {
		name  string
		pages []string
		want  []acct
	}{
		{"sub-accounts under a master in the running header", []string{
			header(1) + "Summary of accounts\nSub-account number: 4455 1100 01\tFront office\n(410) 555-0101\tBusiness line\t$30.00\n(410) 555-0102\tBusiness line\t$30.00\n" +
				"Sub-account number: 4455 1100 02\tWarehouse\n(410) 555-0103\tBusiness line\t$30.00\n",
			header(2) + "(410) 555-0104\tFax line\t$15.00\n"},
			[]acct{{"4455 1100 01", []string{"+14105550101", "+14105550102"}}, {"4455 1100 02", []string{"+14105550103", "+14105550104"}}}},
		{"two accounts on one page", []string{
			"!Prairie Telephone\n\n\n\n\n\n\n\nAccount Number: 555 100 7788\n410-555-0111\tLocal line\t$20.00\n410-555-0112\tLocal line\t$20.00\n\nAccount Number: 555 100 9911\n410-555-0113\tLocal line\t$20.00\n"},
			[]acct{{"555 100 7788", []string{"+14105550111", "+14105550112"}}, {"555 100 9911", []string{"+14105550113"}}}},
		{"numbers before any section are the master's", []string{
			"!Prairie Telephone\n\n\n\n\n\n\n\nAccount Number: 111 222 3333\n\n\n410-555-0121\tMain line\t$20.00\nSub-account #: 444 555 6666\n410-555-0122\tBranch line\t$20.00\n"},
			[]acct{{"111 222 3333", []string{"+14105550121"}}, {"444 555 6666", []string{"+14105550122"}}}},
		{"one account, its number in the running header and the body", []string{
			header(1) + "Account Number: 100 200 3000\n(410) 555-0131\tBusiness line\t$30.00\n",
			header(2) + "(410) 555-0132\tBusiness line\t$30.00\n"}, nil},
		{"one account read twice by OCR (O for 0)", []string{
			"!Prairie Telephone\n\n\n\n\n\n\n\nAccount Number: 8310 4455 01\n410-555-0141\tLine\t$20.00\nAccount Number: 831O 4455 01\n410-555-0142\tLine\t$20.00\n"}, nil},
		{"a previous account number opens nothing", []string{
			"!Prairie Telephone\n\n\n\n\n\n\n\nAccount Number: 222 333 4444\n410-555-0151\tLine\t$20.00\nPrevious account number: 999 888 7777\n410-555-0152\tLine\t$20.00\n"}, nil},
		{"an account with no numbers is no section", []string{
			"!Prairie Telephone\n\n\n\n\n\n\n\nAccount Number: 222 333 4444\n410-555-0161\tLine\t$20.00\nBilling account number: 777 666 5555\nPay by mail\n"}, nil},
	} {
		for _, l := range layouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				lay := layoutOf(l.opts, tc.pages...)
				sections := sectionRule.find(lay)
				f, phones, _ := findFields(lay, sections)
				master := ""
				if f.AccountNumber != nil {
					master = f.AccountNumber.Value
				}
				var got []acct
				for _, a := range findAccountSections(lay, sections, phones, master) {
					got = append(got, acct{a.AccountNumber, a.Numbers})
					if a.Page < 1 || a.BBox == (doc.BBox{}) {
						t.Errorf("account %s without its place on the bill: page %d box %v", a.AccountNumber, a.Page, a.BBox)
					}
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("accounts = %v, want %v", got, tc.want)
				}
			})
		}
	}
}

func TestNearlySame(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"83104455O1", "8310445501", true},
		{"8310445501", "8310445502", false}, // two accounts, one digit apart
		{"ABC123", "ABC124", false},
		{"12345", "1234S", false}, // too short to tell
		{strings.Repeat("1", 8), strings.Repeat("1", 8), true},
	} {
		if got := nearlySame(tc.a, tc.b); got != tc.want {
			t.Errorf("nearlySame(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}
