import Wire

/// Reads a capture frame by frame and builds its `CaptureAnalysis`. Sans-IO: the caller
/// reads the file (Pcap does) and hands over each record.
///
/// ```swift
/// var analyzer = CaptureAnalyzer(options: InspectOptions())
/// for frame in frames { analyzer.add(frame) }
/// let analysis = analyzer.analysis()
/// ```
///
/// No frame can make it fail: what cannot be decoded is counted in `FrameCounts` and
/// skipped. Claims and requests are kept until `analysis()`, which sorts them by time (a
/// capture merged from several interfaces need not be in order) and, for equal times, by
/// frame number, so the result depends only on the frames.
public struct CaptureAnalyzer: Sendable {
    public let options: InspectOptions
    private var counts = FrameCounts()
    private var undecoded: [Int32: Int] = [:]
    private var claims: [AddressKey: [Claim]] = [:]
    private var requests: [AddressKey: [AddressRequest]] = [:]
    private var start: Int64?
    private var end: Int64?

    public init(options: InspectOptions = InspectOptions()) {
        self.options = options
    }

    /// Takes the next frame of the capture.
    public mutating func add(_ frame: CapturedFrame) {
        counts.frames += 1
        let number = counts.frames
        // Pcap never hands over a time before the epoch; clamping keeps differences of
        // times from overflowing whatever a caller passes.
        let time = max(0, frame.timestampNanoseconds)
        start = min(start ?? time, time)
        end = max(end ?? time, time)
        if frame.isCutBySnapLength { counts.cutBySnapLength += 1 }
        guard NeighbourFrame.decodedLinkTypes.contains(frame.linkType) else {
            undecoded[frame.linkType, default: 0] += 1
            return
        }
        let decoded: NeighbourFrame
        do {
            decoded = try NeighbourFrame.decode(frame.bytes, linkType: frame.linkType)
        } catch {
            skip(frame: number, because: error)
            return
        }
        switch decoded.meaning {
        case .claim(let ip, let mac, let kind):
            counts.claims += 1
            claims[AddressKey(ip: ip, vlans: decoded.vlans), default: []]
                .append(Claim(time: time, frame: number, ip: ip, mac: mac, kind: kind, vlans: decoded.vlans))
        case .request(let ip, let asker, let kind):
            counts.requests += 1
            requests[AddressKey(ip: ip, vlans: decoded.vlans), default: []]
                .append(
                    AddressRequest(time: time, frame: number, ip: ip, asker: asker, kind: kind, vlans: decoded.vlans))
        case .unrelated:
            counts.unrelated += 1
        }
    }

    /// Takes frames from `next` (the caller's reader: Inspect does no I/O) until it returns nil,
    /// the end of the capture, or throws, damage partway; returns that error. What came
    /// before the damage stays in the analysis, as `sim inspect` reports it.
    public mutating func add<Failure: Error>(from next: () throws(Failure) -> CapturedFrame?) -> Failure? {
        do {
            while let frame = try next() { add(frame) }
            return nil
        } catch {
            return error
        }
    }

    private mutating func skip(frame number: Int, because error: WireError) {
        let example = FrameCounts.Example(frame: number, reason: error.description)
        if case .truncated = error {
            counts.truncated += 1
            if counts.firstTruncated == nil { counts.firstTruncated = example }
        } else {
            counts.malformed += 1
            if counts.firstMalformed == nil { counts.firstMalformed = example }
        }
    }

    /// The analysis of every frame added so far.
    public func analysis() -> CaptureAnalysis {
        var counts = counts
        counts.undecodedLinkTypes = undecoded.keys.sorted().map {
            FrameCounts.UndecodedLinkType(linkType: $0, frames: undecoded[$0]!)
        }
        let keys = Set(claims.keys).union(requests.keys).sorted()
        let captureEnd = end ?? 0
        let addresses = keys.map { key in
            AddressHistory(
                ip: key.ip, vlans: key.vlans,
                claims: (claims[key] ?? []).sorted { ($0.time, $0.frame) < ($1.time, $1.frame) },
                requests: (requests[key] ?? []).sorted { ($0.time, $0.frame) < ($1.time, $1.frame) },
                captureEnd: captureEnd, options: options)
        }
        return CaptureAnalysis(options: options, counts: counts, start: start, end: end, addresses: addresses)
    }
}
