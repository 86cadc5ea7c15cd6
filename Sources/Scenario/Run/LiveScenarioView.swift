import Engine
import Layer2
import Simulation
import Speaker

/// What `sim live --scenario FILE --node NAME` runs: node NAME's speaker process, configured
/// as the simulator would configure it, and the services its informers list, read from the
/// scenario's manifests as the simulated cluster holds them once it has settled (MetalLB's
/// controller has allocated, the endpoints are known). The timeline is not played: the API
/// view is static.
public struct LiveScenarioView: Sendable {
    /// The speaker's configuration on node NAME (its interfaces as the scenario declares them;
    /// the live driver puts the real interface in their place).
    public var configuration: SpeakerConfiguration
    /// Every service as the speaker's informers list it.
    public var services: [(String, ServiceView)]

    /// How long the simulated cluster runs before its API state is read: the controller
    /// reconciles a watch delay after an object is applied, and services it re-processes after a
    /// configuration change take another; four watch delays cover that chain, and half a second
    /// at least (pods from the manifests start Ready, so no start-up delay is waited for).
    public static func settleTime(watchDelay: SimDuration) -> SimDuration {
        max(.milliseconds(500), watchDelay + watchDelay + watchDelay + watchDelay)
    }

    /// `--node NAME` names no node of the scenario: a usage error, with no location in the file
    /// (no text there is wrong).
    public struct NoSuchNode: Error, Sendable, CustomStringConvertible {
        public var node: String
        public var file: String
        public var nodes: [String]
        public var description: String {
            "\(file): no node \(node) in the scenario (its nodes: \(nodes.joined(separator: ", ")))"
        }
    }

    /// Builds the view of node `node` from a loaded scenario.
    ///
    /// - Throws: `NoSuchNode` when the scenario has no such node.
    public static func of(_ scenario: Scenario, node: String) throws(NoSuchNode) -> LiveScenarioView {
        guard scenario.world.nodes.contains(where: { $0.name == node }) else {
            throw NoSuchNode(node: node, file: scenario.file, nodes: scenario.world.nodes.map(\.name))
        }
        let world = World(config: scenario.world, trace: nil)
        ScenarioWorld.apply(scenario.manifests, to: world, initial: true)
        world.run(until: .zero + settleTime(watchDelay: scenario.world.watchDelay))
        let host = world.node(named: node)!
        return LiveScenarioView(
            configuration: host.speakerConfiguration, services: world.apiServiceViews())
    }
}
