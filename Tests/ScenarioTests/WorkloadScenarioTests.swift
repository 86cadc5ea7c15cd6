import Cluster
import Engine
import Foundation
import Simulation
import TestSupport
import Testing

@testable import Scenario

/// Pod controllers and scheduling from manifests, end to end: the committed examples under
/// Scenarios/workloads/ pass, and each rule below runs from a scenario text.
@Suite("Workloads: StatefulSets, DaemonSets, ReplicaSets, taints and FailedScheduling")
struct WorkloadScenarioTests {
    static let examples = [
        "daemonset-ingress-local", "statefulset-ordered-start", "failed-scheduling", "ingress-nginx-published",
        "selectorless-service-endpoints", "terminating-pod-etp-local",
    ]

    static func runExample(_ name: String) throws -> RunReport {
        let path = Repository.root.appendingPathComponent("Scenarios/workloads/\(name).yaml").path
        return try ScenarioRunner.run(try ScenarioLoader().load(path), output: OutputOptions(directory: nil))
    }

    @Test("Scenarios/workloads examples pass", arguments: examples)
    func examplePasses(name: String) throws {
        let report = try Self.runExample(name)
        #expect(!report.results.isEmpty)
        for result in report.results { #expect(result.passed, "\(name): \(result.message)") }
    }

    @Test("a Pending pod's FailedScheduling reason is printed as it happens, and listed in the pods table")
    func failedSchedulingIsVisible() throws {
        let report = try Self.runExample("failed-scheduling")
        #expect(
            report.humanView.contains {
                $0.contains("FailedScheduling: 0/4 nodes are available: 1 node(s) had untolerated taint")
            })
        #expect(report.humanView.contains("$ kubectl get pods -A -o wide"))
        #expect(report.humanView.contains { $0.hasPrefix("default     db     10.244.1.2:5432") })
    }

    /// A lab cluster: a control-plane node and three workers, current MetalLB, one pool.
    static func world(_ manifests: String, timeline: String = "", until seconds: Int64 = 20) throws -> World {
        let text = """
            name: workloads
            duration: 600s
            metallb: {version: current}
            nodes:
              - {name: cp, mac: "02:00:00:00:00:01", ip: 192.0.2.10, roles: [control-plane]}
              - {name: worker-1, mac: "02:00:00:00:00:11", ip: 192.0.2.11}
              - {name: worker-2, mac: "02:00:00:00:00:12", ip: 192.0.2.12}
              - {name: worker-3, mac: "02:00:00:00:00:13", ip: 192.0.2.13}
            manifests:
              - apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p, namespace: metallb-system}
                spec: {addresses: [192.0.2.200/32]}
              - apiVersion: metallb.io/v1beta1
                kind: L2Advertisement
                metadata: {name: p, namespace: metallb-system}
              - file: extra.yaml
            \(timeline)
            """
        return try runLabScenario(text, files: ["extra.yaml": manifests], until: .seconds(seconds))
    }

