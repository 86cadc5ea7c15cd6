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
                if case let .duration(offset) = value { return SimTime.zero + offset }
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
        if field == "at", case let .duration(offset) = value {
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
        "loss": ["percent", "for"], "label": ["node"], "unlabel": ["node"], "setCondition": ["node"],
    ]

    /// The action with the argument `field` set to `value`; nil when the action has no such
    /// argument of that type.
    func replacing(_ field: String, with value: DrawnValue) -> TimelineAction? {
        switch (self, field, value) {
        case let (.movePod(pod, _), "to", .name(node)): return .movePod(pod: pod, to: node)
        case let (.scale(deployment, _), "replicas", .integer(replicas)): return .scale(deployment: deployment, replicas: replicas)
        case let (.setPodReady(pod, _), "ready", .flag(ready)): return .setPodReady(pod: pod, ready: ready)
        case let (.powerOff, "node", .name(node)): return .powerOff(node: node)
        case let (.powerOn, "node", .name(node)): return .powerOn(node: node)
        case let (.startSpeaker, "node", .name(node)): return .startSpeaker(node: node)
        case let (.stopSpeaker(_, graceful), "node", .name(node)): return .stopSpeaker(node: node, graceful: graceful)
        case let (.stopSpeaker(node, _), "graceful", .flag(graceful)): return .stopSpeaker(node: node, graceful: graceful)
        case let (.linkDown(_, interface), "node", .name(node)): return .linkDown(node: node, interface: interface)
        case let (.linkUp(_, interface), "node", .name(node)): return .linkUp(node: node, interface: interface)
        case let (.loss(_, span), "percent", .percent(ppm)): return .loss(ppm: ppm, for: span)
        case let (.loss(ppm, _), "for", .duration(span)): return .loss(ppm: ppm, for: span)
        case let (.label(_, key, labelValue), "node", .name(node)): return .label(node: node, key: key, value: labelValue)
        case let (.unlabel(_, key), "node", .name(node)): return .unlabel(node: node, key: key)
        case let (.setCondition(_, type, status), "node", .name(node)): return .setCondition(node: node, type: type, status: status)
        default: return nil
        }
    }
}
