package check

import (
	"slices"

	"github.com/portdocs/portdocs/port"
)

// Rejection is the losing carrier's reject a flag prevents, named in the exception
// vocabulary porting providers publish for rejected port orders, with how surely the
// flag leads to it (see Likelihood*).
type Rejection struct {
	Code       string `json:"code"`
	Reason     string `json:"reason"`
	Likelihood string `json:"likelihood"`
}

// Likelihoods: a rule about the kind of check the losing carrier makes, not a number.
const (
	// LikelihoodCertain: the carrier validates the field mechanically against its
	// records (account number, PIN, ZIP, the numbers on the account, the BTN of a
	// partial port, the order's own data): the order is rejected as it stands.
	LikelihoodCertain = "certain"
	// LikelihoodLikely: the carrier compares it, often by a person, with some
	// tolerance (names, street address, port type, who signed).
	LikelihoodLikely = "likely"
	// LikelihoodPossible: the proof is weak rather than wrong (an old or unreadable
	// bill, a field the bill does not show or was read with doubt): rejected when
	// the carrier asks for proof, or when the unverified value turns out wrong.
	LikelihoodPossible = "possible"
)

// Rejection codes, after the exceptions porting providers list for rejected orders.
const (
	RejectAccountNumber  = "ACCOUNT_NUMBER_MISMATCH"
	RejectAuthorizedName = "AUTHORIZED_PERSON_MISMATCH"
	RejectEntityName     = "ENTITY_NAME_MISMATCH"
	RejectAddress        = "SERVICE_ADDRESS_MISMATCH"
	RejectPostalCode     = "LOCATION_POSTAL_CODE_MISMATCH"
	RejectPIN            = "PIN_INVALID"
	RejectBTN            = "BTN_MISMATCH"
	RejectPortType       = "PORT_TYPE_INCORRECT"
	RejectTNNotOnAccount = "TN_NOT_ON_ACCOUNT"
	RejectCarrier        = "TN_NOT_WITH_LOSING_CARRIER"
	RejectDocumentation  = "PROOF_OF_OWNERSHIP_INVALID"
	RejectLOA            = "LOA_NOT_SIGNED_BY_AUTHORIZED_PARTY"
	RejectOrderData      = "ORDER_DATA_INVALID"
)

var rejectionReasons = map[string]string{
	RejectAccountNumber:  "account number does not match the losing carrier's account",
	RejectAuthorizedName: "authorized person (end user name) does not match the account",
	RejectEntityName:     "business (entity) name does not match the account",
	RejectAddress:        "service or billing address does not match the account",
	RejectPostalCode:     "ZIP code does not match the account's location",
	RejectPIN:            "account PIN or passcode missing or invalid",
	RejectBTN:            "billing telephone number missing, wrong, or left without a new BTN on a partial port",
	RejectPortType:       "port type incorrect: a partial port ordered as a full one (or the reverse)",
	RejectTNNotOnAccount: "telephone number is not on this account",
	RejectCarrier:        "telephone number is not served by the named losing carrier",
	RejectDocumentation:  "proof of ownership (the bill) is outdated, unreadable or not genuine",
	RejectLOA:            "letter of authorization not signed by an authorized party",
	RejectOrderData:      "order data invalid (number format, duplicates, receiving numbers)",
}

type rejectionRule struct{ code, likelihood string }

