import TestSupport
import Testing
import Wire

@testable import Membership

/// `NodeList` keeps its name index and its members' encoded entries right through every way
/// the list is changed, and rearranges exactly as the plain array it replaced did (the same
/// random draws).
@Suite("Member list index")
struct NodeListTests {
    @Test func indexFollowsEveryRearrangement() {
        var rng = SplitMix64(seed: 0x4E4C_4958)
        var list = NodeList()
        var plain: [NodeState] = []
        var listGenerator = SplitMix64(seed: 42)
        var plainGenerator = SplitMix64(seed: 42)
        var next = 0
        for _ in 0..<5_000 {
            switch rng.next() % 8 {
            case 0, 1, 2:
                let node = member(next)
                next += 1
                let offset = Int(rng.next() % UInt64(plain.count + 1))
                list.insert(node, swappingInAt: offset)
                plain.append(node)
                plain.swapAt(offset, plain.count - 1)
            case 3 where !plain.isEmpty:
                let i = Int(rng.next() % UInt64(plain.count))
                let j = Int(rng.next() % UInt64(plain.count))
                list.swapAt(i, j)
                plain.swapAt(i, j)
            case 4 where !plain.isEmpty:
                let count = Int(rng.next() % UInt64(min(plain.count, 4) + 1))
                list.removeLast(count)
                plain.removeLast(count)
            case 5:
                list.shuffle(using: &listGenerator)
                plainGenerator.shuffle(&plain)
            case 6 where !plain.isEmpty:
                let i = Int(rng.next() % UInt64(plain.count))
                list[i].incarnation += 1
                list[i].state = .suspect
                list[i].meta = [UInt8(truncatingIfNeeded: next)]
                plain[i].incarnation += 1
                plain[i].state = .suspect
                plain[i].meta = [UInt8(truncatingIfNeeded: next)]
            default:
                break
            }
            #expect(list.elements == plain)
            #expect(listGenerator.state == plainGenerator.state)
            // The entries kept per member are those of the members as they are now.
            if rng.next() % 4 == 0 {
                #expect(list.encodedPushStates() == PushPull.encodedEntries(of: plain))
            }
        }
        for (position, node) in plain.enumerated() {
            #expect(list.index(named: node.name) == position)
            #expect(list.member(named: node.name) == node)
        }
        #expect(list.index(named: "nobody") == nil)
        #expect(next > 1_000 && plain.count > 100, "the run exercised a list of some size")
    }

    /// The index finds exactly what a search with `String`'s `==` finds, which is Unicode
    /// canonical equivalence: the Kelvin sign is "K", a decomposed "é" the precomposed one.
    @Test func namesMatchAsStringEqualityMatchesThem() {
        var list = NodeList()
        list.insert(member(named: "K"), swappingInAt: 0)
        list.insert(member(named: "node-b"), swappingInAt: 0)
        #expect(list.index(named: "\u{212A}") == list.elements.firstIndex { $0.name == "K" })
        #expect(list.index(named: "k") == nil)
        // A non-ASCII member: from here on the index is a dictionary.
        list.insert(member(named: "caf\u{E9}"), swappingInAt: 1)
        #expect(list.index(named: "cafe\u{301}") == 1)
        #expect(list.index(named: "\u{212A}") == list.elements.firstIndex { $0.name == "K" })
        #expect(list.index(named: "node-b") == list.elements.firstIndex { $0.name == "node-b" })
    }

    /// Many names, some equivalent to others under `==`, looked up after every change.
    @Test func lookUpsAgreeWithALinearSearch() {
        var rng = SplitMix64(seed: 0x4E41_4D45)
        let spellings = ["K", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "\u{3A9}", "\u{2126}", "a", "A"]
        for round in 0..<20 {
            var list = NodeList()
            var generator = SplitMix64(seed: UInt64(round))
            for step in 0..<300 {
                // ASCII names only in half the rounds, so both kinds of index are tried.
                let name =
                    round % 2 == 0 || rng.next() % 4 != 0
                    ? "n\(rng.next() % 400)"
                    : spellings[Int(rng.next() % UInt64(spellings.count))] + "\(rng.next() % 3)"
                if list.index(named: name) == nil {
                    list.insert(member(named: name), swappingInAt: Int(rng.next() % UInt64(list.count + 1)))
                }
                if step % 50 == 49 {
                    list.removeLast(Int(rng.next() % 5))
                    list.shuffle(using: &generator)
                }
                for probe in [name, "n\(rng.next() % 400)", spellings[Int(rng.next() % UInt64(spellings.count))] + "0"]
                {
                    #expect(list.index(named: probe) == list.elements.firstIndex { $0.name == probe }, "\(probe)")
                }
            }
        }
    }

    func member(_ index: Int) -> NodeState {
        member(named: "node-\(index)", address: IPv4Address(rawValue: UInt32(index)))
    }

    func member(named name: String, address: IPv4Address = IPv4Address(192, 0, 2, 1)) -> NodeState {
        NodeState(
            name: name, address: address, port: 7946, meta: [], incarnation: 1, state: .alive, stateChange: 0,
            vsn: [1, 5, 2, 0, 0, 0])
    }
}
