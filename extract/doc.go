// Package extract reads a phone bill (a PDF with a text layer, a scan, a fax or a
// photo) and finds the fields a port request needs, each with its evidence.
package extract
