// Package layout groups a bill's words into lines and segments (runs of words
// between column gaps), and marks the running headers and footers repeated on every
// page: the geometry the field finders read.
package layout
