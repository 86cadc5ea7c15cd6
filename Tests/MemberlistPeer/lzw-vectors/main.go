// Command lzw-vectors prints the LZW vectors LZWTests checks lbsim's encoder against. It was
// run once with Debian's Go 1.19 and hashicorp/go-msgpack, and its output pasted into
// Tests/MembershipTests/LZWTests.swift:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run ./Tests/MemberlistPeer/lzw-vectors
//
// compressPayload in memberlist's util.go is not exported, so this does what it does: Go's
// compress/lzw writer (LSB order, 8-bit literals), closed, the result put in a struct of
// memberlist's compress shape (Algo uint8, Buf []byte) encoded by go-msgpack's MsgpackHandle
// behind the message type byte 9.
package main

import (
	"bytes"
	"compress/lzw"
	"fmt"
	"hash/crc32"

	"github.com/hashicorp/go-msgpack/codec"
)

type compress struct {
	Algo uint8
	Buf  []byte
}

func lzwBytes(in []byte) []byte {
	var buf bytes.Buffer
	w := lzw.NewWriter(&buf, lzw.LSB, 8)
	if _, err := w.Write(in); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func compressMsg(in []byte) []byte {
	var buf bytes.Buffer
	buf.WriteByte(9)
	if err := codec.NewEncoder(&buf, &codec.MsgpackHandle{}).Encode(&compress{Algo: 0, Buf: lzwBytes(in)}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// generated makes the same bytes as LZWTests.generated: a linear congruential generator,
// each byte from the top bits of the state, over an alphabet of `alphabet` letters from 'a'
// (256: any byte).
func generated(count int, alphabet uint32) []byte {
	state := uint32(1)
	out := make([]byte, count)
	for i := range out {
		state = state*1664525 + 1013904223
		if alphabet == 256 {
			out[i] = byte(state >> 24)
		} else {
			out[i] = byte(97 + (state>>24)%alphabet)
		}
	}
	return out
}

func main() {
	small := []byte("memberlist memberlist memberlist: TOBEORNOTTOBEORTOBEORNOT, lbsim lbsim lbsim")
	fmt.Printf("empty lzw: %x\n", lzwBytes(nil))
	fmt.Printf("small lzw: %x\n", lzwBytes(small))
	fmt.Printf("small compressMsg: %x\n", compressMsg(small))
	for _, c := range []struct {
		count    int
		alphabet uint32
	}{{30000, 6}, {12000, 256}} {
		out := lzwBytes(generated(c.count, c.alphabet))
		fmt.Printf("generated(%d, %d): %d bytes, crc32 %08x\n", c.count, c.alphabet, len(out), crc32.ChecksumIEEE(out))
	}
}
