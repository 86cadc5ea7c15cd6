import Engine
import Wire

/// Draws a `TimelineChart` as a standalone SVG document (`timeline.svg` in the output folder).
///
/// Top to bottom: the title; the labels of the timeline's actions, in as many rows as they
/// need not to overlap, each with a dashed line down through every block; one block per
/// address with a lane per node (bars: announcing; ticks: a gratuitous round) and a lane per
/// probing client (red: probes unanswered, also shaded across the node lanes above); the time
/// axis; a legend. Hand-written text with fixed number formatting, no scripts or external
/// resources: a browser, an image viewer or a CI artifact preview shows it as it is.
enum TimelineSVG {
    static let width = 1200
    static let laneHeight = 20
    static let barHeight = 12
    /// Node lane colours, by the node's position in the scenario.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]

    static func render(_ chart: TimelineChart) -> String {
        let scale = TimelineScale(runEnd: chart.runEnd)
        var body: [String] = []
        let title = XMLText.content(chart.title)
        body.append("<text class=\"title\" x=\"10\" y=\"22\">\(title)</text>")

        let markers = chart.markers.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
        let placed = TimelineLabels.place(markers, scale: scale, width: width)
        let rows = (placed.map(\.row).max() ?? -1) + 1
        let plotTop = 44 + rows * 14 + 6

        var y = plotTop
        var blocks: [String] = []
        for block in chart.blocks {
            blocks += draw(block, top: y, scale: scale)
            y += 22 + (block.lanes.count + block.clients.count) * laneHeight + 14
        }
        let plotBottom = max(y - 10, plotTop + 10)

        let left = TimelineScale.plotLeft
        let right = TimelineScale.plotLeft + TimelineScale.plotWidth
        body.append("<g class=\"grid\">")
        for tick in scale.ticks {
            let x = TimelineScale.text(scale.x(tick))
            body.append("<line x1=\"\(x)\" y1=\"\(plotTop)\" x2=\"\(x)\" y2=\"\(plotBottom)\"/>")
        }
        body.append("</g>")
        body += blocks
        body.append("<g class=\"markers\">")
        for label in placed {
            let x = TimelineScale.text(scale.x(label.marker.time))
            let baseline = 44 + label.row * 14 + 10
            body.append(
                "<g class=\"marker\"><title>\(XMLText.content("\(label.marker.label) at \(label.marker.time)"))</title>"
                    + "<line x1=\"\(x)\" y1=\"\(baseline + 3)\" x2=\"\(x)\" y2=\"\(plotBottom)\"/>"
                    + "<text x=\"\(TimelineScale.text(label.textX))\" y=\"\(baseline)\"\(label.anchorEnd ? " text-anchor=\"end\"" : "")>"
                    + "\(XMLText.content(label.marker.label))</text></g>")
        }
        body.append("</g>")
        body.append("<g class=\"axis\">")
        body.append("<line x1=\"\(left)\" y1=\"\(plotBottom)\" x2=\"\(right)\" y2=\"\(plotBottom)\"/>")
        for tick in scale.ticks {
            let x = TimelineScale.text(scale.x(tick))
            body.append("<line x1=\"\(x)\" y1=\"\(plotBottom)\" x2=\"\(x)\" y2=\"\(plotBottom + 5)\"/>")
            body.append("<text x=\"\(x)\" y=\"\(plotBottom + 17)\" text-anchor=\"middle\">\(scale.label(tick))</text>")
        }
        body.append("</g>")
        body += legend(top: plotBottom + 34)
        let height = plotBottom + 60

        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">",
            "<title>\(title)</title>",
            "<style>",
            ".title { font-size: 14px; font-weight: bold; }",
            ".block-title { font-weight: bold; } .block-title tspan { font-weight: normal; fill: #555; }",
            ".lane-label { fill: #222; } .client-label { fill: #a00; }",
            ".lane-bg { fill: #f3f3f3; }",
            ".garp { stroke: #111; stroke-width: 1.5; }",
            ".downtime { fill: #d62728; } .downtime-band { fill: #d62728; fill-opacity: 0.12; }",
            ".grid line { stroke: #e2e2e2; stroke-width: 1; }",
            ".marker line { stroke: #444; stroke-width: 1; stroke-dasharray: 4 3; } .marker text { fill: #333; }",
            ".axis line { stroke: #333; stroke-width: 1; } .axis text { fill: #333; }",
            "</style>",
            "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: blocks

