/// Every Kubernetes kind lbsim knows, and what it does with it: one list that the manifest
/// decoder follows for the kinds it does not model, that README.md's table shows, and that a
/// test walks against the loader, so the three cannot drift apart.
///
/// The rule: a manifest either runs as the real cluster would, or is refused. Only kinds that
/// cannot change who announces an address, where pods run or what kube-proxy forwards are
/// skipped (with a warning). A kind on no list is refused: lbsim cannot tell whether it
/// matters.
enum KubernetesKinds {
    enum Handling: String {
        /// Simulated.
        case modelled
        /// Refused with exit 65 at the object: it would change the outcome and is not simulated.
        case refused
        /// Skipped with a warning: it cannot change the outcome.
        case ignored
    }

    struct Entry {
        /// `apiVersion` group (empty for the core group), kind.
        var group: String
        var kind: String
        var handling: Handling
        /// What is read, why it is refused, or why it cannot matter.
        var note: String

        var apiVersion: String { group.isEmpty ? "v1" : "\(group)/v1" }
    }

    static let entries: [Entry] = [
        Entry(
            group: "", kind: "Service", handling: .modelled,
            note:
                "type, ports, selector, externalTrafficPolicy, loadBalancerIP, clusterIP, IP families, MetalLB annotations, `loadBalancerClass` (current MetalLB leaves a Service of any class alone); `externalIPs`, `externalName` and `loadBalancerSourceRanges` are refused"
        ),
        Entry(
            group: "", kind: "Pod", handling: .modelled,
            note: "needs `spec.nodeName`; labels, tolerations, readiness probe delay"),
        Entry(group: "apps", kind: "Deployment", handling: .modelled, note: "replicas, through a ReplicaSet"),
        Entry(group: "apps", kind: "ReplicaSet", handling: .modelled, note: "replicas"),
        Entry(
            group: "apps", kind: "StatefulSet", handling: .modelled,
            note: "ordinal names, `podManagementPolicy`; `ordinals` is refused; volumes do not pin pods"),
        Entry(
            group: "apps", kind: "DaemonSet", handling: .modelled,
            note: "one pod per node passing nodeSelector and taints, with the controller's default tolerations"),
        Entry(
            group: "", kind: "Node", handling: .modelled,
            note: "labels, taints, `unschedulable`, for a node the scenario declares"),
        Entry(
            group: "", kind: "Namespace", handling: .modelled, note: "labels (current MetalLB's `namespaceSelectors`)"),
        Entry(
            group: "", kind: "ConfigMap", handling: .modelled,
            note: "`metallb-system/config` is v0.9.4's configuration; any other ConfigMap is skipped with a warning"),
        Entry(group: "", kind: "List", handling: .modelled, note: "its items, each as if written on its own"),
        Entry(
            group: "metallb.io", kind: "IPAddressPool", handling: .modelled,
            note: "current MetalLB (`metallb.io/v1beta1`)"),
        Entry(
            group: "metallb.io", kind: "L2Advertisement", handling: .modelled,
            note:
                "current MetalLB (`metallb.io/v1beta1`): ipAddressPools, ipAddressPoolSelectors, nodeSelectors, interfaces, serviceSelectors, preferredNodeSelectors"
        ),
        Entry(group: "metallb.io", kind: "BGPPeer", handling: .refused, note: "BGP mode is not simulated yet"),
        Entry(group: "metallb.io", kind: "BGPAdvertisement", handling: .refused, note: "BGP mode is not simulated yet"),
        Entry(
            group: "", kind: "Endpoints", handling: .modelled,
            note:
                "a selectorless Service's backends: addresses and notReadyAddresses, with nodeName, and ports; addresses must be nodes'; those of a Service with a selector are the controller's and unused"
        ),
        Entry(
            group: "discovery.k8s.io", kind: "EndpointSlice", handling: .modelled,
            note:
                "a selectorless Service's backends (label kubernetes.io/service-name): conditions ready and serving, nodeName, ports; controller-managed and FQDN slices are skipped"
        ),
        Entry(group: "", kind: "Secret", handling: .ignored, note: "credentials (memberlist's key is not simulated)"),
        Entry(group: "", kind: "ServiceAccount", handling: .ignored, note: "identity"),
        Entry(group: "rbac.authorization.k8s.io", kind: "Role", handling: .ignored, note: "permissions"),
        Entry(group: "rbac.authorization.k8s.io", kind: "ClusterRole", handling: .ignored, note: "permissions"),
        Entry(group: "rbac.authorization.k8s.io", kind: "RoleBinding", handling: .ignored, note: "permissions"),
        Entry(group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", handling: .ignored, note: "permissions"),
        Entry(
            group: "policy", kind: "PodSecurityPolicy", handling: .ignored,
            note: "admission of pods lbsim creates anyway"),
        Entry(
            group: "policy", kind: "PodDisruptionBudget", handling: .ignored,
            note: "limits voluntary evictions, which lbsim never makes"),
        Entry(group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", handling: .ignored, note: "schemas"),
        Entry(
            group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration", handling: .ignored,
            note: "admission checks"),
        Entry(
            group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", handling: .ignored,
            note: "admission changes"),
        Entry(group: "networking.k8s.io", kind: "IngressClass", handling: .ignored, note: "layer 7 routing"),
        Entry(group: "networking.k8s.io", kind: "Ingress", handling: .ignored, note: "layer 7 routing"),
        Entry(
            group: "batch", kind: "Job", handling: .ignored,
            note: "one-off pods (ingress-nginx's admission certificate jobs)"),
        Entry(
            group: "scheduling.k8s.io", kind: "PriorityClass", handling: .ignored,
            note: "preemption, which never happens here"),
    ]

    /// The entry for `apiVersion` and `kind`: the group must match (any version of it).
    static func entry(apiVersion: String, kind: String) -> Entry? {
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        return entries.first { $0.kind == kind && $0.group == group }
    }
}
