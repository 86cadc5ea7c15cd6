// Command vectors prints the byte vectors lbsim's Membership tests check its encoders
// against, made by the real Go code. It was run once with Debian's Go 1.19 and
// hashicorp/go-msgpack, and its output pasted into Tests/MembershipTests/LZWTests.swift (the
// LZW and compress lines) and StreamTests.swift (the push/pull line):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run ./Tests/MemberlistPeer/vectors
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
	"net"

	"github.com/hashicorp/go-msgpack/codec"
)

type compress struct {
	Algo uint8
	Buf  []byte
}

// pushPullHeader and pushNodeState have the fields of memberlist's own (net.go), in its
// order; go-msgpack writes them as maps keyed by field name.
type pushPullHeader struct {
	Nodes        int
	UserStateLen int
	Join         bool
}

type pushNodeState struct {
	Name        string
	Addr        net.IP
	Port        uint16
	Meta        []byte
	Incarnation uint32
	State       int
	Vsn         []uint8
}

// pushPull is what memberlist's sendLocalState writes on a connection for a one-member
// list, before compression: the message type byte (6), the header, the member.
func pushPull() []byte {
	var buf bytes.Buffer
	buf.WriteByte(6)
	enc := codec.NewEncoder(&buf, &codec.MsgpackHandle{})
	if err := enc.Encode(&pushPullHeader{Nodes: 1, UserStateLen: 0, Join: true}); err != nil {
		panic(err)
	}
	node := pushNodeState{Name: "go-a", Addr: net.ParseIP("192.0.2.21").To4(), Port: 7946, Incarnation: 1,
		Vsn: []uint8{1, 5, 2, 0, 0, 0}}
	if err := enc.Encode(&node); err != nil {
		panic(err)
	}
	return buf.Bytes()
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
	fmt.Printf("push/pull: %x\n", pushPull())
}
