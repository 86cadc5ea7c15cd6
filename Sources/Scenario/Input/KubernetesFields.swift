import Cluster

/// Valid Kubernetes fields that lbsim reads nothing from. They are accepted (a manifest from
/// `kubectl get -o yaml` carries them all) but any key outside these lists and the fields lbsim
/// reads is reported as unknown, as `kubectl apply --validate=strict` would.
enum KubernetesFields {
    static let objectMeta = [
        "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
        "ownerReferences", "finalizers", "generateName", "deletionTimestamp", "deletionGracePeriodSeconds",
    ]
    static let serviceSpec = [
        "sessionAffinity", "sessionAffinityConfig", "internalTrafficPolicy", "allocateLoadBalancerNodePorts",
        "publishNotReadyAddresses", "healthCheckNodePort", "clusterIPs", "trafficDistribution",
    ]
    static let servicePort = ["appProtocol"]
    static let podSpec = [
        "initContainers", "volumes", "restartPolicy", "activeDeadlineSeconds",
        "dnsPolicy", "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "securityContext",
        "imagePullSecrets", "hostname", "subdomain", "schedulerName", "priorityClassName", "priority",
        "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
        "hostAliases", "shareProcessNamespace", "hostPID", "hostIPC", "ephemeralContainers", "os",
        "setHostnameAsFQDN", "hostUsers", "resourceClaims", "schedulingGates",
    ]
    static let container = [
        "command", "args", "workingDir", "envFrom", "env", "resources", "volumeMounts",
        "volumeDevices", "livenessProbe", "startupProbe", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
        "resizePolicy", "restartPolicy",
    ]
    static let probe = [
        "exec", "httpGet", "tcpSocket", "grpc", "timeoutSeconds", "periodSeconds", "successThreshold",
        "failureThreshold", "terminationGracePeriodSeconds",
    ]
    static let workloadSpec: [Workload.Kind: [String]] = [
        .deployment: ["strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds"],
        .replicaSet: ["minReadySeconds"],
        // Volumes are not modelled (a pod's claims do not pin it to a node), and updates roll
        // pods lbsim never changes.
        .statefulSet: [
            "minReadySeconds", "revisionHistoryLimit", "serviceName", "updateStrategy", "volumeClaimTemplates",
            "persistentVolumeClaimRetentionPolicy",
        ],
        .daemonSet: ["updateStrategy", "minReadySeconds", "revisionHistoryLimit"],
    ]
    static let topLevel = ["status"]
}
