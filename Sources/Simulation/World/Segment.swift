import Engine
import Wire

/// The L2 segment: one learning switch that every host hangs off.
///
/// It learns the source MAC of every frame with the port it came in on, forwards unicast to the
/// learned port, and floods broadcast, multicast and unknown (or aged-out) unicast to every
/// other port, as a real switch does. Each frame takes `latency` to cross.
struct Segment {
    struct Learned {
        var port: Int32
        var at: SimTime
    }

    /// Per port: whether the host's link is up. A down link neither sends nor receives.
    var linkUp: [Bool] = []
    /// Per port: its side of a partition (`partition` action). Frames cross only between ports
    /// of the same group; all zero when the segment is whole.
    var group: [Int32] = []
    /// The forwarding database: MAC -> port and when it was last seen there.
    var fdb: [MACAddress: Learned] = [:]
    let latency: SimDuration
    let aging: SimDuration
    let lossPPM: UInt32

    init(latency: SimDuration, aging: SimDuration, lossPPM: UInt32) {
        self.latency = latency
        self.aging = aging
        self.lossPPM = lossPPM
    }

    /// Where a frame entering on `ingress` goes: learns its source, then returns the egress
    /// port for known unicast, nil for a flood, or -1 to filter (destination on the same port).
    mutating func forward(_ frame: [UInt8], ingress: Int32, now: SimTime) -> Int32? {
        let destination = Segment.destination(of: frame)
        let source = Segment.source(of: frame)
        if !source.isMulticast {
            fdb[source] = Learned(port: ingress, at: now)
        }
        if destination.isMulticast { return nil }
        guard let learned = fdb[destination], now - learned.at < aging else { return nil }
        return learned.port == ingress ? -1 : learned.port
    }

    /// The Ethernet destination of a frame of at least 14 bytes.
    @inline(__always)
    static func destination(of frame: [UInt8]) -> MACAddress { frame.withUnsafeBytes { mac($0, at: 0) } }

    /// The Ethernet source of a frame of at least 14 bytes.
    @inline(__always)
    static func source(of frame: [UInt8]) -> MACAddress { frame.withUnsafeBytes { mac($0, at: 6) } }

    @inline(__always)
    static func mac(_ raw: UnsafeRawBufferPointer, at offset: Int) -> MACAddress {
        var value: UInt64 = 0
        for i in offset..<(offset + 6) { value = value << 8 | UInt64(raw[i]) }
        return MACAddress(rawValue: value)
    }
}
