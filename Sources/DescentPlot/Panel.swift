// Panel: the frame every chart is drawn in — plot area, grid, ticks, labels,
// title, legend and note (the geometry helpers are in Geometry.swift).
//
// Design note. A chart (line or histogram) reduces itself to a `PanelContent`:
// resolved axes, legend entries, and two closures, one listing the pixels its
// data covers (for placing the legend) and one drawing the data. The panel
// does the layout: margins from the widths of the tick labels, as many ticks
// as fit without their labels touching, and the legend in a corner it does
// not cover data in.

/// The plot area of a panel and the mapping from data to its pixels.
struct PlotArea {
    let rect: Rect
    let xAxis: ResolvedAxis
    let yAxis: ResolvedAxis

    func pixelX(display: Double) -> Double { rect.x + xAxis.fraction(ofDisplay: display) * rect.width }
    func pixelY(display: Double) -> Double { rect.maxY - yAxis.fraction(ofDisplay: display) * rect.height }

    /// The pixel of the data point (x, y), or `nil` when either cannot be drawn on its axis.
    func pixel(x: Double, y: Double) -> Point? {
        guard let dx = xAxis.display(x), let dy = yAxis.display(y) else { return nil }
        return Point(x: pixelX(display: dx), y: pixelY(display: dy))
    }
}

/// What a chart hands the panel to draw.
struct PanelContent {
    var title: String
    var xAxis: ResolvedAxis
    var yAxis: ResolvedAxis
    var legend: [LegendEntry]
    var legendPosition: LegendPosition
    var note: String
    /// Written in the middle of the plot area when there is nothing to draw.
    var emptyMessage: String?
    /// Pixels covered by data, for the automatic legend placement.
    var occupiedPoints: (PlotArea) -> [Point]
    /// Draws the data; the panel clips it to the plot area.
    var drawData: (inout SVGBuilder, PlotArea) -> Void
}

enum PanelMetrics {
    static let titleFontSize = 14.0
    static let titleLineHeight = 18.0
    static let labelFontSize = 12.0
    static let tickFontSize = 11.0
    static let noteFontSize = 11.0
    static let noteLineHeight = 14.0
}

// MARK: - Layout and drawing

extension SVGBuilder {
    /// Draws `content` inside `frame`; `id` makes the clip path's id unique in the document.
    mutating func panel(_ content: PanelContent, in frame: Rect, id: String) {
        var position = content.legendPosition
        if content.legend.isEmpty { position = .hidden }
        var layout = PanelLayout(content, frame: frame, legendOutside: position == .outsideRight)
        var legendCorner: Rect? = nil
        if position == .automatic {
            let occupied = content.occupiedPoints(layout.area)
            if let corner = layout.freeCorner(for: content.legend, avoiding: occupied) {
                legendCorner = corner
            } else {
                // Outside, unless that would squeeze the plot to under 60% of its width;
                // then the corner that covers the least data.
                let outside = PanelLayout(content, frame: frame, legendOutside: true)
                if outside.area.rect.width >= 0.6 * layout.area.rect.width {
                    position = .outsideRight
                    layout = outside
                } else {
                    legendCorner = layout.leastCoveredCorner(for: content.legend, avoiding: occupied)
                }
            }
        } else if position != .hidden && position != .outsideRight {
            legendCorner = layout.corner(position, for: content.legend)
        }
        draw(content, layout, id: id)
        if let legendCorner {
            legendBox(content.legend, x: legendCorner.x, y: legendCorner.y)
        } else if position == .outsideRight {
            legendBox(content.legend, x: layout.area.rect.maxX + 12, y: layout.area.rect.y)
        }
        close("g")
    }

