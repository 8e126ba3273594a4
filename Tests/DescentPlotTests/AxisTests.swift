// Nice ticks and their labels on linear and logarithmic axes.

import Testing

@testable import DescentPlot

@Suite("Axis ticks")
struct AxisTests {
    @Test("A log axis from 1e−6 to 1 has a labelled tick at each decade and minor ticks at 2…9 × 10ᵏ")
    func logarithmicDecades() {
        let ticks = AxisScale.logarithmic.ticks(from: 1e-6, to: 1)
        #expect(ticks.major.map(\.value) == [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1])
        #expect(ticks.major.map(\.label) == ["1e\u{2212}6", "1e\u{2212}5", "1e\u{2212}4", "0.001", "0.01", "0.1", "1"])
        #expect(ticks.minor.count == 6 * 8)
        #expect(ticks.minor.first == 2e-6 && ticks.minor.last == 0.9)
    }

    @Test("A log axis over many decades labels every 2nd, 5th, 10th … decade")
    func logarithmicWideRange() {
        let forty = AxisScale.logarithmic.ticks(from: 1e-20, to: 1e20, maximumCount: 8)
        #expect(forty.major.map(\.value) == [1e-20, 1e-10, 1, 1e10, 1e20])
        #expect(forty.major.map(\.label) == ["1e\u{2212}20", "1e\u{2212}10", "1", "1e10", "1e20"])
        #expect(forty.minor.count == 36)  // the unlabelled decades
        let twelve = AxisScale.logarithmic.ticks(from: 1e-10, to: 10, maximumCount: 8)
        #expect(twelve.major.map(\.value) == [1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1])
    }

    @Test("A log axis holding two powers of ten also labels 2 × 10ᵏ and 5 × 10ᵏ")
    func logarithmicTwoDecades() {
        let ticks = AxisScale.logarithmic.ticks(from: 0.013, to: 1.2)
        #expect(ticks.major.map(\.value) == [0.02, 0.05, 0.1, 0.2, 0.5, 1])
        #expect(ticks.major.map(\.label) == ["0.02", "0.05", "0.1", "0.2", "0.5", "1"])
        #expect(ticks.minor == [0.03, 0.04, 0.06, 0.07, 0.08, 0.09, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
        let large = AxisScale.logarithmic.ticks(from: 3e4, to: 2e6)
        #expect(large.major.map(\.label) == ["50000", "1e5", "2e5", "5e5", "1e6", "2e6"])
    }

    @Test("A log range inside one decade gets linear ticks")
    func logarithmicNarrowRange() {
        let ticks = AxisScale.logarithmic.ticks(from: 0.2, to: 0.9)
        #expect(ticks.major.map(\.value) == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        #expect(ticks.major.map(\.label) == ["0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
    }

    @Test(
        "Linear ticks are 1, 2 or 5 × 10ᵏ apart, at most the maximum count",
        arguments: [
            (0.0, 300.0, [0.0, 50, 100, 150, 200, 250, 300], ["0", "50", "100", "150", "200", "250", "300"]),
            (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1], ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
            (-3, 3, [-3, -2, -1, 0, 1, 2, 3], ["\u{2212}3", "\u{2212}2", "\u{2212}1", "0", "1", "2", "3"]),
            (0.73, 10.27, [2, 4, 6, 8, 10], ["2", "4", "6", "8", "10"]),
            (0, 1e6, [0, 2e5, 4e5, 6e5, 8e5, 1e6], ["0", "2e5", "4e5", "6e5", "8e5", "1e6"]),
            (
                1e-5, 4e-5, [1e-5, 1.5e-5, 2e-5, 2.5e-5, 3e-5, 3.5e-5, 4e-5],
                ["1e\u{2212}5", "1.5e\u{2212}5", "2e\u{2212}5", "2.5e\u{2212}5", "3e\u{2212}5", "3.5e\u{2212}5", "4e\u{2212}5"]
            ),
        ])
    func linear(_ example: (Double, Double, [Double], [String])) {
        let (lower, upper, values, labels) = example
        let ticks = AxisScale.linear.ticks(from: lower, to: upper)
        #expect(ticks.major.map(\.value) == values)
        #expect(ticks.major.map(\.label) == labels)
        #expect(ticks.minor.isEmpty)
    }

    @Test("Fewer ticks when asked; ends in either order; edge cases")
    func edges() {
        #expect(AxisScale.linear.ticks(from: 0, to: 300, maximumCount: 3).major.map(\.value) == [0, 200])
        #expect(AxisScale.linear.ticks(from: 300, to: 0).major.map(\.value) == [0, 50, 100, 150, 200, 250, 300])
        #expect(AxisScale.linear.ticks(from: 0.5, to: 0.5).major.map(\.label) == ["0.5"])
        #expect(AxisScale.linear.ticks(from: .nan, to: 1).major.isEmpty)
        #expect(AxisScale.linear.ticks(from: 0, to: .infinity).major.isEmpty)
        #expect(AxisScale.logarithmic.ticks(from: 0, to: 10).major.isEmpty)
        #expect(AxisScale.logarithmic.ticks(from: -1, to: 10).major.isEmpty)
    }

    @Test("Rendered log ticks are evenly spaced, one decade apart, in the order of their values")
    func renderedPositions() throws {
        let chart = LineChart(
            yAxis: Axis(label: "error", scale: .logarithmic, range: 1e-6...1),
            series: [LineSeries(name: "error", x: [0, 1, 2], y: [1, 1e-3, 1e-6])])
        let document = try SVGDocument(chart.svg())
        let labels = try #require(document.elements.firstIndex { $0.name == "g" && $0.attributes["class"] == "tick-labels" })
        let yLabels = document.elements[labels...].prefix(while: { $0.name == "g" || $0.name == "text" })
            .filter { $0.attributes["text-anchor"] == "end" }
        #expect(yLabels.map(\.text) == ["1e\u{2212}6", "1e\u{2212}5", "1e\u{2212}4", "0.001", "0.01", "0.1", "1"])
        let positions = yLabels.compactMap { $0.number("y") }
        let gaps = zip(positions, positions.dropFirst()).map { $0 - $1 }
        #expect(gaps.count == 6)
        // Coordinates are written to 0.01 px, so equal gaps agree to 0.02 px.
        for gap in gaps { #expect(gap > 0 && abs(gap - gaps[0]) <= 0.02) }
    }
}
