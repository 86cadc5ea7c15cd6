import Engine

extension TimelineEntry {
    /// The entry as `seed` draws it: every draw's value put in place and listed in `drawn`.
    /// An entry without draws is returned unchanged.
    func drawing(seed: UInt64) -> TimelineEntry {
        guard !draws.isEmpty else { return self }
        var entry = self
        entry.drawn = draws.map { DrawnField(field: $0.field, value: $0.value(seed: seed, entry: label)) }
        for field in entry.drawn { entry.set(field.field, to: field.value) }
        return entry
    }

    /// The earliest and latest time the entry can happen at, over all seeds.
    var possibleTimes: ClosedRange<SimTime> {
        var times: [SimTime] = [at]
        for draw in draws where draw.field == "at" {
            times = draw.extremes.compactMap { value in
                if case .duration(let offset) = value { return SimTime.zero + offset }
                return nil
            }
        }
        return (times.min() ?? at)...(times.max() ?? at)
    }

    /// What validation checks: the entry at its base values, and once with each choice (or
    /// bound) of each drawn argument, located where that choice was written. Checking the
    /// arguments one at a time covers every combination, since each is checked on its own.
    var variants: [TimelineEntry] {
        var result = [self]
        for draw in draws where draw.field != "at" {
            for (value, location) in zip(draw.extremes, draw.choiceLocations) {
                var variant = setting(draw.field, to: value)
                variant.fieldLocations[draw.field] = location
                result.append(variant)
            }
        }
        return result
    }

    /// The same entry with one argument (or `at`) set to `value`.
    func setting(_ field: String, to value: DrawnValue) -> TimelineEntry {
        var entry = self
        entry.set(field, to: value)
        return entry
    }

    private mutating func set(_ field: String, to value: DrawnValue) {
        if field == "at", case .duration(let offset) = value {
            at = .zero + offset
        } else if let changed = action.replacing(field, with: value) {
            action = changed
        }
    }
}

extension TimelineAction {
    /// The arguments a timeline entry may leave to the seed, by action (`at` is drawable for
    /// every action but apply and delete). The loader reads exactly these through its draw
    /// reader; everything else takes plain values.
    static let drawableFields: [String: [String]] = [
        "movePod": ["to"], "scale": ["replicas"], "setPodReady": ["ready"],
        "powerOff": ["node"], "powerOn": ["node"], "startSpeaker": ["node"],
        "stopSpeaker": ["node", "graceful"], "linkDown": ["node"], "linkUp": ["node"],
        "ifDown": ["node"], "ifUp": ["node"],
        "loss": ["percent", "for"], "label": ["node"], "unlabel": ["node"], "setCondition": ["node"],
    ]

    /// The action with the argument `field` set to `value`; nil when the action has no such
    /// argument of that type.
    func replacing(_ field: String, with value: DrawnValue) -> TimelineAction? {
        switch (self, field, value) {
        case (.movePod(let pod, _), "to", .name(let node)): return .movePod(pod: pod, to: node)
        case (.scale(let kind, let name, _), "replicas", .integer(let replicas)):
            return .scale(kind: kind, name: name, replicas: replicas)
        case (.setPodReady(let pod, _), "ready", .flag(let ready)): return .setPodReady(pod: pod, ready: ready)
        case (.powerOff, "node", .name(let node)): return .powerOff(node: node)
        case (.powerOn, "node", .name(let node)): return .powerOn(node: node)
        case (.startSpeaker, "node", .name(let node)): return .startSpeaker(node: node)
        case (.stopSpeaker(_, let graceful), "node", .name(let node)):
            return .stopSpeaker(node: node, graceful: graceful)
        case (.stopSpeaker(let node, _), "graceful", .flag(let graceful)):
            return .stopSpeaker(node: node, graceful: graceful)
        case (.linkDown(_, let interface), "node", .name(let node)): return .linkDown(node: node, interface: interface)
        case (.linkUp(_, let interface), "node", .name(let node)): return .linkUp(node: node, interface: interface)
        case (.ifDown(_, let interface), "node", .name(let node)): return .ifDown(node: node, interface: interface)
        case (.ifUp(_, let interface), "node", .name(let node)): return .ifUp(node: node, interface: interface)
        case (.loss(_, let span), "percent", .percent(let ppm)): return .loss(ppm: ppm, for: span)
        case (.loss(let ppm, _), "for", .duration(let span)): return .loss(ppm: ppm, for: span)
        case (.label(_, let key, let labelValue), "node", .name(let node)):
            return .label(node: node, key: key, value: labelValue)
        case (.unlabel(_, let key), "node", .name(let node)): return .unlabel(node: node, key: key)
        case (.setCondition(_, let type, let status), "node", .name(let node)):
            return .setCondition(node: node, type: type, status: status)
        default: return nil
        }
    }
}