    private mutating func draw(_ content: PanelContent, _ layout: PanelLayout, id: String) {
        let area = layout.area
        let plot = area.rect
        open("g", [("class", "panel")])
        element(
            "rect",
            [
                ("x", coordinate(plot.x)), ("y", coordinate(plot.y)), ("width", coordinate(plot.width)),
                ("height", coordinate(plot.height)), ("fill", "white"),
            ])
        // Grid lines at the major ticks.
        open("g", [("class", "grid"), ("stroke", "#E4E4E4"), ("stroke-width", "1")])
        for tick in layout.xTicks.major {
            if let d = area.xAxis.display(tick.value) {
                let x = area.pixelX(display: d)
                element(
                    "line",
                    [("x1", coordinate(x)), ("x2", coordinate(x)), ("y1", coordinate(plot.y)), ("y2", coordinate(plot.maxY))])
            }
        }
        for tick in layout.yTicks.major {
            if let d = area.yAxis.display(tick.value) {
                let y = area.pixelY(display: d)
                element(
                    "line",
                    [("x1", coordinate(plot.x)), ("x2", coordinate(plot.maxX)), ("y1", coordinate(y)), ("y2", coordinate(y))])
            }
        }
        close("g")
        // The data, clipped to the plot area.
        let clip = "\(id)-clip"
        open("clipPath", [("id", clip)])
        element(
            "rect",
            [
                ("x", coordinate(plot.x)), ("y", coordinate(plot.y)), ("width", coordinate(plot.width)),
                ("height", coordinate(plot.height)),
            ])
        close("clipPath")
        open("g", [("class", "data"), ("clip-path", "url(#\(clip))")])
        content.drawData(&self, area)
        close("g")
        element(
            "rect",
            [
                ("x", coordinate(plot.x)), ("y", coordinate(plot.y)), ("width", coordinate(plot.width)),
                ("height", coordinate(plot.height)),
                ("fill", "none"), ("stroke", "#444444"),
            ])
        drawTicks(layout)
        // Titles, labels, note and empty message.
        for (index, line) in layout.titleLines.enumerated() {
            element(
                "text",
                [
                    ("class", "title"), ("x", coordinate(plot.x + plot.width / 2)),
                    ("y", coordinate(layout.frame.y + 19 + Double(index) * PanelMetrics.titleLineHeight)),
                    ("text-anchor", "middle"),
                    ("font-size", coordinate(PanelMetrics.titleFontSize)), ("font-weight", "bold"),
                ], text: line)
        }
        if !content.xAxis.axis.label.isEmpty {
            element(
                "text",
                [
                    ("class", "axis-label"), ("x", coordinate(plot.x + plot.width / 2)), ("y", coordinate(plot.maxY + 36)),
                    ("text-anchor", "middle"), ("font-size", coordinate(PanelMetrics.labelFontSize)),
                ], text: content.xAxis.axis.label)
        }
        if !content.yAxis.axis.label.isEmpty {
            let x = layout.frame.x + 16, y = plot.y + plot.height / 2
            element(
                "text",
                [
                    ("class", "axis-label"), ("x", coordinate(x)), ("y", coordinate(y)), ("text-anchor", "middle"),
                    ("transform", "rotate(-90 \(coordinate(x)) \(coordinate(y)))"),
                    ("font-size", coordinate(PanelMetrics.labelFontSize)),
                ], text: content.yAxis.axis.label)
        }
        for (index, line) in layout.noteLines.enumerated() {
            element(
                "text",
                [
                    ("class", "note"), ("x", coordinate(layout.frame.x + 10)),
                    ("y", coordinate(layout.noteTop + Double(index + 1) * PanelMetrics.noteLineHeight - 3)),
                    ("font-size", coordinate(PanelMetrics.noteFontSize)), ("fill", "#555555"),
                ], text: line)
        }
        if let message = content.emptyMessage {
            element(
                "text",
                [
                    ("class", "empty"), ("x", coordinate(plot.x + plot.width / 2)), ("y", coordinate(plot.y + plot.height / 2)),
                    ("text-anchor", "middle"), ("font-size", "13"), ("fill", "#666666"),
                ], text: message)
        }
    }

    private mutating func drawTicks(_ layout: PanelLayout) {
        let area = layout.area, plot = area.rect
        open("g", [("class", "ticks"), ("stroke", "#444444")])
        for (ticks, isX) in [(layout.xTicks, true), (layout.yTicks, false)] {
            let axis = isX ? area.xAxis : area.yAxis
            let marks = ticks.major.map { ($0.value, 5.0) } + ticks.minor.map { ($0, 3.0) }
            for (value, length) in marks {
                guard let d = axis.display(value) else { continue }
                if isX {
                    let x = area.pixelX(display: d)
                    element(
                        "line",
                        [
                            ("x1", coordinate(x)), ("x2", coordinate(x)), ("y1", coordinate(plot.maxY)),
                            ("y2", coordinate(plot.maxY + length)),
                        ])
                } else {
                    let y = area.pixelY(display: d)
                    element(
                        "line",
                        [
                            ("x1", coordinate(plot.x - length)), ("x2", coordinate(plot.x)), ("y1", coordinate(y)),
                            ("y2", coordinate(y)),
                        ])
                }
            }
        }
        close("g")
        open("g", [("class", "tick-labels"), ("font-size", coordinate(PanelMetrics.tickFontSize)), ("fill", "#222222")])
        for tick in layout.xTicks.major {
            guard let d = area.xAxis.display(tick.value) else { continue }
            element(
                "text",
                [("x", coordinate(area.pixelX(display: d))), ("y", coordinate(plot.maxY + 18)), ("text-anchor", "middle")],
                text: tick.label)
        }
        for tick in layout.yTicks.major {
            guard let d = area.yAxis.display(tick.value) else { continue }
            element(
                "text",
                [
                    ("x", coordinate(plot.x - 8)), ("y", coordinate(area.pixelY(display: d))), ("dy", "0.35em"),
                    ("text-anchor", "end"),
                ],
                text: tick.label)
        }
        close("g")
    }
}

