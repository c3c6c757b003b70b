// Package forensic looks for signs that a bill was altered after its producer wrote
// it: a port-out fraudster's usual edit is a changed billing name or account number on
// a genuine bill. It reports signals with their evidence for a reviewer and never
// decides: a customer who merged pages in an online tool leaves some of the same
// traces as a fraudster.
//
// What it reads, cheapest first:
//
//   - the file's revisions: an incremental update (a second %%EOF) after the
//     producer's original, and what it replaced (page content, fonts, or only
//     annotations and signatures);
//   - the metadata: Producer and Creator against the XMP packet, a PDF editor or a
//     rewriting library named after a document generator, a modification date and
//     file identifier that changed after creation;
//   - the text layer (read by package extract, within its limits): two subsets of one
//     font on a page, a field value (account number, billing or business name) drawn
//     in a font nothing else on its page uses, and letters drawn over other letters;
//   - for images: the EXIF, PNG text and XMP tags an image editor writes;
//   - only when one of those fired, and for at most a few pages: the page rendered
//     and read by OCR, compared with what the text layer says.
package forensic
