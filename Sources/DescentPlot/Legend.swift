// Legends: where they go, and how an entry is drawn.

/// Where a chart draws its legend.
public enum LegendPosition: Sendable, Hashable {
    /// Inside the plot, in the first corner (top right, top left, bottom right,
    /// bottom left) where it covers no data; outside on the right when every
    /// corner would cover some.
    case automatic
    /// Inside the plot, top left.
    case topLeft
    /// Inside the plot, top right.
    case topRight
    /// Inside the plot, bottom left.
    case bottomLeft
    /// Inside the plot, bottom right.
    case bottomRight
    /// Beside the plot, on the right; the plot gets narrower.
    case outsideRight
    /// No legend.
    case hidden
}

/// A plotting style: lines, or the dashes of a line.
public enum LineStyle: Sendable, Hashable {
    /// An unbroken line.
    case solid
    /// Dashes (6 px on, 4 px off).
    case dashed
    /// Dots.
    case dotted
    /// No line: only the markers are drawn (a scatter plot). A series with this
    /// style writes no `<path class="series">`.
    case none

    /// The SVG `stroke-dasharray`, or `nil` for a solid line.
    var dashArray: String? {
        switch self {
        case .solid: nil
        case .dashed: "6 4"
        case .dotted: "1 4"
        case .none: nil
        }
    }
}

/// The shape drawn at each data point of a series.
public enum MarkerShape: Sendable, Hashable {
    /// A filled circle.
    case circle
    /// A filled square.
    case square
    /// A filled triangle, point up.
    case triangle
    /// A filled diamond.
    case diamond
}

/// One line of a legend.
struct LegendEntry {
    var label: String
    var color: PlotColor
    var lineStyle: LineStyle
    var marker: MarkerShape?
    /// A filled box (a histogram) instead of a line sample.
    var isArea = false
}

// MARK: - Drawing

/// Sizes shared by every legend.
enum LegendMetrics {
    static let fontSize = 11.0
    static let rowHeight = 16.0
    static let padding = 7.0
    static let swatchWidth = 26.0
    static let gap = 6.0

    /// The size of a vertical legend box holding `entries`.
    static func size(of entries: [LegendEntry]) -> (width: Double, height: Double) {
        let text = entries.map { estimatedTextWidth($0.label, fontSize: fontSize) }.max() ?? 0
        return (2 * padding + swatchWidth + gap + text, 2 * padding + Double(entries.count) * rowHeight - 4)
    }
}

extension SVGBuilder {
    /// A vertical legend box with its top-left corner at (x, y).
    mutating func legendBox(_ entries: [LegendEntry], x: Double, y: Double) {
        let size = LegendMetrics.size(of: entries)
        open("g", [("class", "legend")])
        element(
            "rect",
            [
                ("x", coordinate(x)), ("y", coordinate(y)), ("width", coordinate(size.width)),
                ("height", coordinate(size.height)),
                ("fill", "white"), ("fill-opacity", "0.9"), ("stroke", "#BBBBBB"), ("rx", "3"),
            ])
        for (row, entry) in entries.enumerated() {
            let centre = y + LegendMetrics.padding + (Double(row) + 0.5) * LegendMetrics.rowHeight - 2
            legendEntry(entry, x: x + LegendMetrics.padding, centreY: centre)
        }
        close("g")
    }

    /// One legend entry: a swatch starting at x and its label, centred on `centreY`.
    mutating func legendEntry(_ entry: LegendEntry, x: Double, centreY: Double) {
        let swatchEnd = x + LegendMetrics.swatchWidth
        if entry.isArea {
            element(
                "rect",
                [
                    ("x", coordinate(x + 4)), ("y", coordinate(centreY - 5)),
                    ("width", coordinate(LegendMetrics.swatchWidth - 8)),
                    ("height", "10"), ("fill", entry.color.description), ("fill-opacity", "0.3"),
                    ("stroke", entry.color.description), ("stroke-width", "1.5"),
                ])
        } else {
            var attributes = [
                ("x1", coordinate(x)), ("x2", coordinate(swatchEnd)), ("y1", coordinate(centreY)), ("y2", coordinate(centreY)),
                ("stroke", entry.color.description), ("stroke-width", "2"), ("stroke-linecap", "round"),
            ]
            if let dashes = entry.lineStyle.dashArray { attributes.append(("stroke-dasharray", dashes)) }
            if entry.lineStyle != .none { element("line", attributes) }
            if let marker = entry.marker {
                self.marker(marker, x: (x + swatchEnd) / 2, y: centreY, color: entry.color, className: "legend-marker")
            }
        }
        element(
            "text",
            [
                ("x", coordinate(swatchEnd + LegendMetrics.gap)), ("y", coordinate(centreY)), ("dy", "0.35em"),
                ("font-size", coordinate(LegendMetrics.fontSize)),
            ], text: entry.label)
    }

    /// A marker of `shape` centred on (x, y).
    mutating func marker(_ shape: MarkerShape, x: Double, y: Double, color: PlotColor, className: String = "marker") {
        let fill = color.description
        switch shape {
        case .circle:
            element("circle", [("class", className), ("cx", coordinate(x)), ("cy", coordinate(y)), ("r", "3.5"), ("fill", fill)])
        case .square:
            element(
                "rect",
                [
                    ("class", className), ("x", coordinate(x - 3.2)), ("y", coordinate(y - 3.2)), ("width", "6.4"),
                    ("height", "6.4"),
                    ("fill", fill),
                ])
        case .triangle:
            let points = [(x, y - 4.3), (x - 4, y + 2.8), (x + 4, y + 2.8)]
            element("polygon", [("class", className), ("points", pointList(points)), ("fill", fill)])
        case .diamond:
            let points = [(x, y - 4.5), (x + 4.5, y), (x, y + 4.5), (x - 4.5, y)]
            element("polygon", [("class", className), ("points", pointList(points)), ("fill", fill)])
        }
    }

    private func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(coordinate($0.0)),\(coordinate($0.1))" }.joined(separator: " ")
    }
}

/// An estimate of the width of `text` in a sans-serif font of `fontSize` pixels
/// (0.6 em a character: DejaVu Sans's digits and lower case average about that).
func estimatedTextWidth(_ text: String, fontSize: Double) -> Double {
    Double(text.count) * fontSize * 0.6
}
