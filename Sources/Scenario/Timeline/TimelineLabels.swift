/// Where the labels of the timeline's actions go in `timeline.svg`: above the blocks, in as
/// many rows as they need not to overlap (at most `maxRows`).
enum TimelineLabels {
    static let maxRows = 8

    struct PlacedLabel {
        var marker: TimelineChart.Marker
        var row: Int
        /// Where the text is anchored, in hundredths of a pixel.
        var textX: Int
        var anchorEnd: Bool
    }

    /// Puts each label in the first row where it overlaps no other, right of its line, or
    /// left of it near the right edge. Widths are estimated (6.2 px a character at 11 px):
    /// no font metrics are available, and the estimate errs wide.
    static func place(_ markers: [TimelineChart.Marker], scale: TimelineScale, width: Int) -> [PlacedLabel] {
        var rows: [[ClosedRange<Int>]] = []
        var placed: [PlacedLabel] = []
        for marker in markers {
            let x = scale.x(marker.time)
            let textWidth = marker.label.count * 620 + 200
            let anchorEnd = x + 300 + textWidth > (width - 10) * 100
            let textX = anchorEnd ? x - 300 : x + 300
            let occupied = anchorEnd ? (textX - textWidth)...(textX + 300) : (x - 100)...(textX + textWidth)
            var row = rows.firstIndex { $0.allSatisfy { !$0.overlaps(occupied) } } ?? rows.count
            if row >= maxRows {
                // Labels overlap rather than push the chart off the screen.
                row = maxRows - 1
            } else if row == rows.count {
                rows.append([])
            }
            rows[row].append(occupied)
            placed.append(PlacedLabel(marker: marker, row: row, textX: textX, anchorEnd: anchorEnd))
        }
        return placed
    }
}
