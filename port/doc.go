// Package port holds the port request and the domain knowledge shared by the bill
// reader, the check and the LOA: phone numbers, US addresses, names, carriers.
//
// Validation (Request.Validate, ReadyForLOA, Normalized) returns Problems addressed by
// field path. Number lists come from ParseNumberList (manual entry) and ParseCSV. The
// Compare* functions fold what carriers treat as the same (USPS Publication 28
// abbreviations, legal suffixes, name order, accents) and report anything else as a
// mismatch with a message the customer can act on. Request.Masked replaces the PIN with
// PINMask ("****", whatever its length) for every response.
package port
