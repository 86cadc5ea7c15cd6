// swift-tools-version:6.0
// lbsim: a deterministic simulator of bare-metal Kubernetes load balancing (MetalLB layer2).
// The module split follows docs/ARCHITECTURE.md: sans-IO protocol code (Wire, IPAM,
// Layer2, Cluster) under two drivers (Simulation, Live), with one importer per outside library.
import PackageDescription

let package = Package(
    name: "lbsim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sim", targets: ["sim"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Addresses and frames as value types. No dependencies.
        .target(name: "Wire"),
        // MetalLB's controller: pools and address allocation.
        .target(name: "IPAM", dependencies: ["Wire"]),
        // MetalLB's layer2 speaker, sans-IO: election, ARP responder, gratuitous announcements.
        .target(
            name: "Layer2",
            dependencies: [
                "Wire",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The Kubernetes object model and the control-plane logic the simulation runs.
        .target(
            name: "Cluster",
            dependencies: [
                "Wire", "IPAM", "Engine",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        // hashicorp/memberlist's failure detector (SWIM + Lifeguard), sans-IO. -> Wire
        .target(name: "Membership", dependencies: ["Wire"]),
        // One MetalLB speaker process, sans-IO, over Layer2 and Membership: election, responders,
        // memberlist joins and leave, ForceSync, its informer view. Both drivers run it.
        .target(
            name: "Speaker",
            dependencies: [
                "Layer2", "Membership", "Wire", "Engine",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        // The discrete-event core: time, event queue, seeded random streams.
        .target(name: "Engine"),
        // The simulated world: segment, hosts, clients, recorder.
        .target(
            name: "Simulation",
            dependencies: [
                "Engine", "Wire", "IPAM", "Layer2", "Cluster", "Membership", "Speaker",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            // The frame fan-out touches host objects' stored properties millions of times per
            // run; release builds drop the runtime exclusivity bookkeeping there (about a fifth
            // of the time, measured with `sim bench`). Debug builds, which the tests use, keep it.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // libpcap, as a system library. Only Pcap imports it.
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // pcap files (writer and reader) through libpcap.
        .target(name: "Pcap", dependencies: ["CPcap"]),
        // `sim inspect`: who claimed which IP in a capture, sans-IO (frames in, analysis out).
        .target(name: "Inspect", dependencies: ["Wire"]),
        // The same Speaker on a real interface, with the wall clock (`sim live`); the same
        // Membership code on real UDP and TCP sockets (`LiveMemberlist`).
        .target(
            name: "Live",
            dependencies: [
                "Speaker", "Engine", "Layer2", "Membership", "Pcap", "Wire",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        // Scenario YAML and manifests in, reports out. Only Scenario imports Yams.
        .target(
            name: "Scenario",
            dependencies: [
                "Simulation", "Speaker", "Cluster", "IPAM", "Wire", "Engine", "Layer2", "Membership", "Pcap",
                .product(name: "Yams", package: "Yams"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        // The command line.
        .executableTarget(
            name: "sim",
            dependencies: [
                "Scenario", "Simulation", "Engine", "Wire", "Layer2", "Pcap", "Live", "Inspect",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The allocation benchmark of issue 3 (release build: swift run -c release allocator-bench).
        .executableTarget(name: "allocator-bench", dependencies: ["IPAM"], path: "Benchmarks/allocator-bench"),

        // One copy of what many test targets need: hex, SplitMix64, a reference checksum, the
        // repository's files, child processes and tools, temporary directories, the built `sim`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Shared by the tests that talk to the real kernel in network namespaces.
        .target(name: "NamespaceLab", dependencies: ["Wire", "TestSupport"], path: "Tests/NamespaceLab"),
        // Shared by the tests that read lbsim's XML outputs (JUnit, timeline.svg).
        .target(name: "XMLCheck", path: "Tests/XMLCheck"),

        .testTarget(name: "WireTests", dependencies: ["Wire", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "MembershipTests", dependencies: ["Membership", "Wire", "TestSupport"]),
        .testTarget(
            name: "IPAMTests",
            dependencies: [
                "IPAM", "Wire",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "Layer2Tests", dependencies: ["Layer2", "Wire", "Cluster", "IPAM", "TestSupport"]),
        .testTarget(
            name: "SpeakerTests",
            dependencies: [
                "Speaker", "Engine", "Layer2", "Membership", "Wire",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "IPAM", "Wire"]),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["Simulation", "Engine", "Wire", "Layer2", "Cluster", "IPAM", "NamespaceLab", "TestSupport"]),
        .testTarget(name: "PcapTests", dependencies: ["Pcap", "Wire", "Layer2", "TestSupport"]),
        .testTarget(
            name: "ScenarioTests",
            dependencies: [
                "Scenario", "Simulation", "Speaker", "Layer2", "Engine", "Pcap", "Wire", "XMLCheck", "TestSupport",
            ]),
        .testTarget(name: "InspectTests", dependencies: ["Inspect", "Wire", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["Scenario", "Pcap", "Wire", "Inspect", "XMLCheck", "TestSupport"]),
        .testTarget(
            name: "LiveTests",
            dependencies: [
                "Live", "Pcap", "Wire", "Layer2", "Membership", "Simulation", "Engine", "NamespaceLab", "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
