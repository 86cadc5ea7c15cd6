import Cluster
import Engine
import Simulation
import Wire

/// What the scenario's `output` section asks for.
public struct OutputSpec: Sendable, Hashable {
    /// The segment capture's file name inside the output folder (nil: none).
    public var pcap: String? = "trace.pcap"
    /// Also one capture per node interface, `trace-<node>-<interface>.pcap`.
    public var perNode = false
    /// A BPF filter (libpcap syntax) applied to every capture written.
    public var filter: String?
    public var filterLocation: SourceLocation?

    public init() {}
}

/// A loaded scenario: the world to build, the objects to apply at the start, what happens and
/// what must hold. Everything has been validated: running it cannot fail on bad input.
public struct Scenario: Sendable {
    public var file: String
    public var name: String
    public var world: WorldConfig
    /// `metallb.memberlist`: lan, wan or disabled.
    public var memberlist: MemberlistMode
    /// Objects from `manifests`, applied at time zero in order.
    public var manifests: [LocatedObject]
    public var timeline: [TimelineEntry]
    public var expectations: [Expectation]
    public var output: OutputSpec
    public var warnings: [ScenarioWarning]
    /// The timeline and expectations as written, when the seed decides some of their values
    /// (`{between: ...}`, `{oneOf: ...}`, `{timeOf: ...}`); nil otherwise.
    var drawPlan: DrawPlan?

    /// The root seed: every random stream of the run is split off it. It also decides the
    /// timeline's drawn values, so setting it draws them anew: `timeline` and `expectations`
    /// are always those of this seed.
    public var seed: UInt64 {
        get { world.seed }
        set {
            world.seed = newValue
            redraw()
        }
    }

    /// Whether the seed chooses any timeline value (a sweep then explores them).
    public var hasDraws: Bool { drawPlan?.timeline.contains { !$0.draws.isEmpty } ?? false }

    /// Sets `timeline` and `expectations` to the current seed's draws.
    mutating func redraw() {
        guard let drawPlan else { return }
        timeline = drawPlan.timeline(seed: seed)
        expectations = drawPlan.expectations(for: timeline)
    }

    public var duration: SimDuration { world.duration }
    public var version: MetalLBVersion { world.version }
}
