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
    /// Every node of the scenario, name and address: memberlist's seeds.
    public var nodes: [(name: String, address: String)]

    /// How long the simulated cluster runs before its API state is read: the controller
    /// reconciles a watch delay after an object is applied, and services it re-processes after a
    /// configuration change take another; four watch delays cover that chain, and half a second
    /// at least (pods from the manifests start Ready, so no start-up delay is waited for).
    public static func settleTime(watchDelay: SimDuration) -> SimDuration {
        max(.milliseconds(500), watchDelay + watchDelay + watchDelay + watchDelay)
    }

    /// Builds the view of node `node` from a loaded scenario.
    ///
    /// - Throws: `ScenarioError` when the scenario has no such node.
    public static func of(_ scenario: Scenario, node: String) throws(ScenarioError) -> LiveScenarioView {
        guard scenario.world.nodes.contains(where: { $0.name == node }) else {
            let names = scenario.world.nodes.map(\.name).joined(separator: ", ")
            throw ScenarioError(
                SourceLocation(file: scenario.file, line: 1, column: 1),
                "no node \(node) in the scenario (its nodes: \(names))")
        }
        let world = World(config: scenario.world, trace: nil)
        ScenarioWorld.apply(scenario.manifests, to: world, initial: true)
        world.run(until: .zero + settleTime(watchDelay: scenario.world.watchDelay))
        let host = world.node(named: node)!
        return LiveScenarioView(
            configuration: host.speakerConfiguration, services: world.apiServiceViews(),
            nodes: scenario.world.nodes.map { ($0.name, $0.ip.description) })
    }
}
