import IPAM
import Simulation
import Wire

/// The segment's IPv4 subnets: each host's address with its prefix length, as `ip a` shows
/// it (`192.168.1.11/24`). They decide what is on-link. A Linux host sends ARP only for an
/// address inside one of its subnets; anything else goes to a gateway, which lbsim does not
/// model, so a client whose probe target is off-link is refused when the scenario loads. A
/// pool address no node is on-link for would never be ARPed for by a client on the segment:
/// that is layer2 mode's classic misconfiguration, and the loader warns about it.
///
/// An address written without a prefix takes the prefix of a written one whose subnet holds
/// it; failing that, the longest prefix no longer than /24 that holds every node and client
/// address of the scenario (all in 192.0.2.x: /24; nodes in 192.168.1.x and clients in
/// 192.168.2.x: /22).
enum Subnets {
    /// A host's written prefix, when it wrote one.
    struct Written {
        var host: String
        var prefixLength: Int
    }

    /// Gives every node and client its prefix length.
    static func assign(_ world: inout WorldConfig, written: [Written]) {
        let explicit = Dictionary(written.map { ($0.host, $0.prefixLength) }, uniquingKeysWith: { first, _ in first })
        let addresses = world.nodes.map(\.ip) + world.clients.map(\.ip)
        let writtenSubnets = (world.nodes.map { ($0.name, $0.ip) } + world.clients.map { ($0.name, $0.ip) })
            .compactMap { name, ip in explicit[name].map { IPv4CIDR(network: ip, prefixLength: $0) } }
        let fallback = defaultPrefixLength(covering: addresses)
        func prefix(_ name: String, _ ip: IPv4Address) -> Int {
            explicit[name] ?? writtenSubnets.first { $0.contains(ip) }?.prefixLength ?? fallback
        }
        for index in world.nodes.indices {
            world.nodes[index].prefixLength = prefix(world.nodes[index].name, world.nodes[index].ip)
        }
        for index in world.clients.indices {
            world.clients[index].prefixLength = prefix(world.clients[index].name, world.clients[index].ip)
        }
    }

    /// The longest prefix, at most /24, whose subnet holds every address.
    static func defaultPrefixLength(covering addresses: [IPv4Address]) -> Int {
        guard let first = addresses.first else { return 24 }
        var length = 24
        while length > 0 && !addresses.allSatisfy({ IPv4CIDR(network: first, prefixLength: length).contains($0) }) {
            length -= 1
        }
        return length
    }

    /// The subnets of the nodes, in node order.
    static func nodeSubnets(_ world: WorldConfig) -> [IPv4CIDR] {
        world.nodes.map { IPv4CIDR(network: $0.ip, prefixLength: $0.prefixLength) }
    }

    /// Warnings for pool addresses no node is on-link for.
    static func offLinkPoolWarnings(_ pools: [LocatedPool], world: WorldConfig) -> [ScenarioWarning] {
        let subnets = nodeSubnets(world)
        var warnings: [ScenarioWarning] = []
        for located in pools {
            for (index, prefix) in located.pool.cidrs.enumerated() {
                guard case .v4(let cidr) = prefix else { continue }
                guard !subnets.contains(where: { $0.contains(cidr.first) && $0.contains(cidr.last) }) else { continue }
                let location = index < located.cidrLocations.count ? located.cidrLocations[index] : located.nameLocation
                let described = Array(Set(subnets.map(\.description))).sorted().joined(separator: ", ")
                warnings.append(
                    ScenarioWarning(
                        location: location,
                        message:
                            "pool \(located.pool.name): \(cidr) is not on-link for any node (\(described)): on a real segment no client ARPs for it, so layer2 mode cannot serve it"
                    ))
            }
        }
        return warnings
    }
}
