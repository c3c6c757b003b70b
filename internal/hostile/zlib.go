package hostile

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"sync"
)

// zeroChunk is one MiB of zeros deflated and sync-flushed: a self-contained sequence
// of non-final deflate blocks that only refers back within itself, so copies of it can
// be concatenated into a valid stream of any length without compressing it all.
var zeroChunk = sync.OnceValue(func() []byte { return deflateZeros(1 << 20) })

func deflateZeros(n int) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(make([]byte, n))
	w.Flush()
	return buf.Bytes()
}

// zlibZeros is a zlib stream (RFC 1950, as PDF FlateDecode and PNG IDAT use) that
// inflates to n zero bytes while being about n/1000 bytes long: a decompression bomb
// whose checksum is right, so only a size limit stops it.
func zlibZeros(n int64) []byte {
	var buf bytes.Buffer
	buf.Write([]byte{0x78, 0xda})
	chunk := zeroChunk()
	for left := n; left > 0; {
		if left >= 1<<20 {
			buf.Write(chunk)
			left -= 1 << 20
			continue
		}
		buf.Write(deflateZeros(int(left)))
		left = 0
	}
	buf.Write([]byte{0x03, 0x00}) // a final, empty fixed-Huffman block
	// Adler-32 of n zeros: a stays 1, b adds a once per byte.
	const mod = 65521
	adler := uint32(n%mod)<<16 | 1
	binary.Write(&buf, binary.BigEndian, adler)
	return buf.Bytes()
}

// zlibBytes compresses data into a zlib stream.
func zlibBytes(data []byte) []byte {
	var buf bytes.Buffer
	buf.Write([]byte{0x78, 0xda})
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	w.Write(data)
	w.Close()
	var a, b uint32 = 1, 0
	for _, c := range data {
		a = (a + uint32(c)) % 65521
		b = (b + a) % 65521
	}
	binary.Write(&buf, binary.BigEndian, b<<16|a)
	return buf.Bytes()
}