// rejectionByFlag maps the flags whose rejection does not depend on the field.
var rejectionByFlag = map[string]rejectionRule{
	port.CodeAccountNumberMismatch:  {RejectAccountNumber, LikelihoodCertain},
	port.CodePINMismatch:            {RejectPIN, LikelihoodCertain},
	CodePINRequired:                 {RejectPIN, LikelihoodCertain},
	port.CodeZIPCodeMismatch:        {RejectPostalCode, LikelihoodCertain},
	CodeTNNotOnBill:                 {RejectTNNotOnAccount, LikelihoodCertain},
	CodeBTNNotPortedPartial:         {RejectBTN, LikelihoodCertain},
	port.CodeCarrierMismatch:        {RejectCarrier, LikelihoodCertain},
	port.CodeAuthNameMismatch:       {RejectAuthorizedName, LikelihoodLikely},
	port.CodeBusinessNameMismatch:   {RejectEntityName, LikelihoodLikely},
	port.CodeBillingAddressMismatch: {RejectAddress, LikelihoodLikely},
	CodeServiceAddressSubmitted:     {RejectAddress, LikelihoodLikely},
	CodeNumbersNotRequested:         {RejectPortType, LikelihoodLikely},
	CodeMultipleAccounts:            {RejectAccountNumber, LikelihoodCertain},
	CodeMultipleCarriers:            {RejectCarrier, LikelihoodCertain},
	CodeSignerNotAccountHolder:      {RejectLOA, LikelihoodLikely},
	CodeAlteredDocument:             {RejectDocumentation, LikelihoodLikely},
	CodeBillTooOld:                  {RejectDocumentation, LikelihoodPossible},
	CodeBillDateInvalid:             {RejectDocumentation, LikelihoodPossible},
	// The request's own number problems (requestProblems).
	port.CodeInvalidNumber:     {RejectOrderData, LikelihoodCertain},
	port.CodeDuplicateNumber:   {RejectOrderData, LikelihoodCertain},
	port.CodeReceivingRequired: {RejectOrderData, LikelihoodCertain},
	port.CodeNumberIsReceiving: {RejectOrderData, LikelihoodCertain},
	port.CodeReceivingIsSelf:   {RejectOrderData, LikelihoodCertain},
	port.CodeTooManyNumbers:    {RejectOrderData, LikelihoodCertain},
	port.CodeNoNumbers:         {RejectOrderData, LikelihoodCertain},
	port.CodeInvalidState:      {RejectOrderData, LikelihoodCertain},
	port.CodeInvalidZIP:        {RejectOrderData, LikelihoodCertain},
	port.CodeInvalidAccount:    {RejectOrderData, LikelihoodCertain},
}

// fieldRejection is the rejection a field's value stands for, for the flags that say
// only that a field is missing or unverified.
var fieldRejection = map[string]string{
	FieldCarrierName:    RejectCarrier,
	FieldAccountNumber:  RejectAccountNumber,
	FieldAccountPIN:     RejectPIN,
	FieldBusinessName:   RejectEntityName,
	FieldBillingName:    RejectAuthorizedName,
	FieldBillingAddress: RejectAddress,
	FieldBillDate:       RejectDocumentation,
}

// byField maps the flags whose rejection is the field's, with their likelihood.
var byField = map[string]string{
	port.CodeRequired:  LikelihoodCertain,  // the request lacks what the carrier validates
	CodeFieldNotOnBill: LikelihoodPossible, // unverified, not known to be wrong
	CodeLowConfidence:  LikelihoodPossible,
}

// rejectionOf maps one flag; ok is false for a flag nobody has mapped (a test keeps
// every flag code mapped).
func rejectionOf(f Flag) (Rejection, bool) {
	rule, ok := rejectionByFlag[f.Code]
	if !ok {
		like, isField := byField[f.Code]
		if !isField {
			return Rejection{}, false
		}
		code := fieldRejection[f.Field]
		if code == "" {
			code = RejectOrderData
		}
		rule = rejectionRule{code, like}
	}
	return Rejection{Code: rule.code, Reason: rejectionReasons[rule.code], Likelihood: rule.likelihood}, true
}

// RejectionRisk is how likely the port, as it stands, is rejected by the losing
// carrier, by the stated rule: the worst likelihood among the flags.
type RejectionRisk struct {
	Level string   `json:"level"` // none, low, medium, high
	Rule  string   `json:"rule"`
	Flags []string `json:"flags"` // the flag codes that set the level
}

const riskRule = "high: a flag whose rejection is certain (a field the carrier validates mechanically); " +
	"medium: otherwise a flag whose rejection is likely (a field compared with tolerance, the port type, the signer, the document); " +
	"low: otherwise only weak proof (possible); none: no flags"

// rejectionRisk rates the flags (each already carrying its Rejection).
func rejectionRisk(flags []Flag) RejectionRisk {
	levels := []struct{ likelihood, level string }{
		{LikelihoodCertain, "high"}, {LikelihoodLikely, "medium"}, {LikelihoodPossible, "low"},
	}
	for _, l := range levels {
		var codes []string
		for _, f := range flags {
			if f.Rejection != nil && f.Rejection.Likelihood == l.likelihood && !slices.Contains(codes, f.Code) {
				codes = append(codes, f.Code)
			}
		}
		if len(codes) > 0 {
			return RejectionRisk{Level: l.level, Rule: riskRule, Flags: codes}
		}
	}
	return RejectionRisk{Level: "none", Rule: riskRule, Flags: []string{}}
}

// finish sets what follows from the flags: their rejections, the risk and the verdict.
func (c *Check) finish() {
	for i := range c.Flags {
		if rj, ok := rejectionOf(c.Flags[i]); ok {
			c.Flags[i].Rejection = &rj
		}
	}
	c.RejectionRisk = rejectionRisk(c.Flags)
	c.Verdict = VerdictPass
	if len(c.Flags) > 0 {
		c.Verdict = VerdictFlagged
	}
}
