// Small multiples: panels in a grid, unique clip paths, a shared legend.

import Testing

@testable import DescentPlot

@Suite("Small multiples")
struct SmallMultiplesTests {
    static func panel(_ index: Int) -> ChartPanel {
        .line(
            LineChart(
                title: "layer \(index)",
                series: [
                    LineSeries(name: "He", x: [1, 2, 3], y: [1, 1, 1]),
                    LineSeries(name: "Glorot", x: [1, 2, 3], y: [0.5, 0.25, 0.125]),
                ]))
    }

    @Test("Panels fill a grid row by row; every panel has its own clip path and series paths")
    func grid() throws {
        let figure = SmallMultiples(
            title: "Per layer",
            panels: (1...5).map(Self.panel) + [
                .histogram(HistogramChart(series: [HistogramSeries(name: "z", values: [1, 2, 3])]))
            ],
            columns: 3, panelWidth: 300, panelHeight: 220)
        let document = try SVGDocument(figure.svg())
        let root = try #require(document.elements.first)
        #expect(root.number("width") == 900 && root.number("height") == 34 + 440)
        let clips = document.elements(named: "clipPath").compactMap { $0.attributes["id"] }
        #expect(clips.count == 6 && Set(clips).count == 6)
        #expect(document.elements(named: "path", class: "series").count == 5 * 2 + 1)
        for index in 1...5 { #expect(document.texts.contains("layer \(index)")) }
        #expect(document.elements(named: "g", class: "legend").count == 6)
    }

    @Test("A shared legend is drawn once, from the first panel's entries")
    func sharedLegend() throws {
        let figure = SmallMultiples(panels: (1...4).map(Self.panel), sharesLegend: true, note: "Dashed: theory.")
        let document = try SVGDocument(figure.svg())
        #expect(document.elements(named: "g", class: "legend").count == 1)
        #expect(document.texts.filter { $0 == "He" }.count == 1)
        #expect(document.texts.contains("Dashed: theory."))
    }

    @Test("No panels give a valid document with a note")
    func noPanels() throws {
        let document = try SVGDocument(SmallMultiples(title: "Empty", panels: []).svg())
        #expect(document.texts.contains("No panels to show"))
    }
}
