// Colours and the low-level SVG text helpers.

import Testing

@testable import DescentPlot

@Suite("Colours and SVG text")
struct ColorAndEscapingTests {
    @Test func paletteAndViridis() {
        #expect(
            PlotColor.colorBlindSafe.map(\.description) == [
                "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
            ])
        #expect(PlotColor.viridis(0).description == "#440154")
        #expect(PlotColor.viridis(1).description == "#FDE725")
        #expect(PlotColor.viridis(0.5).description == "#21918C")
        #expect(PlotColor.viridis(-3) == PlotColor.viridis(0) && PlotColor.viridis(.nan) == PlotColor.viridis(0))
        #expect(PlotColor.viridis(7) == PlotColor.viridis(1))
    }

    @Test func escaping() {
        #expect(escapeXML("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        #expect(escapeXML("tab\tnew\nline\u{0}\u{1B}\u{FFFF}") == "tab\tnew\nline\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(escapeXML("1e−6 σ′(a) ²") == "1e−6 σ′(a) ²")
    }

    @Test func coordinates() {
        #expect(coordinate(12.5) == "12.5" && coordinate(-3) == "-3" && coordinate(0.071) == "0.07" && coordinate(-0.001) == "0")
        #expect(coordinate(.nan) == "0" && coordinate(1e300) == "10000000" && coordinate(100) == "100")
    }
}
