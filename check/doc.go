// Package check compares a port request with what its phone bill says and tells the
// customer, field by field, what a losing carrier would reject. Its one rule: a false
// pass is the worst outcome, so anything unverifiable or doubtful is flagged for review.
// The package never logs: requests carry PINs and account numbers.
package check
