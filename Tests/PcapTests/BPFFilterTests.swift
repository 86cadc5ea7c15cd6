import Pcap
import TestSupport
import Testing

@Suite("BPF filters")
struct BPFFilterTests {
    @Test("\"arp\" matches ARP frames and not IPv4 frames")
    func arpFilter() throws {
        let filter = try BPFFilter("arp")
        #expect(filter.expression == "arp")
        #expect(filter.linkType == .ethernet)
        #expect(filter.matches(Frames.arpRequest))
        #expect(filter.matches(Frames.arpReply))
        #expect(!filter.matches(Frames.ipv4UDP))
        #expect(!filter.matches([]))

        let ip = try BPFFilter("ip and udp dst port 80")
        #expect(ip.matches(Frames.ipv4UDP))
        #expect(!ip.matches(Frames.arpRequest))
    }

    @Test("\"ether src\" selects frames by source MAC")
    func etherSource() throws {
        let speaker = try BPFFilter("ether src 00:50:56:00:3b:6f")
        #expect(speaker.matches(Frames.arpReply))
        #expect(!speaker.matches(Frames.arpRequest))
        #expect(!speaker.matches(Frames.ipv4UDP))  // sent by the client, to the speaker

        let client = try BPFFilter("ether src 00:50:56:00:3b:99 and ether broadcast")
        #expect(client.matches(Frames.arpRequest))
        #expect(!client.matches(Frames.arpReply))
        #expect(!client.matches(Frames.ipv4UDP))  // from the client, but unicast
    }

    @Test("ARP fields can be matched by offset (replies only)")
    func arpOpcode() throws {
        let replies = try BPFFilter("arp[6:2] = 2")
        #expect(replies.matches(Frames.arpReply))
        #expect(!replies.matches(Frames.arpRequest))
    }

    @Test("the original length is what length primitives see")
    func originalLength() throws {
        let long = try BPFFilter("greater 100")
        #expect(!long.matches(Frames.arpRequest))
        #expect(long.matches(Frames.arpRequest, originalLength: 1500))
        Frames.arpRequest.withUnsafeBytes { bytes in
            #expect(long.matches(bytes, originalLength: 1500))
            #expect(!long.matches(bytes))
        }
    }

    @Test("a bad expression throws PcapError with libpcap's message")
    func badExpression() throws {
        let error = try #require(throws: PcapError.self) { try BPFFilter("arp and and") }
        #expect(error.message.contains("syntax error"), "\(error)")
        #expect(error.operation.contains("arp and and"))

        let unknownHost = try #require(throws: PcapError.self) { try BPFFilter("ether src nonsense:zz") }
        #expect(!unknownHost.message.isEmpty)
    }

    @Test("filters select records read back from a file")
    func filterRecords() throws {
        let scratch = try TemporaryDirectory("pcap")
        let path = scratch.path("trace.pcap").path
        try writeStandardTrace(to: path)
        let filter = try BPFFilter("arp and ether src 00:50:56:00:3b:6f")
        let selected = try PcapFileReader(path: path).readAll()
            .filter { filter.matches($0.bytes, originalLength: $0.originalLength) }
        #expect(selected == [standardTrace[1]])
    }
}
