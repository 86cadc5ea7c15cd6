import Foundation
import Simulation
import TestSupport
import Testing
import Wire

@testable import Scenario

/// Services without a selector and the Endpoints and EndpointSlices users write for them.
/// Kubernetes' endpoints controllers skip a nil selector (pkg/controller/endpoint and
/// endpointslice); the mirroring controller copies Endpoints into a slice unless labelled
/// `endpointslice.kubernetes.io/skip-mirror` (pkg/controller/endpointslicemirroring). MetalLB
/// v0.9.4 reads Endpoints and elects among the nodes its ready addresses name
/// (speaker/layer2_controller.go, `usableNodes`); current reads slices and takes any endpoint
/// that can serve (internal/k8s/epslices, `EndpointCanServe`; `activeEndpointExists`).
/// kube-proxy forwards to the ready ones whose port name matches the Service port's.
/// Scenario: Scenarios/workloads/selectorless-service-endpoints.yaml.
@Suite("Selectorless Services with hand-written Endpoints and EndpointSlices")
struct SelectorlessServiceTests {
    static let path = "Scenarios/workloads/selectorless-service-endpoints.yaml"
    static let vip = IPAddress.v4(IPv4Address(198, 51, 100, 200))

    static let endpoints = """
          - apiVersion: v1
            kind: Endpoints
            metadata: {name: nas}
            subsets:
              - addresses: [{ip: 198.51.100.13}]
                ports: [{name: https, port: 8443}]

        """

    /// The committed scenario with `change`, without its expectations.
    static func run(version: String = "current", _ change: (String) throws -> String = { $0 }) throws -> World {
        var variant = try CommittedScenarioVariant(Self.path)
        variant.text = try change(variant.text)
        if version == "v0.9.4" { try variant.onV094() }
        return try variant.run(until: .seconds(40))
    }

    /// Loads scenario text, expectations and all, as the committed file would be.
    static func load(_ text: String) throws -> Scenario {
        var variant = try CommittedScenarioVariant(Self.path)
        variant.text = text
        return try variant.load(keepingExpectations: true)
    }

    static func owners(_ world: World, at seconds: Int64) -> [String] {
        world.recorder.announcers(of: vip, at: .seconds(seconds))
    }

    static func answered(_ world: World, from: Int64, to: Int64) -> Int {
        world.recorder.probes.filter { $0.sentAt >= .seconds(from) && $0.sentAt < .seconds(to) && $0.answeredBy != nil }
            .count
    }

    @Test("current: an endpoint on no node counts; the hash winner announces and forwards to worker-3")
    func currentAnnouncesAndForwards() throws {
        let path = Repository.root.appendingPathComponent(Self.path).path
        let report = try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results.filter { !$0.passed }.map(\.message))")
        let world = try Self.run()
        #expect(Self.answered(world, from: 1, to: 19) > 150)
        #expect(Self.answered(world, from: 21, to: 40) == 0, "a hand-written endpoint is never health-checked")
    }

    @Test("v0.9.4: addresses without nodeName give no candidate, so nobody announces; with one, that node does")
    func v094ElectsAmongNamedNodes() throws {
        let unnamed = try Self.run(version: "v0.9.4")
        #expect(unnamed.cluster.services["default/nas"]?.ingress == [Self.vip])
        #expect(Self.owners(unnamed, at: 10) == [])
        let named = try Self.run(version: "v0.9.4") {
            try replacingOnce($0, "[{ip: 198.51.100.13}]", "[{ip: 198.51.100.13, nodeName: worker-3}]")
        }
        #expect(Self.owners(named, at: 10) == ["worker-3"])
    }

    @Test("current: an EndpointSlice that is serving but not ready is announced, and kube-proxy rejects")
    func servingButNotReady() throws {
        let world = try Self.run {
            try replacingOnce(
                $0, Self.endpoints,
                """
                  - apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata: {name: nas-1, labels: {kubernetes.io/service-name: nas}}
                    addressType: IPv4
                    ports: [{name: https, port: 8443}]
                    endpoints:
                      - addresses: [198.51.100.13]
                        conditions: {ready: false, serving: true, terminating: true}

                """)
        }
        #expect(Self.owners(world, at: 10) == ["worker-2"])
        #expect(Self.answered(world, from: 1, to: 19) == 0, "kube-proxy has no ready endpoint")
    }

    @Test("kube-proxy matches the Service port's name: an endpoint port named otherwise serves nothing")
    func portNamesMustMatch() throws {
        let world = try Self.run {
            try replacingOnce($0, "ports: [{name: https, port: 8443}]", "ports: [{name: web, port: 8443}]")
        }
        #expect(Self.owners(world, at: 10) == ["worker-2"])
        #expect(Self.answered(world, from: 1, to: 19) == 0)
    }

    @Test("current: Endpoints labelled skip-mirror have no slice, so nothing is announced")
    func skipMirror() throws {
        let world = try Self.run {
            try replacingOnce(
                $0, "    metadata: {name: nas}\n    subsets:",
                "    metadata: {name: nas, labels: {endpointslice.kubernetes.io/skip-mirror: \"true\"}}\n    subsets:")
        }
        #expect(Self.owners(world, at: 10) == [])
    }

    @Test("an address that is no node's and names no node is refused at the address")
    func externalBackendRefused() throws {
        let text = try replacingOnce(try Repository.text(Self.path), "[{ip: 198.51.100.13}]", "[{ip: 198.51.100.77}]")
        do {
            _ = try Self.load(text)
            Issue.record("loaded")
        } catch let error as ScenarioError {
            #expect(error.message.contains("backends outside the cluster are not simulated"), "\(error)")
            expectLocation(error, file: "workloads/s.yaml", try position(of: "198.51.100.77", in: text))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("a hand-written EndpointSlice for a Service with a selector is refused")
    func sliceBesideTheControllersRefused() throws {
        var text = try Repository.text(Self.path)
        text = try replacingOnce(
            text, "      type: LoadBalancer\n      ports: [{name: https",
            "      type: LoadBalancer\n      selector: {app: nas}\n      ports: [{name: https")
        text = try replacingOnce(
            text, Self.endpoints,
            """
              - apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: nas-extra, labels: {kubernetes.io/service-name: nas}}
                addressType: IPv4
                endpoints: [{addresses: [198.51.100.13]}]

            """)
        do {
            _ = try Self.load(text)
            Issue.record("loaded")
        } catch let error as ScenarioError {
            #expect(error.message.contains("has a selector"), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