/// Margins, plot area and ticks of one panel.
struct PanelLayout {
    let frame: Rect
    let area: PlotArea
    let xTicks: AxisTicks
    let yTicks: AxisTicks
    let titleLines: [String]
    let noteLines: [String]
    let noteTop: Double

    init(_ content: PanelContent, frame: Rect, legendOutside: Bool) {
        self.frame = frame
        noteLines = wrapped(content.note, width: frame.width - 20, fontSize: PanelMetrics.noteFontSize)
        // Bold text runs about 10% wider than the estimate for regular text.
        titleLines = wrapped(content.title, width: (frame.width - 24) / 1.1, fontSize: PanelMetrics.titleFontSize)
        let top = frame.y + (titleLines.isEmpty ? 12 : 12 + PanelMetrics.titleLineHeight * Double(titleLines.count))
        let noteHeight = noteLines.isEmpty ? 0 : Double(noteLines.count) * PanelMetrics.noteLineHeight + 4
        let bottom = frame.maxY - 8 - 18 - (content.xAxis.axis.label.isEmpty ? 0 : 22) - noteHeight
        noteTop = bottom + 24 + (content.xAxis.axis.label.isEmpty ? 0 : 20)
        let height = max(bottom - top, 20)
        let yTicks = content.yAxis.ticks(maximumCount: max(2, Int(height / 36)))
        let labelWidth = yTicks.major.map { estimatedTextWidth($0.label, fontSize: PanelMetrics.tickFontSize) }.max() ?? 0
        let left = frame.x + 8 + (content.yAxis.axis.label.isEmpty ? 0 : 20) + labelWidth + 8
        let legendWidth = legendOutside ? LegendMetrics.size(of: content.legend).width + 20 : 0
        var right = frame.maxX - 14 - legendWidth
        var xTicks = AxisTicks(major: [], minor: [])
        for _ in 0..<2 {  // a second pass when the last label sticks out of the frame
            xTicks = Self.xTicks(content.xAxis, width: max(right - left, 20))
            guard let last = xTicks.major.last, let d = content.xAxis.display(last.value) else { break }
            let x = left + content.xAxis.fraction(ofDisplay: d) * (right - left)
            let overhang =
                x + estimatedTextWidth(last.label, fontSize: PanelMetrics.tickFontSize) / 2 - (frame.maxX - 4 - legendWidth)
            if overhang <= 0 { break }
            right -= overhang
        }
        self.xTicks = xTicks
        self.yTicks = yTicks
        area = PlotArea(
            rect: Rect(x: left, y: top, width: max(right - left, 20), height: height), xAxis: content.xAxis, yAxis: content.yAxis)
    }

    /// As many x ticks as fit with 10 px between neighbouring labels.
    private static func xTicks(_ axis: ResolvedAxis, width: Double) -> AxisTicks {
        var count = max(2, Int(width / 50))
        while true {
            let ticks = axis.ticks(maximumCount: count)
            let positions = ticks.major.compactMap { tick in
                axis.display(tick.value).map {
                    (axis.fraction(ofDisplay: $0) * width, estimatedTextWidth(tick.label, fontSize: PanelMetrics.tickFontSize))
                }
            }
            let fits = zip(positions, positions.dropFirst()).allSatisfy { a, b in b.0 - a.0 >= (a.1 + b.1) / 2 + 10 }
            if fits || count <= 2 { return ticks }
            count -= 1
        }
    }

    /// The legend's rectangle in one of the four inside corners.
    func corner(_ position: LegendPosition, for entries: [LegendEntry]) -> Rect {
        let size = LegendMetrics.size(of: entries)
        let plot = area.rect, inset = 6.0
        let left = position == .topLeft || position == .bottomLeft
        let top = position == .topLeft || position == .topRight
        return Rect(
            x: left ? plot.x + inset : plot.maxX - inset - size.width, y: top ? plot.y + inset : plot.maxY - inset - size.height,
            width: size.width, height: size.height)
    }

    /// The inside corner where the legend covers the fewest of `occupied` (the first of equals).
    func leastCoveredCorner(for entries: [LegendEntry], avoiding occupied: [Point]) -> Rect {
        let boxes = [LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft].map { corner($0, for: entries) }
        let covered = boxes.map { box in occupied.reduce(0) { $0 + (box.contains($1, tolerance: 3) ? 1 : 0) } }
        return boxes[covered.indices.min { covered[$0] < covered[$1] } ?? 0]
    }

    /// The first inside corner (top right, top left, bottom right, bottom left)
    /// where the legend covers none of `occupied`, or `nil`.
    func freeCorner(for entries: [LegendEntry], avoiding occupied: [Point]) -> Rect? {
        let plot = area.rect
        for position in [LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft] {
            let box = corner(position, for: entries)
            guard box.width <= plot.width - 12 && box.height <= plot.height - 12 else { return nil }
            if !occupied.contains(where: { box.contains($0, tolerance: 3) }) { return box }
        }
        return nil
    }
}
