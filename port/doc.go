// Package port holds the port request and the domain knowledge shared by the bill
// reader, the check and the LOA: phone numbers, US addresses, names, carriers.
package port
