import Testing
import Wire

@testable import Live
@testable import Pcap

// The parts of the live path that need no privileges: which addresses may be announced, the
// announce-file format, and the refusals' messages (tested by code path, since the tests run
// as root and cannot lose CAP_NET_RAW on the way).

struct AnnounceAddressTests {
    @Test(arguments: ["192.0.2.10", "10.200.200.120", "198.51.100.1", "1.2.3.4", "2001:db8::10", "fd00::1"])
    func acceptsUnicast(_ text: String) throws {
        #expect(try AnnounceAddress.parse(text, location: "test").description == text)
    }

    @Test(arguments: [
        ("0.0.0.0", "unspecified"), ("0.1.2.3", "this network"), ("127.0.0.1", "loopback"),
        ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("255.255.255.255", "broadcast"),
        ("240.0.0.1", "reserved"), ("192.0.2", "not an IPv4 address"),
        ("192.0.2.010", "not an IPv4 address"), ("", "not an IPv4 address"),
        ("::", "unspecified"), ("::1", "loopback"), ("ff02::1", "multicast"), ("fe80::1", "link-local"),
        ("::ffff:192.0.2.1", "maps IPv4"), ("2001:db8::g", "not an IPv6 address"),
    ])
    func refusesWhatIsNotUnicast(_ text: String, _ reason: String) {
        #expect(throws: AnnounceAddressError.self) { try AnnounceAddress.parse(text, location: "--announce") }
        do {
            _ = try AnnounceAddress.parse(text, location: "--announce")
        } catch {
            #expect(error.description.hasPrefix("--announce: "))
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func parsesAnAnnounceFile() throws {
        let text = "# speaker one\n192.0.2.11\n\n 192.0.2.10 \r\n192.0.2.12,192.0.2.10 # two on a line\n"
        #expect(
            try AnnounceAddress.parseSet(text, source: "f") == [
                IPAddress.v4(IPv4Address(192, 0, 2, 10)), .v4(IPv4Address(192, 0, 2, 11)),
                .v4(IPv4Address(192, 0, 2, 12)),
            ])
        #expect(try AnnounceAddress.parseSet("", source: "f").isEmpty)
    }

    @Test func namesTheLineOfABadAddress() {
        do {
            _ = try AnnounceAddress.parseSet("192.0.2.10\n\n224.0.0.5\n", source: "announce.txt")
            Issue.record("accepted a multicast address")
        } catch {
            #expect(error.location == "announce.txt:3")
            #expect(error.description.contains("announce.txt:3: 224.0.0.5: 224.0.0.0/4 is multicast"))
        }
    }
}

struct CapturePermissionTests {
    let root = "Name:\tsim\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
    let user = "Name:\tsim\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
    let netRawOnly = "CapEff:\t0000000000002000\n"

    @Test func readsCapNetRawFromProcStatus() {
        #expect(CapturePermission.hasNetRaw(procStatus: root) == true)
        #expect(CapturePermission.hasNetRaw(procStatus: user) == false)
        #expect(CapturePermission.hasNetRaw(procStatus: netRawOnly) == true)
        #expect(CapturePermission.hasNetRaw(procStatus: "CapEff:\t0000000000001000\n") == false)
        #expect(CapturePermission.hasNetRaw(procStatus: "Name:\tsim\n") == nil)
        #expect(CapturePermission.hasNetRaw(procStatus: "CapEff:\tzz\n") == nil)
    }

    @Test func theRefusalNamesTheCapability() {
        #expect(CapturePermission.missingMessage.contains("CAP_NET_RAW"))
        #expect(LiveError.notPermitted(CapturePermission.missingMessage).description.contains("run as root"))
    }

    @Test func libpcapActivationFailuresSayWhatToDo() {
        #expect(
            LiveCapture.activationMessage(-8, detail: "socket: Operation not permitted", interface: "eth0")
                .contains("grant CAP_NET_RAW"))
        #expect(LiveCapture.activationMessage(-5, detail: "", interface: "eth0") == "no interface named eth0")
        #expect(LiveCapture.activationMessage(-9, detail: "", interface: "eth0").contains("ip link set eth0 up"))
    }
}

struct LiveInterfaceTests {
    @Test func parsesSysfsMACAddresses() {
        #expect(LiveInterface.parseHardwareAddress("02:00:5e:00:00:0a\n") == [0x02, 0x00, 0x5e, 0x00, 0x00, 0x0a])
        #expect(LiveInterface.parseHardwareAddress("00:00:00:00:00:00") == [0, 0, 0, 0, 0, 0])
        #expect(LiveInterface.parseHardwareAddress("02:00:5e:00:00") == nil)
        #expect(LiveInterface.parseHardwareAddress("02:00:5e:00:00:0g") == nil)
    }

    @Test func aMissingInterfaceIsRefusedByName() {
        do {
            _ = try LiveSpeaker(configuration: LiveConfiguration(interface: "lbsim-nosuch9"))
            Issue.record("opened a missing interface")
        } catch {
            guard case .interfaceUnavailable(let message) = error else {
                // Without CAP_NET_RAW the permission check comes first.
                #expect(error.description.contains("CAP_NET_RAW"))
                return
            }
            #expect(message.contains("no interface named lbsim-nosuch9"), "\(message)")
        }
    }

    @Test func versionsNameTheirSchedules() {
        #expect(LiveVersion(rawValue: "v0.9.4") == .v0_9_4)
        #expect(LiveVersion(rawValue: "current") == .current)
        #expect(LiveVersion.v0_9_4.schedule(speakerStart: 7).ticker == .freeRunning(epoch: 7))
        #expect(LiveVersion.current.schedule(speakerStart: 7).ticker == .resetWhenIdle)
    }
}
