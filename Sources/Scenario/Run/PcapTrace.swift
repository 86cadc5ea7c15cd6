import Engine
import Pcap
import Simulation

/// Writes the simulation's frames to pcap files through libpcap: the whole segment (a port
/// mirror's view) and, when asked, one file per node interface. An optional BPF filter,
/// compiled by libpcap, decides which frames are written.
///
/// Files are first written under temporary names and only renamed into place by `commit()`
/// (or, with the report, by `ScenarioRunner` once everything is written), so a run that fails
/// half-way never leaves a mix of old and new outputs.
public final class PcapTrace: TraceSink {
    private var segment: PcapFileWriter?
    /// Writers by segment port (nodes only).
    private var interfaces: [Int: PcapFileWriter] = [:]
    private let filter: BPFFilter?
    /// (temporary path, final path) of every file written.
    public private(set) var files: [(temporary: String, final: String)] = []
    public let wantsInterfaceFrames: Bool

    public init(segmentPath: String?, interfacePaths: [Int: String], filter: BPFFilter?) throws(PcapError) {
        self.filter = filter
        wantsInterfaceFrames = !interfacePaths.isEmpty
        if let segmentPath {
            segment = try PcapFileWriter(path: segmentPath + ".partial")
            files.append((segmentPath + ".partial", segmentPath))
        }
        for (port, path) in interfacePaths.sorted(by: { $0.key < $1.key }) {
            interfaces[port] = try PcapFileWriter(path: path + ".partial")
            files.append((path + ".partial", path))
        }
    }

    public var segmentFramesWritten: Int { segment?.framesWritten ?? 0 }

    public func segmentFrame(_ frame: [UInt8], at time: SimTime) {
        guard let segment, filter?.matches(frame) ?? true else { return }
        segment.write(frame, timestampNanoseconds: time.nanoseconds)
    }

    public func interfaceFrame(port: Int, _ frame: [UInt8], at time: SimTime) {
        guard let writer = interfaces[port], filter?.matches(frame) ?? true else { return }
        writer.write(frame, timestampNanoseconds: time.nanoseconds)
    }

    /// Closes every file (flushing it) and leaves them under their temporary names.
    public func close() {
        segment?.close()
        for writer in interfaces.values { writer.close() }
    }

    /// Renames every closed file to its final name.
    public func commit() throws(OutputError) {
        for file in files { try OutputFile.move(file.temporary, to: file.final) }
    }
}
