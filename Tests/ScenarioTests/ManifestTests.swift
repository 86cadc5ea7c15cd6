import Foundation
import TestSupport
import Testing

@testable import Scenario

@Suite("Kubernetes manifests")
struct ManifestTests {
    /// Parts of MetalLB v0.9.4's install that lbsim does not simulate, as they come.
    static let installExtras = """
        # From MetalLB v0.9.4's install: kinds lbsim does not simulate.
        kind: Secret
        apiVersion: v1
        metadata:
          name: memberlist
          namespace: metallb-system
        stringData:
          secretkey: c2VjcmV0LWtleQ==
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: metallb-system
          labels:
            app: metallb
        ---
        kind: ServiceAccount
        apiVersion: v1
        metadata:
          name: speaker
          namespace: metallb-system
        ---
        kind: DaemonSet
        apiVersion: apps/v1
        metadata: {name: speaker, namespace: metallb-system, labels: {app: metallb, component: speaker}}
        spec:
          selector: {matchLabels: {app: metallb, component: speaker}}
          template:
            metadata: {labels: {app: metallb, component: speaker}}
            spec:
              hostNetwork: true
              containers: [{name: speaker, image: "metallb/speaker:v0.9.4"}]

        """

    @Test("unknown kinds are skipped with a warning at each object")
    func unknownKindsWarn() throws {
        var lab = try Lab()
        lab.files["lab/install.yaml"] = Self.installExtras
        try lab.change("  - file: config.yaml\n", "  - file: install.yaml\n  - file: config.yaml\n")
        let scenario = try lab.load()
        let warnings = scenario.warnings
        #expect(warnings.count == 2, "\(warnings)")
        for (index, (kind, apiVersion)) in [("Secret", "v1"), ("ServiceAccount", "v1")].enumerated()
        where index < warnings.count {
            let warning = warnings[index]
            let place = try position(of: "kind: \(kind)", in: Self.installExtras)
            #expect(
                warning.location.file == "lab/install.yaml" && warning.location.line == place.line
                    && warning.location.column == place.column, "\(warning)")
            #expect(warning.message.contains("\(apiVersion) \(kind)"), "\(warning)")
            #expect(warning.description.contains("warning"), "\(warning)")
        }
        // The objects it does simulate are all there, MetalLB's speaker DaemonSet among them.
        #expect(scenario.manifests.map(\.kind) == ["Namespace", "DaemonSet", "ConfigMap", "Service", "Pod"])
    }

    static let kubectlService = """
        apiVersion: v1
        kind: Service
        metadata:
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: |
              {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"labels":{"app":"nginx"},"name":"nginx","namespace":"default"},"spec":{"ports":[{"nodePort":30080,"port":8080,"protocol":"TCP","targetPort":80}],"selector":{"app":"nginx"},"type":"LoadBalancer"}}
          creationTimestamp: "2020-09-13T08:21:40Z"
          labels:
            app: nginx
          managedFields:
          - apiVersion: v1
            fieldsType: FieldsV1
            fieldsV1:
              f:metadata:
                f:annotations:
                  .: {}
                  f:kubectl.kubernetes.io/last-applied-configuration: {}
                f:labels:
                  .: {}
                  f:app: {}
              f:spec:
                f:externalTrafficPolicy: {}
                f:ports:
                  .: {}
                  k:{"port":8080,"protocol":"TCP"}:
                    .: {}
                    f:nodePort: {}
                    f:port: {}
                    f:protocol: {}
                    f:targetPort: {}
                f:selector: {}
                f:sessionAffinity: {}
                f:type: {}
            manager: kubectl-client-side-apply
            operation: Update
            time: "2020-09-13T08:21:40Z"
          name: nginx
          namespace: default
          resourceVersion: "104726"
          uid: 3f1c2b8e-7d1a-4c55-9a8e-2b6f0e4d9c11
        spec:
          allocateLoadBalancerNodePorts: true
          clusterIP: 10.108.83.30
          clusterIPs:
          - 10.108.83.30
          externalTrafficPolicy: Cluster
          internalTrafficPolicy: Cluster
          ipFamilies:
          - IPv4
          ipFamilyPolicy: SingleStack
          ports:
          - nodePort: 30080
            port: 8080
            protocol: TCP
            targetPort: 80
          selector:
            app: nginx
          sessionAffinity: None
          type: LoadBalancer
        status:
          loadBalancer:
            ingress:
            - ip: 10.200.200.120

        """

    @Test("a Service as `kubectl get -o yaml` prints it loads, and runs")
    func kubectlGetService() throws {
        var lab = try Lab()
        lab.files["lab/service.yaml"] = Self.kubectlService
        let scenario = try lab.load()
        #expect(scenario.manifests.filter { $0.kind == "Service" }.count == 1)
        let located = try #require(scenario.manifests.first { $0.kind == "Service" })
        guard case .service(let service) = located.object else {
            Issue.record("the Service manifest decoded as \(located.object)")
            return
        }
        #expect(service.key == "default/nginx")
        #expect(service.type.rawValue == "LoadBalancer")
        #expect(service.clusterIP == "10.108.83.30")
        #expect(service.externalTrafficPolicy.rawValue == "Cluster")
        #expect(service.selector.matchLabels == ["app": "nginx"])
        #expect(service.meta.labels == ["app": "nginx"])
        #expect(service.ports.count == 1)
        #expect(
            service.ports.first.map {
                $0.port == 8080 && $0.nodePort == 30080 && $0.protocol == "TCP" && $0.targetPort == "80"
            } == true,
            "\(service.ports)")
        #expect(scenario.warnings.isEmpty)

        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results.map { "\($0.passed ? "PASS" : "FAIL") \($0.message)" })")
    }

    static let kubectlDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          annotations:
            deployment.kubernetes.io/revision: "1"
          creationTimestamp: "2020-09-13T08:20:11Z"
          generation: 1
          labels:
            app: nginx
          name: nginx
          namespace: default
          resourceVersion: "104512"
          uid: 0b0d7a4e-5f7e-4f7b-9a55-5c2d0d3f2a11
        spec:
          progressDeadlineSeconds: 600
          replicas: 1
          revisionHistoryLimit: 10
          selector:
            matchLabels:
              app: nginx
          strategy:
            rollingUpdate:
              maxSurge: 25%
              maxUnavailable: 25%
            type: RollingUpdate
          template:
            metadata:
              creationTimestamp: null
              labels:
                app: nginx
            spec:
              containers:
              - image: nginx
                imagePullPolicy: Always
                name: nginx
                ports:
                - containerPort: 80
                  protocol: TCP
                readinessProbe:
                  httpGet: {path: /, port: 80, scheme: HTTP}
                  initialDelaySeconds: 2
                  periodSeconds: 5
                resources: {}
                terminationMessagePath: /dev/termination-log
                terminationMessagePolicy: File
              dnsPolicy: ClusterFirst
              nodeSelector:
                kubernetes.io/hostname: worker-2
              restartPolicy: Always
              schedulerName: default-scheduler
              securityContext: {}
              terminationGracePeriodSeconds: 30
        status:
          availableReplicas: 1
          observedGeneration: 1
          readyReplicas: 1
          replicas: 1
          updatedReplicas: 1

        """

    @Test("a Deployment manifest loads, and the scheduler places its pod")
    func deployment() throws {
        var lab = try Lab()
        lab.files["lab/deployment.yaml"] = Self.kubectlDeployment
        try lab.change(
            """
              - apiVersion: v1
                kind: Pod
                metadata: {name: nginx, labels: {app: nginx}}
                spec: {nodeName: worker-1, containers: [{name: nginx, image: nginx}]}

            """, "  - file: deployment.yaml\n")
        try lab.change("owner: {ip: 10.200.200.120, node: worker-1}", "owner: {ip: 10.200.200.120, node: worker-2}")
        let scenario = try lab.load()
        let located = try #require(scenario.manifests.first { $0.kind == "Deployment" })
        guard case .workload(let deployment) = located.object, deployment.kind == .deployment else {
            Issue.record("the Deployment manifest decoded as \(located.object)")
            return
        }
        #expect(deployment.meta.name == "nginx" && deployment.meta.namespace == "default")
        #expect(deployment.replicas == 1)
        #expect(deployment.selector.matchLabels == ["app": "nginx"])
        #expect(deployment.template.labels == ["app": "nginx"])
        #expect(deployment.template.nodeSelector == ["kubernetes.io/hostname": "worker-2"])
        #expect(deployment.template.readinessDelaySeconds == 2)
        #expect(!scenario.manifests.contains { $0.kind == "Pod" })

        let report = try ScenarioRunner.run(scenario, output: OutputOptions(directory: nil))
        #expect(report.passed, "\(report.results.map { "\($0.passed ? "PASS" : "FAIL") \($0.message)" })")
    }

    @Test("an unknown field in a Pod spec is an error at the field, with the allowed ones")
    func unknownPodField() throws {
        var lab = try Lab()
        try lab.change("spec: {nodeName: worker-1, containers:", "spec: {nodeNmae: worker-1, containers:")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "nodeNmae", in: lab.scenario))
        #expect(
            error?.message.contains("\"nodeNmae\"") == true && error?.message.contains("nodeName") == true,
            "\(String(describing: error))")
    }
}

@Suite("YAML syntax errors are load errors at libyaml's position")
struct YAMLSyntaxErrorTests {
    @Test("in the scenario: an unclosed flow mapping")
    func scenarioSyntaxError() throws {
        var lab = try Lab()
        try lab.change("ip: 10.200.200.11}", "ip: 10.200.200.11")
        let error = lab.error()
        expectLocation(error, file: Lab.scenarioPath, try position(of: "{name: worker-2", in: lab.scenario))
        #expect(error?.message.contains("did not find expected ',' or '}'") == true, "\(String(describing: error))")
    }

    @Test("in the second document of a manifest file: nothing is silently dropped")
    func manifestSecondDocument() throws {
        var lab = try Lab()
        let text =
            try Repository.text("Fixtures/manifests/nginx-service.yaml") + """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: nginx}
                spec: {nodeName: worker-2, containers: [{name: nginx, image: nginx}]}

                """
        lab.files["lab/service.yaml"] = text
        let error = lab.error()
        expectLocation(error, file: "lab/service.yaml", try position(of: "spec: {nodeName: worker-2", in: text))
        #expect(error?.message.contains("flow mapping") == true, "\(String(describing: error))")
    }

    @Test("inside the v0.9.4 config block: mapped onto the manifest's line and column")
    func configBlock() throws {
        var lab = try Lab()
        let text = try replacingOnce(
            try Repository.text("Fixtures/manifests/metallb-v0.9.4-config.yaml"),
            "protocol: layer2\n", "protocol: layer2: x\n")
        lab.files["lab/config.yaml"] = text
        let error = lab.error()
        expectLocation(error, file: "lab/config.yaml", try position(of: ": x", in: text))
        #expect(error?.message.contains("mapping values are not allowed") == true, "\(String(describing: error))")
    }

    @Test("a value error inside the v0.9.4 config block points at the value in the manifest")
    func configBlockValue() throws {
        var lab = try Lab()
        let text = try replacingOnce(
            try Repository.text("Fixtures/manifests/metallb-v0.9.4-config.yaml"),
            "10.200.200.120-10.200.200.122", "10.0.0.5-10.0.0.x")
        lab.files["lab/config.yaml"] = text
        let error = lab.error()
        expectLocation(error, file: "lab/config.yaml", try position(of: "10.0.0.5-10.0.0.x", in: text))
        #expect(error?.message.contains("invalid end IP \"10.0.0.x\"") == true, "\(String(describing: error))")
    }
}
