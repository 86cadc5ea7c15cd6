/// What one field of a struct held, as `MessagePackCursor.readStruct` found it: scalars
/// whole, byte strings and arrays by their position in the buffer, so that nothing is copied
/// until a decoder converts the field (`DecodedStruct`).
enum FieldValue {
    /// The key did not appear (Go leaves the field at its zero value).
    case absent
    case `nil`
    case bool(Bool)
    case uint(UInt64)
    case int(Int64)
    case bytes(Range<Int>)
    /// An array of `count` values starting at `elementsAt` (a Go `[]byte` may come as one).
    case array(count: Int, elementsAt: Int)
    /// A map: no memberlist field takes one, so only its presence matters.
    case map
}

/// Up to eight `FieldValue`s, stored inline (no array to allocate per struct).
struct FieldSlots {
    static let capacity = 8
    private var s0 = FieldValue.absent, s1 = FieldValue.absent, s2 = FieldValue.absent, s3 = FieldValue.absent
    private var s4 = FieldValue.absent, s5 = FieldValue.absent, s6 = FieldValue.absent, s7 = FieldValue.absent

    subscript(index: Int) -> FieldValue {
        get {
            switch index {
            case 0: return s0
            case 1: return s1
            case 2: return s2
            case 3: return s3
            case 4: return s4
            case 5: return s5
            case 6: return s6
            default: return s7
            }
        }
        set {
            switch index {
            case 0: s0 = newValue
            case 1: s1 = newValue
            case 2: s2 = newValue
            case 3: s3 = newValue
            case 4: s4 = newValue
            case 5: s5 = newValue
            case 6: s6 = newValue
            default: s7 = newValue
            }
        }
    }
}
