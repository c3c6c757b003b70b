// Package fields finds a port request's fields on a bill's layout: carrier, account
// number, PIN, billing and business names, billing and service addresses, bill date,
// the customer's numbers and the accounts they are listed under, each with the page,
// box, confidence and source that back it.
package fields
