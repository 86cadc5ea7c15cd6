import Engine
import Layer2
import Speaker
import Testing
import Wire

/// MetalLB v0.9.4 reads its ConfigMap in every process (speaker/main.go, `SetConfig` and
/// `poolFor`): a speaker refuses a new config only when an address it announces itself would
/// be in no pool, and otherwise takes it and looks every address up in it, so a speaker that
/// announces nothing takes a config the controller refused and then finds the address not
/// allowed. A refused config is not retried (internal/k8s/k8s.go marks it stale and reports
/// success): only the next change of the object is looked at.
@Suite("Speaker: v0.9.4's config is the process's own")
struct SpeakerConfigTests {
    static let vip = "192.0.2.100"

    static func config(_ prefix: String) -> SpeakerPoolConfig {
        SpeakerPoolConfig(pools: [.init(name: "default", cidrs: [IPPrefix(prefix)!], announcement: .layer2)])
    }

    static func speaker(_ rules: SpeakerController.Rules, config: SpeakerPoolConfig?) -> Speaker {
        Speaker(
            configuration: SpeakerConfiguration(
                node: "node-0", address: IPv4Address(192, 0, 2, 10),
                interfaces: [SpeakerProcessTests.eth0], rules: rules),
            generator: RandomStream(seed: 1), now: 0, poolConfig: config)
    }

    static func records(_ speaker: inout Speaker) -> [SpeakerRecord] {
        SpeakerProcessTests.drain(&speaker).compactMap {
            if case .record(let record) = $0 { return record }
            return nil
        }
    }

    static let service = SpeakerNet.view(vip, endpoints: ["node-0"], rules: .v0_9_4, nodes: ["node-0"])
    static let address = IPAddress.v4(IPv4Address(vip)!)

    @Test("the announcing speaker refuses a config that orphans its address, keeps announcing, and records why")
    func announcingSpeakerRefuses() {
        var speaker = Self.speaker(.v0_9_4, config: Self.config("192.0.2.100/32"))
        speaker.handleServices([(Self.service.name, Self.service)], now: 0)
        #expect(Self.records(&speaker).first == .startedAnnouncing(Self.address))

        speaker.handleConfig(Self.config("198.51.100.0/24"), now: 1)
        #expect(Self.records(&speaker) == [.configRefused(service: Self.service.name, ip: Self.address)])
        #expect(speaker.announcedIPs == [Self.address])
        // Its next election still finds the address in its (old) pool.
        speaker.handleServices([(Self.service.name, Self.service)], now: 2)
        #expect(speaker.announcedIPs == [Self.address])
    }

    @Test("a speaker that announces nothing takes the config, and then finds the address not allowed")
    func idleSpeakerTakesIt() {
        let elsewhere = SpeakerNet.view(Self.vip, endpoints: ["node-1"], rules: .v0_9_4, nodes: ["node-0", "node-1"])
        var speaker = Self.speaker(.v0_9_4, config: Self.config("192.0.2.100/32"))
        speaker.handleServices([(elsewhere.name, elsewhere)], now: 0)
        #expect(speaker.announcedIPs.isEmpty)
        speaker.handleConfig(Self.config("198.51.100.0/24"), now: 1)
        #expect(Self.records(&speaker).isEmpty)
        #expect(speaker.controller.ownConfig == Self.config("198.51.100.0/24"))
        // The pod moves here: the view still says layer2 (the controller kept the old pool),
        // but this process looks the address up in its own config.
        speaker.handleServices([(Self.service.name, Self.service)], now: 2)
        #expect(speaker.announcedIPs.isEmpty, "ipNotAllowed under its own config")
        // The config is fixed: it takes it and reprocesses every service through the rate
        // limiter (5 ms), then announces.
        // The key is still waiting from the first config (due at 1 + 5 ms), and keeps that
        // earlier time; it is processed with the config taken last.
        speaker.handleConfig(Self.config("192.0.2.96/28"), now: 3)
        #expect(speaker.announcedIPs.isEmpty)
        speaker.handleTimeout(.resync, now: 5_000_001)
        #expect(speaker.announcedIPs == [Self.address])
    }

    @Test("a refused config is not retried: the speaker takes it only when the object changes again")
    func refusedIsNotRetried() {
        var speaker = Self.speaker(.v0_9_4, config: Self.config("192.0.2.100/32"))
        speaker.handleServices([(Self.service.name, Self.service)], now: 0)
        _ = SpeakerProcessTests.drain(&speaker)
        speaker.handleConfig(Self.config("198.51.100.0/24"), now: 1)
        // The record, and no timer to try again.
        #expect(
            SpeakerProcessTests.drain(&speaker) == [
                .record(.configRefused(service: Self.service.name, ip: Self.address))
            ])
        #expect(speaker.controller.ownConfig == Self.config("192.0.2.100/32"))
        // The same object delivered again (a re-list) is judged again, the same way.
        speaker.handleConfig(Self.config("198.51.100.0/24"), now: 2)
        #expect(
            SpeakerProcessTests.drain(&speaker) == [
                .record(.configRefused(service: Self.service.name, ip: Self.address))
            ])
    }

    @Test("current: the view's pool decides; a delivered ConfigMap changes nothing")
    func currentIgnoresIt() {
        let view = SpeakerNet.view(Self.vip, endpoints: ["node-0"], rules: .current, nodes: ["node-0"])
        var speaker = Self.speaker(.current, config: Self.config("198.51.100.0/24"))
        #expect(speaker.controller.ownConfig == nil)
        speaker.handleConfig(Self.config("198.51.100.0/24"), now: 0)
        speaker.handleServices([(view.name, view)], now: 1)
        #expect(speaker.announcedIPs == [Self.address])
    }
}
