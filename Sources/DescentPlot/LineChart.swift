// LineChart: named series of (x, y) points, with optional markers and
// reference lines, on linear or log axes.

/// A data point of a line series.
public struct PlotPoint: Sendable, Hashable {
    /// The x value.
    public var x: Double
    /// The y value.
    public var y: Double

    /// The point (x, y).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A named sequence of points joined by a line.
///
/// Points are joined in the order given. A point that cannot be drawn — a
/// non-finite coordinate, or a value ≤ 0 on a log axis — is skipped and breaks
/// the line there (no segment is drawn across it); a point left alone between
/// two such gaps is drawn as a dot.
public struct LineSeries: Sendable, Hashable {
    /// The legend label; an empty name leaves the series out of the legend.
    public var name: String
    /// The points, joined in order.
    public var points: [PlotPoint]
    /// The colour; `nil` takes the series' place in ``PlotColor/colorBlindSafe``.
    public var color: PlotColor?
    /// Solid, dashed or dotted.
    public var lineStyle: LineStyle
    /// The marker drawn at every drawable point, or `nil` for none.
    public var marker: MarkerShape?

    /// A series from points.
    /// - Parameters:
    ///   - name: the legend label; empty for none.
    ///   - points: the data, joined in order.
    ///   - color: `nil` (default) picks the next palette colour.
    ///   - lineStyle: ``LineStyle/solid`` by default.
    ///   - marker: `nil` (default) for no markers.
    public init(
        name: String, points: [PlotPoint], color: PlotColor? = nil, lineStyle: LineStyle = .solid, marker: MarkerShape? = nil
    ) {
        self.name = name
        self.points = points
        self.color = color
        self.lineStyle = lineStyle
        self.marker = marker
    }

    /// A series from matching arrays of x and y values.
    /// - Precondition: `x.count == y.count`.
    public init(
        name: String, x: [Double], y: [Double], color: PlotColor? = nil, lineStyle: LineStyle = .solid, marker: MarkerShape? = nil
    ) {
        precondition(x.count == y.count, "LineSeries '\(name)': \(x.count) x values but \(y.count) y values")
        self.init(
            name: name, points: zip(x, y).map { PlotPoint(x: $0, y: $1) }, color: color, lineStyle: lineStyle, marker: marker)
    }
}

/// A straight line drawn for comparison: a constant, or a slope.
public struct ReferenceLine: Sendable, Hashable {
    /// What the line is.
    public enum Kind: Sendable, Hashable {
        /// y = value, across the plot.
        case horizontal(y: Double)
        /// x = value, across the plot.
        case vertical(x: Double)
        /// The straight line through `point` with `slope` in the *displayed*
        /// coordinates: on log–log axes y ∝ x^slope, on a log y axis over a
        /// linear x axis y ∝ 10^(slope·x), on linear axes an ordinary line.
        case slope(Double, through: PlotPoint)
    }

    /// The line.
    public var kind: Kind
    /// Written at the line's right (or top) end; empty for none.
    public var label: String
    /// Grey by default.
    public var color: PlotColor
    /// Dashed by default; ``LineStyle/none`` hides the line and its label.
    public var lineStyle: LineStyle

    /// A reference line. Lines do not widen the axis ranges; a line outside them
    /// (or with a non-finite value) is not drawn.
    public init(_ kind: Kind, label: String = "", color: PlotColor = .gray, lineStyle: LineStyle = .dashed) {
        self.kind = kind
        self.label = label
        self.color = color
        self.lineStyle = lineStyle
    }

