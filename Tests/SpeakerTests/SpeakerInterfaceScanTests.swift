import Engine
import Layer2
import Speaker
import Testing
import Wire

/// The speaker process's interface scan (MetalLB internal/layer2/announcer.go, `interfaceScan`
/// and `updateInterfaces`), through its driver surface: when a scan is armed, what it records,
/// and the `announceFailed` event of speaker/layer2_controller.go's `SetBalancer`.
@Suite("Speaker: interface scans")
struct SpeakerInterfaceScanTests {
    static let second = SpeakerNet.second
    static let vip = IPAddress.v4(IPv4Address(192, 0, 2, 100))
    static let eth0 = L2Interface(name: "eth0", hardwareAddress: MACAddress(2, 0, 0, 0, 0, 1))
    static let eth1 = L2Interface(name: "eth1", hardwareAddress: MACAddress(2, 0, 0, 0, 0, 2))
    static var eth1Down: L2Interface {
        var down = eth1
        down.isUp = false
        down.linkLocalStatus = .absent
        return down
    }

    static func speaker(start: Int64) -> Speaker {
        Speaker(
            configuration: SpeakerConfiguration(
                node: "node-0", address: IPv4Address(192, 0, 2, 10), interfaces: [eth0, eth1], rules: .current),
            generator: RandomStream(seed: 1), now: start, interfaces: [eth0, eth1Down])
    }

    static func drain(_ speaker: inout Speaker) -> [SpeakerOutput] {
        var outputs: [SpeakerOutput] = []
        while let output = speaker.poll() { outputs.append(output) }
        return outputs
    }

    @Test(
        "a NIC brought up is scanned at the next 10 s mark from the process start, which opens its responders and records them; a kernel that did not change arms no scan (interfaceScan and updateInterfaces in internal/layer2/announcer.go)"
    )
    func aChangeArmsTheNextScan() {
        let start = 3 * Self.second / 2
        var speaker = Self.speaker(start: start)
        #expect(Self.drain(&speaker).isEmpty, "nothing changes, nothing is armed")
        speaker.interfacesChanged([Self.eth0, Self.eth1Down], now: 4 * Self.second)
        #expect(Self.drain(&speaker).isEmpty, "the same interfaces: no scan")
        speaker.interfacesChanged([Self.eth0, Self.eth1], now: 14 * Self.second)
        let due = start + 20 * Self.second
        #expect(Self.drain(&speaker) == [.arm(.interfaceScan, at: due)])
        speaker.interfacesChanged([Self.eth0, Self.eth1Down], now: 15 * Self.second)
        speaker.interfacesChanged([Self.eth0, Self.eth1], now: 16 * Self.second)
        #expect(Self.drain(&speaker).isEmpty, "one scan is armed already")
        speaker.handleTimeout(.interfaceScan, now: due)
        #expect(
            Self.drain(&speaker) == [
                .record(.responder(ResponderChange(interface: "eth1", kind: .arp, opened: true))),
                .record(.responder(ResponderChange(interface: "eth1", kind: .ndp, opened: true))),
            ], "settled after the scan: no further scan armed")
        #expect(speaker.controller.announcer.responders.arp == [true, true])
    }

    @Test(
        "the winner with none of the advertisement's interfaces among those it lists records announceFailed for each address, and nothing is announced (SetBalancer in speaker/layer2_controller.go)"
    )
    func announceFailedIsRecorded() {
        var speaker = Self.speaker(start: 0)
        var view = SpeakerNet.view("192.0.2.100", endpoints: ["node-0"], rules: .current, nodes: ["node-0"])
        view.announceInterfaces = ["node-0": ["eth7"]]
        speaker.handleServices([(view.name, view)], now: Self.second)
        let failure = AnnounceFailure(service: view.name, ip: Self.vip, node: "node-0")
        #expect(Self.drain(&speaker) == [.record(.announceFailed(failure))])
        #expect(
            failure.message
                == #"the interfaces specified by LB IP "192.0.2.100" doesn't exist in assigned node "node-0" with protocol "layer2""#
        )
    }
}
