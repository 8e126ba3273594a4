// Line charts: well-formed documents, one path per series, gaps at
// non-finite points, escaped text, empty charts, legends, reference lines.

import Foundation
import Testing

@testable import DescentPlot

@Suite("Line charts")
struct LineChartTests {
    static let epochs = (0...300).map(Double.init)

    static func curves() -> LineChart {
        LineChart(
            title: "Cost of the sigmoid neuron", xAxis: Axis(label: "epoch"), yAxis: Axis(label: "cost", scale: .logarithmic),
            series: [
                LineSeries(name: "quadratic", x: epochs, y: epochs.map { 0.5 / (1 + $0 / 30) }),
                LineSeries(name: "cross-entropy", x: epochs, y: epochs.map { 4 * exp(-$0 / 40) }, lineStyle: .dashed),
                LineSeries(name: "theory", x: [0, 100, 200, 300], y: [1, 0.1, 0.01, 0.001], marker: .circle),
            ],
            referenceLines: [.horizontal(at: 0.1, label: "10%")], note: "A note under the plot.")
    }

    @Test("The document parses as XML and has one series path per series, in the series' colours")
    func wellFormedWithOnePathPerSeries() throws {
        let document = try SVGDocument(Self.curves().svg())
        let paths = document.elements(named: "path", class: "series")
        #expect(paths.map { $0.attributes["data-name"] } == ["quadratic", "cross-entropy", "theory"])
        #expect(paths.map { $0.attributes["stroke"] } == ["#0072B2", "#D55E00", "#009E73"])
        #expect(paths[1].attributes["stroke-dasharray"] == "6 4")
        #expect(paths.allSatisfy { subpaths($0.attributes["d"] ?? "").count == 1 })
        #expect(document.elements(named: "circle", class: "marker").count == 4)
        #expect(document.elements(named: "line", class: "reference").count == 1)
        let texts = document.texts
        for text in [
            "Cost of the sigmoid neuron", "epoch", "cost", "quadratic", "cross-entropy", "theory", "10%",
            "A note under the plot.",
        ] {
            #expect(texts.contains(text), "missing text \(text)")
        }
        #expect(document.elements.first?.name == "svg")
        #expect(document.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    }

    @Test("Non-finite points, and y ≤ 0 on a log axis, are skipped and break the line")
    func nonFinitePointsAreSkipped() throws {
        let y: [Double] = [1, 2, .nan, 4, 5, .infinity, 7, -.infinity, 9, 10]
        for scale in [AxisScale.linear, .logarithmic] {
            let withZero: [Double] = scale == .logarithmic ? y.enumerated().map { $0.offset == 4 ? 0 : $0.element } : y
            let chart = LineChart(
                yAxis: Axis(scale: scale), series: [LineSeries(name: "gappy", x: (0..<10).map(Double.init), y: withZero)])
            let svg = chart.svg()
            let document = try SVGDocument(svg)
            let path = try #require(document.elements(named: "path", class: "series").first)
            let pieces = subpaths(path.attributes["d"] ?? "")
            // Linear: runs {0, 1}, {3, 4}, {6}, {8, 9}; log also drops index 4 (y = 0): {0, 1}, {3}, {6}, {8, 9}.
            #expect(pieces.map(\.count) == (scale == .linear ? [2, 2, 1, 2] : [2, 1, 1, 2]))
            #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
            // The y range comes from the finite values only (1 … 10).
            let labels = document.elements(named: "text").filter { $0.attributes["text-anchor"] == "end" }.map(\.text)
            #expect(labels == (scale == .linear ? (1...10).map { String($0) } : ["1", "2", "5", "10"]))
        }
    }

    @Test("Text is escaped: markup, quotes, ampersands and control characters survive as text")
    func textIsEscaped() throws {
        let hostile = "<b>\"Tom\" & 'Jerry'</b> ]]> \u{1}"
        let chart = LineChart(
            title: hostile, xAxis: Axis(label: "x < 1 & y > 2"), series: [LineSeries(name: "a\"b<c>&d", x: [0, 1], y: [0, 1])],
            note: "5 < 6")
        let document = try SVGDocument(chart.svg())
        let texts = document.texts
        #expect(texts.contains("<b>\"Tom\" & 'Jerry'</b> ]]> \u{FFFD}"))
        #expect(texts.contains("x < 1 & y > 2") && texts.contains("a\"b<c>&d") && texts.contains("5 < 6"))
        #expect(document.elements(named: "path", class: "series").first?.attributes["data-name"] == "a\"b<c>&d")
        #expect(document.elements(named: "title").first?.text == "<b>\"Tom\" & 'Jerry'</b> ]]> \u{FFFD}")
    }

    @Test("A chart with no drawable point is a valid document with a note", arguments: [[], [Double.nan, .infinity]])
    func emptyChart(_ y: [Double]) throws {
        let chart = LineChart(title: "Nothing", series: y.isEmpty ? [] : [LineSeries(name: "broken", x: [0, 1], y: y)])
        let document = try SVGDocument(chart.svg())
        #expect(document.elements(named: "path", class: "series").isEmpty)
        #expect(document.texts.contains("No data to plot"))
        #expect(document.texts.contains("Nothing"))
    }

    @Test("Points outside a set range are clipped to the plot area, never written as huge coordinates")
    func setRangesClip() throws {
        let chart = LineChart(
            xAxis: Axis(range: 0...1), yAxis: Axis(range: 0...1),
            series: [LineSeries(name: "s", x: [0, 0.5, 1e30], y: [0, 0.5, 1e30])])
        let document = try SVGDocument(chart.svg())
        let background = try #require(document.elements(named: "rect").first { $0.attributes["fill"] == "none" })
        let (left, top) = (try #require(background.number("x")), try #require(background.number("y")))
        let (right, bottom) = (
            left + (try #require(background.number("width"))), top + (try #require(background.number("height")))
        )
        let points = subpaths(document.elements(named: "path", class: "series").first?.attributes["d"] ?? "").joined()
        #expect(points.count == 3)
        for (x, y) in points { #expect(x >= left - 2.01 && x <= right + 2.01 && y >= top - 2.01 && y <= bottom + 2.01) }
    }

    @Test("The automatic legend goes to a corner without data: top left for a rising line, top right for a falling one")
    func legendAvoidsData() throws {
        for rising in [true, false] {
            let x = (0...50).map(Double.init)
            let chart = LineChart(series: [LineSeries(name: "line", x: x, y: x.map { rising ? $0 : 50 - $0 })])
            let document = try SVGDocument(chart.svg())
            let frame = try #require(document.elements(named: "rect").first { $0.attributes["fill"] == "none" })
            let legendBox = try #require(document.elements(named: "rect").first { $0.attributes["fill-opacity"] == "0.9" })
            let middle = try #require(frame.number("x")) + (try #require(frame.number("width"))) / 2
            let legendLeft = try #require(legendBox.number("x"))
            #expect((legendLeft < middle) == rising)
            #expect(try #require(legendBox.number("y")) < (try #require(frame.number("y"))) + 10)
        }
    }

    @Test("When every corner holds data the legend moves outside, right of the plot")
    func legendOutsideWhenCrowded() throws {
        let x = (0...200).map { Double($0) / 200 }
        let zigzag = x.map { Double(Int($0 * 200) % 2) }  // fills the whole plot area
        let chart = LineChart(series: [LineSeries(name: "zigzag", x: x, y: zigzag)])
        let document = try SVGDocument(chart.svg())
        let frame = try #require(document.elements(named: "rect").first { $0.attributes["fill"] == "none" })
        let legendBox = try #require(document.elements(named: "rect").first { $0.attributes["fill-opacity"] == "0.9" })
        #expect(try #require(legendBox.number("x")) > (try #require(frame.number("x"))) + (try #require(frame.number("width"))))
    }

    @Test("A slope reference line on log–log axes runs through its point with the given power")
    func slopeReference() throws {
        let chart = LineChart(
            xAxis: Axis(scale: .logarithmic, range: 0.1...10), yAxis: Axis(scale: .logarithmic, range: 0.1...10),
            series: [LineSeries(name: "", x: [1], y: [1])],
            referenceLines: [.slope(-1, through: PlotPoint(x: 1, y: 1), label: "1/x")])
        let document = try SVGDocument(chart.svg())
        let frame = try #require(document.elements(named: "rect").first { $0.attributes["fill"] == "none" })
        let line = try #require(document.elements(named: "line", class: "reference").first)
        // y = 1/x from (0.1, 10) to (10, 0.1): the top-left and bottom-right corners.
        #expect(abs(try #require(line.number("x1")) - (try #require(frame.number("x")))) <= 0.01)
        #expect(abs(try #require(line.number("y1")) - (try #require(frame.number("y")))) <= 0.01)
        #expect(
            abs(try #require(line.number("y2")) - (try #require(frame.number("y"))) - (try #require(frame.number("height"))))
                <= 0.01)
        // An unnamed series has no legend.
        #expect(document.elements(named: "g", class: "legend").isEmpty)
    }
}