    /// The line y = `y`.
    public static func horizontal(at y: Double, label: String = "") -> ReferenceLine {
        ReferenceLine(.horizontal(y: y), label: label)
    }
    /// The line x = `x`.
    public static func vertical(at x: Double, label: String = "") -> ReferenceLine {
        ReferenceLine(.vertical(x: x), label: label)
    }
    /// The line of `slope` (in displayed coordinates) through `point`; see ``Kind/slope(_:through:)``.
    public static func slope(_ slope: Double, through point: PlotPoint, label: String = "") -> ReferenceLine {
        ReferenceLine(.slope(slope, through: point), label: label)
    }
}

/// A line chart: several named series on one pair of axes, with a title, axis
/// labels, a legend and optional reference lines.
///
/// ```swift
/// let chart = LineChart(
///     title: "Cost", xAxis: Axis(label: "epoch"), yAxis: Axis(label: "cost", scale: .logarithmic),
///     series: [LineSeries(name: "quadratic", x: epochs, y: costs)])
/// try chart.write(to: "cost.svg")
/// ```
///
/// Each series is one `<path class="series">` element (none for a series drawn
/// with ``LineStyle/none``, markers only). Axis ranges fit the
/// drawable points of all series unless set. A chart with no drawable point is
/// still a valid document: empty axes with the note "No data to plot".
public struct LineChart: Figure, Hashable {
    /// The title above the plot; empty for none.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// The series, drawn in order (later ones on top).
    public var series: [LineSeries]
    /// Lines drawn under the series.
    public var referenceLines: [ReferenceLine]
    /// Where the legend goes; ``LegendPosition/automatic`` by default.
    public var legendPosition: LegendPosition
    /// Text under the plot (wrapped to its width); empty for none.
    public var note: String
    /// The document's width in pixels (at least 160).
    public var width: Double
    /// The document's height in pixels (at least 120).
    public var height: Double

    /// A line chart; every argument but the series has a default.
    public init(
        title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), series: [LineSeries] = [],
        referenceLines: [ReferenceLine] = [], legendPosition: LegendPosition = .automatic, note: String = "",
        width: Double = 720, height: Double = 440
    ) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.referenceLines = referenceLines
        self.legendPosition = legendPosition
        self.note = note
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let (w, h) = clampedSize(width, height)
        var svg = documentHeader(width: w, height: h, title: title)
        svg.panel(panelContent(), in: Rect(x: 0, y: 0, width: w, height: h), id: "chart")
        svg.close("svg")
        return svg.text
    }
}

// MARK: - Rendering

extension LineChart {
    /// The colour series `index` is drawn in.
    func color(ofSeries index: Int) -> PlotColor {
        series[index].color ?? PlotColor.colorBlindSafe[index % PlotColor.colorBlindSafe.count]
    }

    func panelContent() -> PanelContent {
        let resolvedX = ResolvedAxis(xAxis, extent: extent { $0.x })
        let resolvedY = ResolvedAxis(yAxis, extent: extent { $0.y })
        let hasData = series.contains { s in
            s.points.contains { resolvedX.display($0.x) != nil && resolvedY.display($0.y) != nil }
        }
        let legend = series.indices.filter { !series[$0].name.isEmpty }.map { index in
            LegendEntry(
                label: series[index].name, color: color(ofSeries: index), lineStyle: series[index].lineStyle,
                marker: series[index].marker)
        }
        return PanelContent(
            title: title, xAxis: resolvedX, yAxis: resolvedY, legend: legend, legendPosition: legendPosition, note: note,
            emptyMessage: hasData ? nil : "No data to plot",
            occupiedPoints: { area in
                series.indices.flatMap { index in
                    series[index].lineStyle == .none
                        ? polylines(of: index, in: area).flatMap { $0 } : polylines(of: index, in: area).flatMap { sampled($0) }
                }
            },
            drawData: { svg, area in draw(into: &svg, area: area) })
    }

    /// The smallest and largest drawable value of one coordinate over points whose other coordinate is drawable too.
    private func extent(_ coordinate: (PlotPoint) -> Double) -> (lower: Double, upper: Double)? {
        let xProbe = ResolvedAxis(Axis(scale: xAxis.scale), extent: nil),
            yProbe = ResolvedAxis(Axis(scale: yAxis.scale), extent: nil)
        var lower = Double.infinity, upper = -Double.infinity
        for s in series {
            for point in s.points where xProbe.display(point.x) != nil && yProbe.display(point.y) != nil {
                lower = min(lower, coordinate(point))
                upper = max(upper, coordinate(point))
            }
        }
        return lower <= upper ? (lower, upper) : nil
    }

