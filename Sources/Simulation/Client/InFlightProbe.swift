/// A probe a client has sent and not yet seen answered: the client keeps it (waiting for its
/// target's address to resolve, or for its SYN-ACK) rather than reading it back from the
/// recorder, which only logs records.
///
/// `number` is the probe's position in the run's probe log, counted across every client in
/// send order: it picks the probe's TCP source port, its SYN's sequence number and its IPv4
/// identification, so it is the recorder's to hand out.
struct InFlightProbe {
    var number: Int
    var record: ProbeRecord
}
