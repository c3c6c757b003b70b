package hostile

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
)

// pngChunk writes one chunk with its CRC, so decoders reach the bomb instead of
// stopping at a checksum.
func pngChunk(b *bytes.Buffer, typ string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.Write(b, binary.BigEndian, crc.Sum32())
}

func pngFile(w, h uint32, depth, colorType byte, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = depth, colorType
	pngChunk(&b, "IHDR", ihdr)
	if idat != nil {
		pngChunk(&b, "IDAT", idat)
	}
	pngChunk(&b, "IEND", nil)
	return b.Bytes()
}

// pngHeaderBomb claims 30000×30000 (or more) pixels and carries only a few rows: a
// decoder that allocates from the header alone allocates gigabytes.
func pngHeaderBomb(r *rand.Rand) []byte {
	w := uint32([]int{30000, 30000, 65535, 1 << 30}[r.IntN(4)])
	ct := []byte{0, 2, 6}[r.IntN(3)]
	return pngFile(w, 30000, 8, ct, zlibZeros(int64(1+r.IntN(64))<<10))
}

// pngZeroBomb is a complete, valid 30000×30000 grayscale PNG: 900 MB of pixels from
// under a megabyte of file.
func pngZeroBomb(r *rand.Rand) []byte {
	const side = 30000
	return pngFile(side, side, 8, 0, zlibZeros(int64(side)*(side+1)))
}

func smallImage(r *rand.Rand) image.Image {
	img := image.NewGray(image.Rect(0, 0, 40+r.IntN(200), 40+r.IntN(200)))
	for i := range img.Pix {
		img.Pix[i] = byte(r.IntN(256))
	}
	return img
}

func smallPNG(r *rand.Rand) []byte {
	var b bytes.Buffer
	png.Encode(&b, smallImage(r))
	return b.Bytes()
}

// pngDamaged is a small PNG truncated, with a chunk's CRC broken, or with bytes flipped.
func pngDamaged(r *rand.Rand) []byte {
	b := smallPNG(r)
	switch r.IntN(3) {
	case 0:
		return b[:8+r.IntN(len(b)-8)]
	case 1:
		b[29+r.IntN(4)] ^= 0xff // IHDR's CRC
		return b
	default:
		for i := 0; i < 1+r.IntN(10); i++ {
			b[8+r.IntN(len(b)-8)] ^= byte(1 << r.IntN(8))
		}
		return b
	}
}

// jpegHeaderBomb is a JPEG whose frame header claims up to 65535×65535 pixels.
func jpegHeaderBomb(r *rand.Rand) []byte {
	h, w := uint16(65000+r.IntN(535)), uint16(65000+r.IntN(535))
	return flatJPEG(w, h, make([]byte, 1024+r.IntN(8192)))
}

// jpegPhotoBomb is a valid gray JPEG of 40 to 300 megapixels, a phone photo's size, in
// about 1 MB: every 8×8 block is two bits (no change of DC, end of block). It is read
// whole at a reduction; half of them are cut short.
func jpegPhotoBomb(r *rand.Rand) []byte {
	w := 6400 + r.IntN(16000-6400)
	h := max(40_000_001/w+8, min(65535, (40_000_000+r.IntN(260_000_000))/w))
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	scan := make([]byte, (2*blocks+7)/8)
	if r.IntN(2) == 0 {
		scan = scan[:r.IntN(len(scan))]
	}
	return flatJPEG(uint16(w), uint16(h), scan)
}

// flatJPEG is a baseline gray JPEG of w×h with Huffman tables of one 1-bit code each,
// so zero bits decode as flat blocks, followed by the given scan data.
func flatJPEG(w, h uint16, scan []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8}) // SOI
	// DQT: one table of ones.
	b.Write([]byte{0xFF, 0xDB, 0x00, 0x43, 0x00})
	b.Write(bytes.Repeat([]byte{1}, 64))
	// SOF0: 8-bit, height, width, one component.
	b.Write([]byte{0xFF, 0xC0, 0x00, 0x0B, 0x08, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 0x01, 0x01, 0x11, 0x00})
	// DHT: a minimal DC and AC table.
	b.Write([]byte{0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01})
	b.Write(make([]byte, 15))
	b.Write([]byte{0x00})
	b.Write([]byte{0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01})
	b.Write(make([]byte, 15))
	b.Write([]byte{0x00})
	// SOS, the scan data, then EOI.
	b.Write([]byte{0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00})
	b.Write(scan)
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// jpegDamaged is a small real JPEG truncated or with flipped bytes.
func jpegDamaged(r *rand.Rand) []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 64+r.IntN(128), 64+r.IntN(128)))
	for i := range img.Pix {
		img.Pix[i] = byte(r.IntN(256))
	}
	img.Set(0, 0, color.Black)
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 50})
	data := b.Bytes()
	if r.IntN(2) == 0 {
		return data[:2+r.IntN(len(data)-2)]
	}
	for i := 0; i < 1+r.IntN(20); i++ {
		data[2+r.IntN(len(data)-2)] ^= byte(1 << r.IntN(8))
	}
	return data
}

