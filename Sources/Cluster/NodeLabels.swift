/// The labels a Node carries before anyone labels it by hand, as a real cluster's Nodes do:
/// the kubelet registers its hostname, OS and architecture (pkg/kubelet/kubelet_node_status.go,
/// `initialNode`: `kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`, and their
/// deprecated `beta.kubernetes.io/` twins), and kubeadm marks control-plane nodes with an empty
/// `node-role.kubernetes.io/<role>` label (cmd/kubeadm's markcontrolplane phase). Published
/// manifests select on them: ingress-nginx's and MetalLB's own Deployments carry
/// `nodeSelector: {kubernetes.io/os: linux}`, which no node matched before.
///
/// Every node here is a Linux amd64 machine. Labels the scenario writes override these.
public enum NodeLabels {
    public static func standard(name: String, roles: [String]) -> [String: String] {
        var labels = [
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "beta.kubernetes.io/arch": "amd64",
        ]
        for role in roles { labels["node-role.kubernetes.io/\(role)"] = "" }
        return labels
    }
}