    /// The drawn pieces of series `index`: runs of drawable points, clipped to the plot area (plus 2 px).
    func polylines(of index: Int, in area: PlotArea) -> [[Point]] {
        let bounds = area.rect.insetBy(-2)
        var result: [[Point]] = []
        var run: [Point] = []
        func flush() {
            defer { run = [] }
            if run.count == 1 {
                if bounds.contains(run[0]) { result.append(run) }
                return
            }
            var current: [Point] = []
            for (a, b) in zip(run, run.dropFirst()) {
                guard let (start, end) = clipped(a, b, to: bounds) else { continue }
                if let last = current.last, last == start {
                    current.append(end)
                } else {
                    if !current.isEmpty { result.append(current) }
                    current = [start, end]
                }
            }
            if !current.isEmpty { result.append(current) }
        }
        for point in series[index].points {
            if let pixel = area.pixel(x: point.x, y: point.y) {
                run.append(pixel)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    private func draw(into svg: inout SVGBuilder, area: PlotArea) {
        for line in referenceLines { drawReference(line, into: &svg, area: area) }
        for index in series.indices {
            let s = series[index]
            let colour = color(ofSeries: index).description
            let pieces = polylines(of: index, in: area)
            if !pieces.isEmpty && s.lineStyle != .none {
                var attributes = [
                    ("class", "series"), ("data-name", s.name), ("d", pathData(pieces)), ("fill", "none"), ("stroke", colour),
                    ("stroke-width", "2"), ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
                ]
                if let dashes = s.lineStyle.dashArray { attributes.append(("stroke-dasharray", dashes)) }
                svg.element("path", attributes)
            }
            if let marker = s.marker {
                svg.open("g", [("class", "markers"), ("data-name", s.name)])
                for point in s.points {
                    guard let pixel = area.pixel(x: point.x, y: point.y), area.rect.contains(pixel, tolerance: 0.5) else {
                        continue
                    }
                    svg.marker(marker, x: pixel.x, y: pixel.y, color: color(ofSeries: index))
                }
                svg.close("g")
            }
        }
    }

    private func drawReference(_ line: ReferenceLine, into svg: inout SVGBuilder, area: PlotArea) {
        let plot = area.rect
        let x = area.xAxis, y = area.yAxis
        var ends: (Point, Point)? = nil
        var anchorAtTop = false
        switch line.kind {
        case .horizontal(let value):
            if let d = y.display(value), y.contains(value) {
                let py = area.pixelY(display: d)
                ends = (Point(x: plot.x, y: py), Point(x: plot.maxX, y: py))
            }
        case .vertical(let value):
            if let d = x.display(value), x.contains(value) {
                let px = area.pixelX(display: d)
                ends = (Point(x: px, y: plot.maxY), Point(x: px, y: plot.y))
                anchorAtTop = true
            }
        case .slope(let slope, let point):
            if slope.isFinite, let px = x.display(point.x), let py = y.display(point.y) {
                let a = Point(x: plot.x, y: area.pixelY(display: py + slope * (x.displayLower - px)))
                let b = Point(x: plot.maxX, y: area.pixelY(display: py + slope * (x.displayUpper - px)))
                ends = clipped(a, b, to: plot)
            }
        }
        guard let (start, end) = ends, line.lineStyle != .none else { return }
        var attributes = [
            ("class", "reference"), ("x1", coordinate(start.x)), ("y1", coordinate(start.y)), ("x2", coordinate(end.x)),
            ("y2", coordinate(end.y)), ("stroke", line.color.description), ("stroke-width", "1.3"),
        ]
        if let dashes = line.lineStyle.dashArray { attributes.append(("stroke-dasharray", dashes)) }
        svg.element("line", attributes)
        guard !line.label.isEmpty else { return }
        let labelAttributes: [(String, String)] =
            anchorAtTop
            ? [("x", coordinate(end.x + 4)), ("y", coordinate(end.y + 12)), ("text-anchor", "start")]
            : [
                ("x", coordinate(end.x - 4)), ("y", coordinate(min(max(end.y - 5, plot.y + 12), plot.maxY - 4))),
                ("text-anchor", "end"),
            ]
        svg.element(
            "text", [("class", "reference-label")] + labelAttributes + [("font-size", "11"), ("fill", line.color.description)],
            text: line.label)
    }
}