// tiffIFD writes little-endian IFD entries (tag, type, count, value).
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    uint32
}

func tiffIFD(b *bytes.Buffer, entries []tiffEntry, next uint32) {
	binary.Write(b, binary.LittleEndian, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(b, binary.LittleEndian, e)
	}
	binary.Write(b, binary.LittleEndian, next)
}

const (
	tShort = 3
	tLong  = 4
)

// tiffBomb claims 30000×30000 (or 100000×100000) pixels whose one strip is a deflate
// bomb, or an IFD chain that loops on itself, or thousands of pages.
func tiffBomb(r *rand.Rand) []byte {
	var b bytes.Buffer
	b.WriteString("II*\x00")
	switch r.IntN(3) {
	case 0: // dimension and decompression bomb
		side := uint32([]int{30000, 100000}[r.IntN(2)])
		strip := zlibZeros(int64(side) * int64(side) / 8)
		binary.Write(&b, binary.LittleEndian, uint32(8))
		entries := []tiffEntry{
			{256, tLong, 1, side}, {257, tLong, 1, side}, {258, tShort, 1, 1}, {259, tShort, 1, 8},
			{262, tShort, 1, 1}, {273, tLong, 1, 0}, {277, tShort, 1, 1}, {278, tLong, 1, side},
			{279, tLong, 1, uint32(len(strip))},
		}
		entries[5].value = uint32(8 + 2 + len(entries)*12 + 4)
		tiffIFD(&b, entries, 0)
		b.Write(strip)
	case 1: // an IFD whose next IFD is itself
		binary.Write(&b, binary.LittleEndian, uint32(8))
		tiffIFD(&b, []tiffEntry{{256, tLong, 1, 16}, {257, tLong, 1, 16}, {258, tShort, 1, 8}, {262, tShort, 1, 1},
			{273, tLong, 1, 8}, {279, tLong, 1, 256}}, 8)
	default: // thousands of tiny pages chained
		n := 2000 + r.IntN(8000)
		binary.Write(&b, binary.LittleEndian, uint32(8))
		const size = 2 + 6*12 + 4
		for i := 0; i < n; i++ {
			next := uint32(8 + (i+1)*size)
			if i == n-1 {
				next = 0
			}
			tiffIFD(&b, []tiffEntry{{256, tLong, 1, 8}, {257, tLong, 1, 8}, {258, tShort, 1, 8}, {262, tShort, 1, 1},
				{273, tLong, 1, 0}, {279, tLong, 1, 64}}, next)
		}
	}
	return b.Bytes()
}

// BMFFBox is one ISO base media file box (the extract package's tests build files with it too).
func BMFFBox(typ string, body ...[]byte) []byte {
	n := 8
	for _, b := range body {
		n += len(b)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(n))
	out = append(out, typ...)
	for _, b := range body {
		out = append(out, b...)
	}
	return out
}

// HEIFFile is a HEIF container of the given major brand ("heic", "avif") declaring
// one w×h image, with data where the coded image would be. The extract package's
// tests use it too.
func HEIFFile(brand string, w, h uint32, data []byte) []byte {
	ispe := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32([]byte{0, 0, 0, 0}, w), h)
	meta := BMFFBox("meta", []byte{0, 0, 0, 0}, BMFFBox("hdlr", make([]byte, 24)),
		BMFFBox("iprp", BMFFBox("ipco", BMFFBox("ispe", ispe))))
	ftyp := BMFFBox("ftyp", []byte(brand), []byte{0, 0, 0, 0}, []byte("mif1"))
	return append(append(ftyp, meta...), BMFFBox("mdat", data)...)
}

// heifSizeBomb is a HEIC photo claiming up to 65535×65535 pixels.
func heifSizeBomb(r *rand.Rand) []byte {
	return HEIFFile("heic", uint32(20000+r.IntN(45535)), uint32(20000+r.IntN(45535)), randomBytes(r, 64+r.IntN(4096)))
}

// heifGarbage is a plausible HEIC of a phone photo's size whose coded image is random
// bytes, or whose container is cut short: the converter must fail cleanly.
func heifGarbage(r *rand.Rand) []byte {
	data := HEIFFile("heic", uint32(640+r.IntN(4000)), uint32(480+r.IntN(3000)), randomBytes(r, 256+r.IntN(64<<10)))
	if r.IntN(3) == 0 {
		data = data[:16+r.IntN(len(data)-16)]
	}
	return data
}
