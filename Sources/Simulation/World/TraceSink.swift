import Engine

/// Where the simulator's frames go to be recorded (the Scenario layer writes pcaps; tests may
/// collect them in memory). The simulation itself never touches a file.
public protocol TraceSink: AnyObject {
    /// A frame as a port mirror on the switch sees it: once, when it enters the switch.
    func segmentFrame(_ frame: [UInt8], at time: SimTime)
    /// A frame as `tcpdump -i <interface>` on a host sees it: sent or received on that port.
    /// Only called when `wantsInterfaceFrames` is true.
    func interfaceFrame(port: Int, _ frame: [UInt8], at time: SimTime)
    var wantsInterfaceFrames: Bool { get }
}