    /// One address: its header, a lane per node, a lane per probing client.
    private static func draw(_ block: TimelineChart.Block, top: Int, scale: TimelineScale) -> [String] {
        let ip = XMLText.attribute(block.ip.description)
        var out = ["<g class=\"block\" data-ip=\"\(ip)\">"]
        let services = block.services.isEmpty ? "held by no service" : block.services.joined(separator: ", ")
        out.append(
            "<text class=\"block-title\" x=\"10\" y=\"\(top + 14)\">\(XMLText.content(block.ip.description))"
                + "<tspan dx=\"8\">\(XMLText.content(services))</tspan></text>")
        let lanesTop = top + 22
        let left = TimelineScale.plotLeft
        for (index, lane) in block.lanes.enumerated() {
            let laneTop = lanesTop + index * laneHeight
            let colour = palette[index % palette.count]
            out.append("<g class=\"lane\" data-node=\"\(XMLText.attribute(lane.node))\">")
            if index % 2 == 0 {
                out.append(
                    "<rect class=\"lane-bg\" x=\"\(left)\" y=\"\(laneTop)\" width=\"\(TimelineScale.plotWidth)\" height=\"\(laneHeight)\"/>"
                )
            }
            out.append(
                "<text class=\"lane-label\" x=\"\(left - 8)\" y=\"\(laneTop + 14)\" text-anchor=\"end\">\(XMLText.content(lane.node))</text>"
            )
            for span in lane.announced {
                out.append(
                    rect(
                        "bar", span, y: laneTop + (laneHeight - barHeight) / 2, height: barHeight, scale: scale,
                        fill: colour, title: "\(lane.node) announces \(block.ip) from \(span.from) to \(span.to)"))
            }
            for time in lane.gratuitous {
                let x = TimelineScale.text(scale.x(time))
                out.append(
                    "<line class=\"garp\" x1=\"\(x)\" y1=\"\(laneTop + 1)\" x2=\"\(x)\" y2=\"\(laneTop + laneHeight - 1)\">"
                        + "<title>\(XMLText.content("\(lane.node) sends a gratuitous round for \(block.ip) at \(time)"))</title></line>"
                )
            }
            out.append("</g>")
        }
        let nodesHeight = block.lanes.count * laneHeight
        for (index, client) in block.clients.enumerated() {
            let laneTop = lanesTop + nodesHeight + index * laneHeight
            out.append("<g class=\"client\" data-client=\"\(XMLText.attribute(client.client))\">")
            out.append(
                "<text class=\"client-label\" x=\"\(left - 8)\" y=\"\(laneTop + 14)\" text-anchor=\"end\">"
                    + "\(XMLText.content("\(client.client) probes :\(client.port)"))</text>")
            for span in client.downtime {
                let title =
                    "\(client.client): probes to \(block.ip):\(client.port) unanswered from \(span.from) to \(span.to) (\(span.to - span.from))"
                out.append(
                    rect("downtime-band", span, y: lanesTop, height: nodesHeight, scale: scale, fill: nil, title: nil))
                out.append(
                    rect(
                        "downtime", span, y: laneTop + (laneHeight - barHeight) / 2, height: barHeight, scale: scale,
                        fill: nil, title: title))
            }
            out.append("</g>")
        }
        out.append("</g>")
        return out
    }

    /// A rectangle over `span`, at least half a pixel wide so that an instant still shows.
    private static func rect(
        _ cssClass: String, _ span: TimelineChart.Span, y: Int, height: Int, scale: TimelineScale,
        fill: String?, title: String?
    ) -> String {
        let x = scale.x(span.from)
        let width = max(scale.x(span.to) - x, 50)
        let fillText = fill.map { " fill=\"\($0)\"" } ?? ""
        let open =
            "<rect class=\"\(cssClass)\" x=\"\(TimelineScale.text(x))\" y=\"\(y)\" width=\"\(TimelineScale.text(width))\" height=\"\(height)\"\(fillText)"
        guard let title else { return open + "/>" }
        return open + "><title>\(XMLText.content(title))</title></rect>"
    }

    private static func legend(top: Int) -> [String] {
        let left = TimelineScale.plotLeft
        return [
            "<g class=\"legend\">",
            "<rect x=\"\(left)\" y=\"\(top - 9)\" width=\"12\" height=\"\(barHeight)\" fill=\"\(palette[0])\"/>",
            "<rect x=\"\(left + 12)\" y=\"\(top - 9)\" width=\"12\" height=\"\(barHeight)\" fill=\"\(palette[1])\"/>",
            "<text x=\"\(left + 30)\" y=\"\(top + 1)\">node announces the address</text>",
            "<line class=\"garp\" x1=\"\(left + 210)\" y1=\"\(top - 10)\" x2=\"\(left + 210)\" y2=\"\(top + 4)\"/>",
            "<text x=\"\(left + 218)\" y=\"\(top + 1)\">gratuitous ARP / NA round</text>",
            "<rect class=\"downtime\" x=\"\(left + 400)\" y=\"\(top - 9)\" width=\"24\" height=\"\(barHeight)\"/>",
            "<text x=\"\(left + 430)\" y=\"\(top + 1)\">client probes unanswered</text>",
            "<g class=\"marker\"><line x1=\"\(left + 612)\" y1=\"\(top - 10)\" x2=\"\(left + 612)\" y2=\"\(top + 4)\"/></g>",
            "<text x=\"\(left + 620)\" y=\"\(top + 1)\">timeline action</text>",
            "</g>",
        ]
    }
}
