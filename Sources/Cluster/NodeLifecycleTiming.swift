import Engine

/// How fast Kubernetes notices a node that went silent and moves its pods away: the kubelet's
/// status updates and the node lifecycle controller's monitor, grace period and the default
/// `tolerationSeconds` of the `unreachable`/`not-ready` NoExecute taints.
///
/// The defaults are the kubeadm v1.15 era's (the seed article's cluster): a node is NotReady
/// 40 s after its last status update (`--node-monitor-grace-period`; 50 s since Kubernetes
/// 1.32), and its pods are evicted 300 s after the taint (the DefaultTolerationSeconds
/// admission plugin's `tolerationSeconds`).
public struct NodeLifecycleTiming: Sendable, Hashable {
    /// kubelet `--node-status-update-frequency`: how often a node posts its status.
    public var statusUpdateFrequency: SimDuration
    /// kube-controller-manager `--node-monitor-period`: how often node health is checked.
    public var monitorPeriod: SimDuration
    /// kube-controller-manager `--node-monitor-grace-period`.
    public var gracePeriod: SimDuration
    /// The default toleration of pods for the `unreachable` and `not-ready` NoExecute taints.
    public var tolerationSeconds: SimDuration

    public init(
        statusUpdateFrequency: SimDuration = .seconds(10), monitorPeriod: SimDuration = .seconds(5),
        gracePeriod: SimDuration = .seconds(40), tolerationSeconds: SimDuration = .seconds(300)
    ) {
        self.statusUpdateFrequency = statusUpdateFrequency
        self.monitorPeriod = monitorPeriod
        self.gracePeriod = gracePeriod
        self.tolerationSeconds = tolerationSeconds
    }
}