    static func deployment(_ name: String, replicas: Int = 1, kind: String = "Deployment", spec: String = "") -> String
    {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: \(name)}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers: [{name: c, image: nginx}]
        \(spec)
        """
    }

    static func podNodes(_ world: World, owner: String) -> [String?] {
        world.cluster.pods.values.filter { $0.owner == owner }.map(\.nodeName)
    }

    @Test(
        """
        kubectl's List (a `kubectl get -A -o yaml` dump, with status and managedFields) loads \
        as the objects it lists, each one simulated
        """)
    func listDump() throws {
        let dump = """
            apiVersion: v1
            kind: List
            metadata: {resourceVersion: ""}
            items:
              - apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: default
                  resourceVersion: "1234"
                  managedFields: [{manager: kubectl, operation: Update}]
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                status: {replicas: 2, readyReplicas: 2}
              - apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
                status: {loadBalancer: {ingress: [{ip: 192.0.2.200}]}}
            """
        let world = try Self.world(dump)
        #expect(Self.podNodes(world, owner: "Deployment/default/web").count == 2)
        #expect(world.cluster.services["default/web"]?.ingress.map(\.description) == ["192.0.2.200"])
        #expect(world.recorder.announcements.contains { $0.action == .start })
    }

    @Test(
        """
        A Node manifest's taints keep pods that do not tolerate them off the node, and a \
        toleration lets them on (kube-scheduler's TaintToleration filter)
        """)
    func nodeManifestTaints() throws {
        let taint = """
            apiVersion: v1
            kind: Node
            metadata: {name: worker-1}
            spec:
              taints: [{key: dedicated, value: lb, effect: NoSchedule}]
            ---
            """
        let plain = try Self.world(taint + "\n" + Self.deployment("web", replicas: 4))
        #expect(!Self.podNodes(plain, owner: "Deployment/default/web").contains("worker-1"))
        let tolerant = try Self.world(
            taint + "\n"
                + Self.deployment("web", replicas: 4).replacingOccurrences(
                    of: "containers: [{name: c, image: nginx}]",
                    with:
                        "containers: [{name: c, image: nginx}]\n      tolerations: [{key: dedicated, operator: Exists}]"
                ))
        #expect(Self.podNodes(tolerant, owner: "Deployment/default/web").contains("worker-1"))
    }

    @Test(
        """
        A scenario node's `taints` replace kubeadm's: `[]` opens a control-plane node to pods, \
        and a NoSchedule taint on a worker keeps pods that do not tolerate it off
        """)
    func scenarioNodeTaints() throws {
        let text = """
            name: taints
            duration: 10s
            metallb: {version: current}
            nodes:
              - {name: cp, mac: "02:00:00:00:00:01", ip: 192.0.2.10, roles: [control-plane], taints: []}
              - {name: worker-1, mac: "02:00:00:00:00:11", ip: 192.0.2.11,
                 taints: [{key: dedicated, value: db, effect: NoSchedule}]}
              - {name: worker-2, mac: "02:00:00:00:00:12", ip: 192.0.2.12}
            manifests:
              - file: extra.yaml
            """
        let world = try runLabScenario(
            text, files: ["extra.yaml": Self.deployment("web", replicas: 4)], until: .seconds(5))
        let placed = Self.podNodes(world, owner: "Deployment/default/web")
        #expect(placed.count == 4)
        #expect(placed.contains("cp"))
        #expect(!placed.contains("worker-1"))
        #expect(world.cluster.nodes["worker-1"]?.taints == [Taint(key: "dedicated", value: "db", effect: .noSchedule)])
    }

    @Test(
        """
        Deleting a Deployment's pod from the timeline makes its ReplicaSet create a replacement \
        with a new name and a new IP (replica_set.go: a watched pod deletion re-queues its owner)
        """)
    func deletedPodIsReplaced() throws {
        let first = try Self.world(Self.deployment("web"), until: 5)
        let original = try #require(first.cluster.pods.values.first { $0.owner == "Deployment/default/web" })
        let world = try Self.world(
            Self.deployment("web"),
            timeline: """
                timeline:
                  - at: 10s
                    delete: {kind: Pod, name: \(original.meta.name)}
                """)
        let pods = world.cluster.pods.values.filter { $0.owner == "Deployment/default/web" }
        #expect(pods.count == 1)
        #expect(pods.first?.key != original.key)
        #expect(pods.first?.podIP != original.podIP)
        #expect(pods.first?.ready == true)
    }

    @Test("a bare ReplicaSet's pods are named <name>-<5 random characters>")
    func replicaSetNames() throws {
        let world = try Self.world(Self.deployment("cache", replicas: 2, kind: "ReplicaSet"))
        let names = world.cluster.pods.values.filter { $0.owner == "ReplicaSet/default/cache" }.map(\.meta.name)
        #expect(names.count == 2)
        #expect(names.allSatisfy { $0.hasPrefix("cache-") && $0.count == "cache-".count + 5 })
    }

    @Test(
        """
        A DaemonSet gets a pod on a node as soon as a label change makes the node match its \
        nodeSelector, and loses it when the label goes (daemon_controller.go watches Nodes)
        """)
    func daemonSetFollowsNodeLabels() throws {
        let daemons = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  nodeSelector: {edge: "true"}
                  containers: [{name: agent, image: agent}]
            """
        let world = try Self.world(
            daemons,
            timeline: """
                timeline:
                  - at: 5s
                    label: {node: worker-3, key: edge, value: "true"}
                  - at: 10s
                    unlabel: {node: worker-3, key: edge}
                """, until: 4)
        #expect(Self.podNodes(world, owner: "DaemonSet/default/agent").isEmpty)
        world.run(until: .seconds(8))
        #expect(Self.podNodes(world, owner: "DaemonSet/default/agent") == ["worker-3"])
        world.run(until: .seconds(12))
        #expect(Self.podNodes(world, owner: "DaemonSet/default/agent").isEmpty)
    }

    @Test("scale: {statefulSet: web} adds the next ordinals, one at a time once each is Ready")
    func scaleStatefulSet() throws {
        let set = Self.deployment("web", kind: "StatefulSet", spec: "  serviceName: web")
        let world = try Self.world(
            set,
            timeline: """
                timeline:
                  - at: 10s
                    scale: {statefulSet: web, replicas: 3}
                """, until: 11)
        #expect(
            world.cluster.pods.keys.filter { $0.hasPrefix("default/web-") }.sorted() == [
                "default/web-0", "default/web-1",
            ])
        world.run(until: .seconds(20))
        #expect(
            world.cluster.pods.keys.filter { $0.hasPrefix("default/web-") }.sorted() == [
                "default/web-0", "default/web-1", "default/web-2",
            ])
        #expect(world.cluster.pods["default/web-2"]?.meta.labels["statefulset.kubernetes.io/pod-name"] == "web-2")
    }

    @Test(
        """
        A named targetPort resolves against the pod's container ports: a pod that declares no \
        port of that name and protocol is no endpoint, so nothing announces the address \
        (pkg/api/v1/pod/util.go FindPort; the endpoints controller skips the pod)
        """,
        arguments: [("http", true), ("metrics", false)])
    func namedTargetPort(declared: String, served: Bool) throws {
        let manifests = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: c, image: nginx, ports: [{name: \(declared), containerPort: 8080}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
            """
        let world = try Self.world(manifests)
        #expect(world.recorder.announcements.contains { $0.action == .start } == served)
        let service = try #require(world.cluster.services["default/web"])
        #expect(world.cluster.readyEndpoints(of: service).count == (served ? 1 : 0))
    }

    @Test(
        """
        Required node affinity from a manifest keeps pods to the nodes it selects; when none \
        fits, the pods are Pending with the NodeAffinity filter's FailedScheduling reason
        """)
    func requiredNodeAffinity() throws {
        func manifest(excluding nodes: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: c, image: nginx}]
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                          - matchExpressions:
                              - {key: kubernetes.io/hostname, operator: NotIn, values: [\(nodes)]}
            """
        }
        let world = try Self.world(manifest(excluding: "worker-1, worker-2"))
        #expect(Self.podNodes(world, owner: "Deployment/default/web") == ["worker-3", "worker-3", "worker-3"])
        let none = try Self.world(manifest(excluding: "worker-1, worker-2, worker-3"))
        #expect(Self.podNodes(none, owner: "Deployment/default/web") == [nil, nil, nil])
        #expect(
            none.recorder.podEvents.first?.event.message.hasPrefix(
                "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector."
            ) == true)
    }

    @Test(
        """
        With MetalLB's speaker DaemonSet in the manifests, speakers run exactly where it has \
        pods: none on a node it does not select (not even at start), one started when a label \
        change adds a pod, a SIGTERM (memberlist leave) when the pod goes
        """)
    func speakersFollowTheirDaemonSet() throws {
        let manifests = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: speaker, namespace: metallb-system}
            spec:
              selector: {matchLabels: {app: metallb, component: speaker}}
              template:
                metadata: {labels: {app: metallb, component: speaker}}
                spec:
                  hostNetwork: true
                  nodeSelector: {lb: "yes"}
                  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
                  containers: [{name: speaker, image: "quay.io/metallb/speaker:v0.14.8"}]
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: worker-1, labels: {lb: "yes"}}
            """
        let world = try Self.world(
            manifests,
            timeline: """
                timeline:
                  - at: 10s
                    label: {node: worker-2, key: lb, value: "yes"}
                  - at: 20s
                    unlabel: {node: worker-1, key: lb}
                """, until: 9)
        func running() -> [String] { world.nodes.filter(\.isSpeakerRunning).map(\.name) }
        #expect(running() == ["worker-1"])
        world.run(until: .seconds(15))
        #expect(running() == ["worker-1", "worker-2"])
        world.run(until: .seconds(25))
        #expect(running() == ["worker-2"])
        // worker-1's speaker left memberlist (SIGTERM), and worker-2 saw it go.
        #expect(
            world.recorder.membership.contains {
                $0.observer == "worker-2" && $0.event.member.name == "worker-1" && $0.event.member.state == .left
            })
        // Nodes the DaemonSet never selected never ran a speaker: no memberlist traffic from them.
        #expect(!world.recorder.membership.contains { ["cp", "worker-3"].contains($0.observer) })
    }

    @Test(
        """
        A startSpeaker where the speaker DaemonSet has no pod, or a stopSpeaker where no speaker \
        runs, does nothing, as on a real cluster, and the run says so: it is recorded with the reason
        """)
    func speakerActionsWithNothingToActOnAreRecorded() throws {
        let manifests = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: speaker, namespace: metallb-system}
            spec:
              selector: {matchLabels: {component: speaker}}
              template:
                metadata: {labels: {component: speaker}}
                spec:
                  nodeSelector: {lb: "yes"}
                  containers: [{name: speaker, image: "quay.io/metallb/speaker:v0.14.8"}]
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: worker-1, labels: {lb: "yes"}}
            """
        let world = try Self.world(
            manifests,
            timeline: """
                timeline:
                  - at: 2s
                    startSpeaker: {node: worker-3}
                  - at: 3s
                    stopSpeaker: {node: worker-2}
                  - at: 4s
                    startSpeaker: {node: worker-1}
                """, until: 5)
        #expect(world.nodes.filter(\.isSpeakerRunning).map(\.name) == ["worker-1"])
        #expect(
            world.recorder.skippedActions.map { "\($0.time) \($0.action) \($0.node): \($0.reason)" } == [
                "2s startSpeaker worker-3: MetalLB's speaker DaemonSet has no pod on this node",
                "3s stopSpeaker worker-2: no speaker runs there",
                "4s startSpeaker worker-1: its speaker is already running",
            ])
    }

    @Test("what lbsim cannot model in a workload is refused at its location, never dropped")
    func refusals() throws {
        let cases: [(String, String)] = [
            (
                Self.deployment("web").replacingOccurrences(
                    of: "containers: [{name: c, image: nginx}]",
                    with: "containers: [{name: c, image: nginx}]\n      affinity: {podAntiAffinity: {}}"),
                "spec.affinity.podAntiAffinity is not simulated yet"
            ),
            (
                Self.deployment("web").replacingOccurrences(
                    of: "containers: [{name: c, image: nginx}]",
                    with:
                        "containers: [{name: c, image: nginx}]\n      affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: []}}"
                ),
                "preferredDuringSchedulingIgnoredDuringExecution is not simulated yet"
            ),
            (
                Self.deployment("agent", kind: "DaemonSet"),
                "DaemonSet spec has no replicas"
            ),
            (
                Self.deployment("web", kind: "StatefulSet", spec: "  ordinals: {start: 5}"),
                "spec.ordinals is not simulated yet"
            ),
            (
                Self.deployment("web").replacingOccurrences(
                    of: "containers: [{name: c, image: nginx}]",
                    with:
                        "containers: [{name: c, image: nginx}]\n      tolerations: [{key: a, operator: Exists, value: b}]"
                ),
                "value must be empty when operator is Exists"
            ),
        ]
        for (manifest, message) in cases {
            #expect(throws: ScenarioError.self, "\(message)") { try Self.world(manifest) }
            do {
                _ = try Self.world(manifest)
            } catch let error as ScenarioError {
                #expect(error.description.contains(message), "\(error)")
                #expect(error.description.hasPrefix("lab/extra.yaml:"), "\(error)")
            }
        }
    }
}
