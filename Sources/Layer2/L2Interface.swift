import Wire

/// A network interface a speaker answers on: MetalLB runs one ARP responder per interface that
/// is up, broadcast-capable, not NOARP and not enslaved to a bond or bridge.
public struct L2Interface: Sendable, Hashable {
    public var name: String
    public var hardwareAddress: MACAddress

    public init(name: String, hardwareAddress: MACAddress) {
        self.name = name
        self.hardwareAddress = hardwareAddress
    }
}

/// A frame the speaker wants sent, and the interface (index into the announcer's list) to send
/// it from. The driver (simulator or live) does the sending.
public struct OutgoingFrame: Sendable, Hashable {
    public var interface: Int
    public var bytes: [UInt8]

    public init(interface: Int, bytes: [UInt8]) {
        self.interface = interface
        self.bytes = bytes
    }
}
