package ocr

// Giving a page's memory back after recognition.
//
// Tesseract keeps the last page (its copy of the image, the thresholded image, the layout
// and the results) until it is given the next one, and gosseract keeps its own Leptonica
// copy of the image as long. An idle client would hold on to its last page: 100 MB and
// more after a large one, per worker, for as long as the server is quiet. So after each
// page the client reads a blank 8×8 image, which replaces all of it, and glibc is asked
// to return the freed heap to the system (it otherwise keeps freed memory in its arenas
// for reuse, and the process's RSS only grows).

/*
#include <malloc.h>
*/
import "C"

import "github.com/otiai10/gosseract/v2"

// release makes the client drop its last page.
func (t *tessClient) release() error {
	if err := t.c.SetImageFromBytes(blankPGM); err != nil {
		return err
	}
	_, err := t.c.GetBoundingBoxes(gosseract.RIL_WORD)
	return err
}

// trimCHeap returns free C heap memory to the system.
func trimCHeap() { C.malloc_trim(0) }
