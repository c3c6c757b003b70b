package forensic

import "strings"

// Tools that edit a finished document. A bill generator never names one of these as
// its Producer or Creator; a customer who edits, merges or "fixes" a bill in one does,
// and so does a fraudster. Matching is by case-insensitive substring.
var pdfEditors = []string{
	"acrobat pro", "acrobat standard", "adobe acrobat 2", "pdfescape", "sejda", "ilovepdf",
	"smallpdf", "pdf-xchange editor", "foxit phantompdf", "foxit pdf editor", "pdfelement",
	"wondershare", "master pdf editor", "pdffiller", "dochub", "pdf candy", "soda pdf",
	"inkscape", "canva", "photoshop", "illustrator", "coreldraw", "libreoffice draw",
	"modified using", "pdf editor",
}

// Libraries that rewrite a PDF another program made (merge, split, "repair"). Named as
// the Producer while the Creator names a different generator, they say the file is not
// as that generator wrote it.
var pdfRewriters = []string{
	"itext", "pdftk", "pypdf", "pdfsharp", "pdf-lib", "hummuspdf", "pdfbox", "qpdf",
}

// Image editors as they write EXIF Software, PNG Software text and XMP CreatorTool.
var imageEditors = []string{
	"photoshop", "gimp", "paint.net", "pixelmator", "affinity photo", "snapseed",
	"lightroom", "canva", "picsart", "photopea", "krita", "fotor", "paintshop",
	"adobe express", "inkscape", "photoscape",
}

// matchTool returns the entry of tools that s names, or "".
func matchTool(s string, tools []string) string {
	low := strings.ToLower(s)
	for _, t := range tools {
		if strings.Contains(low, t) {
			return t
		}
	}
	return ""
}
