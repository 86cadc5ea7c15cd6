/// A Node taint: pods that do not tolerate it are kept off the node (NoSchedule), steered
/// away (PreferNoSchedule), or evicted (NoExecute).
public struct Taint: Sendable, Hashable, CustomStringConvertible {
    public enum Effect: String, Sendable, Hashable, CaseIterable {
        case noSchedule = "NoSchedule"
        case preferNoSchedule = "PreferNoSchedule"
        case noExecute = "NoExecute"
    }

    public var key: String
    public var value: String
    public var effect: Effect

    public init(key: String, value: String = "", effect: Effect) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    /// `key=value:Effect`, as `kubectl taint` writes it.
    public var description: String {
        value.isEmpty ? "\(key):\(effect.rawValue)" : "\(key)=\(value):\(effect.rawValue)"
    }

    /// The taint the node lifecycle controller puts on a node whose kubelet stopped reporting.
    public static let unreachableKey = "node.kubernetes.io/unreachable"
    /// The taint a cordoned node (`spec.unschedulable`) carries.
    public static let unschedulableKey = "node.kubernetes.io/unschedulable"

    /// The taint kubeadm puts on a control-plane node: keyed by the role label of its era
    /// (`master` up to v1.19, `control-plane` since; kubeadm's markcontrolplane phase).
    public static func kubeadmControlPlane(role: String) -> Taint? {
        guard role == "master" || role == "control-plane" else { return nil }
        return Taint(key: "node-role.kubernetes.io/\(role)", effect: .noSchedule)
    }
}

/// A pod's toleration of taints.
///
/// The matching rule is `ToleratesTaint` in k8s.io/api's core/v1 toleration.go: an empty
/// effect matches every effect; an empty key with `Exists` matches every taint; otherwise the
/// keys must be equal, and with `Equal` (the default operator) the values too.
public struct Toleration: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable {
        case equal = "Equal"
        case exists = "Exists"
    }

    public var key: String
    public var `operator`: Operator
    public var value: String
    /// nil: every effect.
    public var effect: Taint.Effect?
    /// For NoExecute: how long the pod stays after the taint appears; nil: for ever.
    public var tolerationSeconds: Int64?

    public init(
        key: String = "", operator: Operator = .equal, value: String = "", effect: Taint.Effect? = nil,
        tolerationSeconds: Int64? = nil
    ) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, effect != taint.effect { return false }
        if key.isEmpty { return `operator` == .exists }
        guard key == taint.key else { return false }
        switch `operator` {
        case .exists: return true
        case .equal: return value == taint.value
        }
    }

    /// The tolerations the DaemonSet controller adds to every daemon pod
    /// (pkg/controller/daemon/util/daemonset_util.go, `AddOrUpdateDaemonPodTolerations`): it
    /// stays on nodes that are not ready or unreachable, and is placed on cordoned nodes and
    /// nodes under disk, memory or PID pressure.
    public static let daemonPodDefaults: [Toleration] = [
        Toleration(key: "node.kubernetes.io/not-ready", operator: .exists, effect: .noExecute),
        Toleration(key: Taint.unreachableKey, operator: .exists, effect: .noExecute),
        Toleration(key: "node.kubernetes.io/disk-pressure", operator: .exists, effect: .noSchedule),
        Toleration(key: "node.kubernetes.io/memory-pressure", operator: .exists, effect: .noSchedule),
        Toleration(key: "node.kubernetes.io/pid-pressure", operator: .exists, effect: .noSchedule),
        Toleration(key: Taint.unschedulableKey, operator: .exists, effect: .noSchedule),
    ]
}

extension Array where Element == Toleration {
    public func tolerate(_ taint: Taint) -> Bool { contains { $0.tolerates(taint) } }

    /// The first taint with one of `effects` that none of these tolerates (the scheduler's and
    /// the DaemonSet controller's `FindMatchingUntoleratedTaint`).
    public func firstUntolerated(of taints: [Taint], effects: Set<Taint.Effect>) -> Taint? {
        taints.first { effects.contains($0.effect) && !tolerate($0) }
    }
}
