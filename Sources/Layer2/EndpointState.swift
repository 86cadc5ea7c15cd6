/// One endpoint of a service as a speaker reads it, reduced to what the election looks at:
/// the node it runs on and its EndpointSlice conditions (`nil`: the condition is unset).
///
/// The two MetalLB versions read different objects: v0.9.4 watches Endpoints, where a pod is
/// listed under `addresses` only when it is Ready; current watches EndpointSlices and counts an
/// endpoint that can serve (`EndpointCanServe`): Ready unset or true, or not Ready but still
/// Serving, as a terminating pod that passes its readiness probe is.
public struct EndpointState: Sendable, Hashable {
    public var nodeName: String?
    public var ready: Bool?
    public var serving: Bool?

    public init(nodeName: String?, ready: Bool?, serving: Bool? = nil) {
        self.nodeName = nodeName
        self.ready = ready
        self.serving = serving
    }

    /// current MetalLB's `EndpointCanServe`.
    public var canServe: Bool {
        if ready == nil || ready == true { return true }
        return serving == true
    }

    /// The nodes that count as holding an endpoint under `rules`, each once, in first-seen order.
    public static func nodes(_ endpoints: [EndpointState], rules: SpeakerController.Rules) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for endpoint in endpoints {
            let counts = rules == .v0_9_4 ? endpoint.ready == true : endpoint.canServe
            guard counts, let node = endpoint.nodeName, seen.insert(node).inserted else { continue }
            result.append(node)
        }
        return result
    }
}
