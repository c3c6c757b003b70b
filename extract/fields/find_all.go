package fields

import (
	"github.com/portdocs/portdocs/extract/doc"
	"github.com/portdocs/portdocs/extract/layout"
)

// Find reads every field, the customer's numbers and the accounts they are listed
// under from a bill's pages.
func Find(pages []doc.Page) (f Fields, phones []PhoneNumber, accounts []Account, warnings []string) {
	lay := layout.Build(pages)
	sections := sectionRule.find(lay)
	f, phones, warnings = findFields(lay, sections)
	master := ""
	if f.AccountNumber != nil {
		master = f.AccountNumber.Value
	}
	return f, phones, findAccountSections(lay, sections, phones, master), warnings
}
