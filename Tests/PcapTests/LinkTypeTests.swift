import Pcap
import Testing

@Suite("Link types")
struct LinkTypeTests {
    @Test("Ethernet is DLT_EN10MB and libpcap names it EN10MB")
    func ethernet() {
        #expect(LinkType.ethernet.rawValue == 1)
        #expect(LinkType.ethernet == LinkType(rawValue: 1))
        #expect(LinkType.ethernet.name == "EN10MB")
        #expect("\(LinkType.ethernet)" == "EN10MB")
    }

    @Test("other values get libpcap's names, unknown ones a readable stand-in")
    func otherValues() {
        #expect(LinkType(rawValue: 113).name == "LINUX_SLL")
        #expect(LinkType(rawValue: 99_999).name == "DLT 99999")
    }
}
