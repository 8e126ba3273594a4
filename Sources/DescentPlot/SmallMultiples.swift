// SmallMultiples: a grid of charts in one document, e.g. one panel per layer.

/// One panel of a ``SmallMultiples`` grid.
public enum ChartPanel: Sendable, Hashable {
    /// A line chart (its width and height are replaced by the grid's panel size).
    case line(LineChart)
    /// A histogram chart (its width and height are replaced by the grid's panel size).
    case histogram(HistogramChart)

    func content() -> PanelContent {
        switch self {
        case .line(let chart): chart.panelContent()
        case .histogram(let chart): chart.panelContent()
        }
    }
}

/// A grid of panels, filled row by row, with an overall title, an optional
/// shared legend and a note.
///
/// Every panel keeps its own title, axes, ranges and legend, unless
/// ``sharesLegend`` is set: then one legend, built from the first panel's
/// entries, is drawn under the title and the panels draw none. No panels give
/// a valid document with the note "No panels to show".
public struct SmallMultiples: Figure, Hashable {
    /// The title above the grid; empty for none.
    public var title: String
    /// The panels, filled row by row.
    public var panels: [ChartPanel]
    /// Panels per row, ≥ 1 (values below 1 count as 1).
    public var columns: Int
    /// The width of each panel in pixels (at least 160).
    public var panelWidth: Double
    /// The height of each panel in pixels (at least 120).
    public var panelHeight: Double
    /// Whether one legend (the first panel's entries) replaces the panels' own.
    public var sharesLegend: Bool
    /// Text under the grid (wrapped to its width); empty for none.
    public var note: String

    /// A grid of panels.
    /// - Parameters:
    ///   - title: the overall title; empty for none.
    ///   - panels: the panels, row by row.
    ///   - columns: panels per row (default 2).
    ///   - panelWidth: each panel's width (default 380).
    ///   - panelHeight: each panel's height (default 300).
    ///   - sharesLegend: one legend for all panels (default `false`).
    ///   - note: text under the grid.
    public init(
        title: String = "", panels: [ChartPanel], columns: Int = 2, panelWidth: Double = 380, panelHeight: Double = 300,
        sharesLegend: Bool = false, note: String = ""
    ) {
        self.title = title
        self.panels = panels
        self.columns = columns
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
        self.sharesLegend = sharesLegend
        self.note = note
    }

    public func svg() -> String {
        let (cellWidth, cellHeight) = clampedSize(panelWidth, panelHeight)
        let perRow = min(max(columns, 1), max(panels.count, 1))
        let rows = max((panels.count + perRow - 1) / perRow, 1)
        let width = Double(perRow) * cellWidth
        var contents = panels.map { $0.content() }
        let legend = sharesLegend ? (contents.first?.legend ?? []) : []
        if sharesLegend {
            for index in contents.indices { contents[index].legendPosition = .hidden }
        }
        let titleHeight = title.isEmpty ? 0.0 : 34
        let legendRows = Self.legendRows(legend, width: width - 20)
        let legendHeight = legendRows.isEmpty ? 0 : Double(legendRows.count) * 18 + 8
        let noteLines = wrapped(panels.isEmpty ? "No panels to show" : note, width: width - 24, fontSize: 12)
        let gridTop = titleHeight + legendHeight
        let height = gridTop + Double(rows) * cellHeight + (noteLines.isEmpty ? 0 : Double(noteLines.count) * 16 + 10)

        var svg = documentHeader(width: width, height: height, title: title)
        if !title.isEmpty {
            svg.element(
                "text",
                [
                    ("class", "title"), ("x", coordinate(width / 2)), ("y", "23"), ("text-anchor", "middle"), ("font-size", "16"),
                    ("font-weight", "bold"),
                ],
                text: title)
        }
        if !legendRows.isEmpty {
            svg.open("g", [("class", "legend")])
            for (row, entries) in legendRows.enumerated() {
                let rowWidth = entries.map { Self.entryWidth($0) }.reduce(0, +)
                var x = (width - rowWidth) / 2
                for entry in entries {
                    svg.legendEntry(entry, x: x, centreY: titleHeight + 12 + Double(row) * 18)
                    x += Self.entryWidth(entry)
                }
            }
            svg.close("g")
        }
        for (index, content) in contents.enumerated() {
            let frame = Rect(
                x: Double(index % perRow) * cellWidth, y: gridTop + Double(index / perRow) * cellHeight, width: cellWidth,
                height: cellHeight)
            svg.panel(content, in: frame, id: "panel\(index)")
        }
        for (index, line) in noteLines.enumerated() {
            svg.element(
                "text",
                [
                    ("class", "note"), ("x", "12"),
                    ("y", coordinate(gridTop + Double(rows) * cellHeight + Double(index + 1) * 16)),
                    ("font-size", "12"), ("fill", "#555555"),
                ], text: line)
        }
        svg.close("svg")
        return svg.text
    }

    /// The width a legend entry takes in a horizontal legend, gap included.
    private static func entryWidth(_ entry: LegendEntry) -> Double {
        LegendMetrics.swatchWidth + LegendMetrics.gap + estimatedTextWidth(entry.label, fontSize: LegendMetrics.fontSize) + 8
    }

    /// Entries broken into rows no wider than `width`.
    private static func legendRows(_ entries: [LegendEntry], width: Double) -> [[LegendEntry]] {
        var rows: [[LegendEntry]] = []
        var row: [LegendEntry] = [], used = 0.0
        for entry in entries {
            let w = entryWidth(entry)
            if !row.isEmpty && used + w > width {
                rows.append(row)
                (row, used) = ([], 0)
            }
            row.append(entry)
            used += w
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }
}
