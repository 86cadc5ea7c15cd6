/// The built-in default scenario that `sim` runs with no arguments: the seed article's cluster.
///
/// The files are compiled in, so `sim` works from any folder; a test checks that they are
/// byte for byte the files in `Scenarios/` and `Fixtures/`.
public enum BuiltInScenario {
    /// The scenario's path, as errors and reports name it.
    public static let path = "Scenarios/seed-nginx-migration.yaml"

    /// The scenario and the manifests it reads, by path relative to the package root.
    public static let files: [String: String] = [
        "Scenarios/seed-nginx-migration.yaml": #"""
        # The seed article's cluster: kubeadm v1.15 with 1 master and 3 workers, MetalLB v0.9.4 in
        # layer2 mode with the pool 10.200.200.120-10.200.200.122, and one nginx pod. The worker that
        # runs the pod answers ARP for the service IP, so when the pod moves to worker-3 at 20 s, the
        # MAC behind 10.200.200.120 moves with it.
        name: nginx pod moves between workers (MetalLB v0.9.4 layer2)
        seed: 1
        duration: 40s
        metallb:
          version: v0.9.4
          memberlist: lan
        segment:
          interface: ens192
          latency: 50us
          loss: 0%
          fdbAging: 300s
        nodes:
          - {name: master,   mac: "00:50:56:00:3b:10", ip: 10.200.200.10, roles: [control-plane]}
          - {name: worker-1, mac: "00:50:56:00:3b:6f", ip: 10.200.200.11}
          - {name: worker-2, mac: "00:50:56:00:3b:70", ip: 10.200.200.12}
          - {name: worker-3, mac: "00:50:56:00:3b:71", ip: 10.200.200.13}
        clients:
          - name: outside
            mac: "00:50:56:00:3b:99"
            ip: 10.200.200.50
            probe: {target: "10.200.200.120:8080", every: 100ms}
        manifests:
          - file: ../Fixtures/manifests/metallb-v0.9.4-config.yaml
          - file: ../Fixtures/manifests/nginx-service.yaml
          - apiVersion: v1
            kind: Pod
            metadata: {name: nginx, labels: {app: nginx}}
            spec: {nodeName: worker-1, containers: [{name: nginx, image: nginx}]}
        timeline:
          - at: 20s
            movePod: {pod: nginx, to: worker-3}
        expect:
          - at: 15s
            owner: {ip: 10.200.200.120, node: worker-1}
          - at: 30s
            owner: {ip: 10.200.200.120, node: worker-3}
          - externalIP: {service: default/nginx, ip: 10.200.200.120}
          - clientARP: {client: outside, ip: 10.200.200.120, node: worker-3, by: 30s}
          - event: {service: default/nginx, reason: IPAllocated, message: "Assigned IP \"10.200.200.120\""}
          - maxDowntime: {client: outside, target: "10.200.200.120:8080", max: 3s}
        output:
          pcap: trace.pcap
          perNode: true

        """#,
        "Fixtures/manifests/metallb-v0.9.4-config.yaml": #"""
        # MetalLB v0.9.4 address pool, verbatim from the seed article.
        apiVersion: v1
        kind: ConfigMap
        metadata:
          namespace: metallb-system
          name: config
        data:
          config: |
            address-pools:
            - name: default
              protocol: layer2
              addresses:
              - 10.200.200.120-10.200.200.122

        """#,
        "Fixtures/manifests/nginx-service.yaml": #"""
        # The nginx Service, verbatim from the seed article (as `kubectl create service ... -o yaml` wrote it).
        apiVersion: v1
        kind: Service
        metadata:
          creationTimestamp: null
          labels:
            app: nginx
          name: nginx
        spec:
          ports:
          - port: 8080
            protocol: TCP
            targetPort: 80
            nodePort: 30080
          selector:
            app: nginx
          type: LoadBalancer
        status:
          loadBalancer: {}

        """#,
    ]

    /// Loads it (it cannot fail: a test loads it on every run of the suite).
    public static func load() throws(ScenarioError) -> Scenario {
        try ScenarioLoader(files: MemoryFiles(files)).load(path)
    }
}
