package forensic

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"

	"github.com/portdocs/portdocs/extract"
)

// imageSignals reads the tags an image editor writes: EXIF Software (JPEG APP1, TIFF
// IFD0), PNG Software text, XMP CreatorTool and Photoshop's history, and Photoshop's
// own resource block in a JPEG. A phone camera or scanner names itself there ("iOS
// 18.1", a scanner model); an editor names itself too.
func imageSignals(data []byte) []Signal {
	var tags []string
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		tags = jpegTags(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		tags = pngTags(data)
	case bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*")):
		tags = exifSoftware(data)
	}
	tags = append(tags, xmpTags(data)...)
	for _, t := range tags {
		if tool := matchTool(t, imageEditors); tool != "" {
			return []Signal{{Kind: KindImageEditor, Evidence: fmt.Sprintf("the image's metadata names an image editor: %q", clip(t))}}
		}
	}
	return nil
}

// jpegTags walks the JPEG's marker segments up to the image data.
func jpegTags(data []byte) []string {
	var out []string
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			break
		}
		marker := data[i+1]
		if marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 {
			break // start of scan: no more metadata
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			break
		}
		seg := data[i+4 : i+2+n]
		switch {
		case marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			out = append(out, exifSoftware(seg[6:])...)
		case marker == 0xED && bytes.HasPrefix(seg, []byte("Photoshop 3.0\x00")):
			out = append(out, "Photoshop (an image resource block)")
		}
		i += 2 + n
	}
	return out
}

// exifSoftware reads the Software tag (0x0131) of a TIFF structure's first IFD.
func exifSoftware(t []byte) []string {
	if _, typ, v, ok := extract.EXIFEntry(t, 0x0131); ok && typ == 2 {
		return []string{string(bytes.TrimRight(v, "\x00 "))}
	}
	return nil
}

// pngTags reads tEXt and iTXt chunks named Software.
func pngTags(data []byte) []string {
	var out []string
	for i := 8; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if n < 0 || i+12+n > len(data) || typ == "IDAT" || typ == "IEND" {
			break
		}
		body := data[i+8 : i+8+n]
		if (typ == "tEXt" || typ == "iTXt") && bytes.HasPrefix(body, []byte("Software\x00")) {
			v := body[len("Software\x00"):]
			if typ == "iTXt" {
				// compression flag (0: plain), method, language\0, translated keyword\0, text
				v2 := []byte(nil)
				if len(v) >= 2 && v[0] == 0 {
					if parts := bytes.SplitN(v[2:], []byte{0}, 3); len(parts) == 3 {
						v2 = parts[2]
					}
				}
				v = v2
			}
			out = append(out, string(v))
		}
		i += 12 + n
	}
	return out
}

var xmpHistory = regexp.MustCompile(`stEvt:softwareAgent(?:>|\s*=\s*")([^<"]{1,200})`)

// xmpTags finds an XMP packet's creator tool and history agents anywhere in the file
// (JPEG APP1, PNG iTXt, TIFF tag 700 all keep the packet as plain text), searching the
// first megabytes only.
func xmpTags(data []byte) []string {
	head := data
	if len(head) > 4<<20 {
		head = head[:4<<20]
	}
	i := bytes.Index(head, []byte("<x:xmpmeta"))
	if i < 0 {
		return nil
	}
	packet := head[i:]
	if j := bytes.Index(packet, []byte("</x:xmpmeta>")); j >= 0 {
		packet = packet[:j]
	}
	var out []string
	for _, re := range []*regexp.Regexp{xmpCreator, xmpHistory} {
		for _, m := range re.FindAllSubmatch(packet, 8) {
			out = append(out, string(m[1]))
		}
	}
	return out
}
