// Figure: a chart that can write itself as a self-contained SVG document.

internal import DescentLinalg

/// A chart that renders to a complete, self-contained SVG document (no
/// scripts, no external fonts or images; text in a sans-serif font).
public protocol Figure: Sendable {
    /// The SVG document: an XML declaration, then one `<svg>` element with a white background.
    func svg() -> String
}

extension Figure {
    /// Writes ``svg()`` to `path`, atomically: the document goes to a temporary
    /// file beside `path`, is flushed to disk, and is then renamed over it, so a
    /// reader sees the old file or the complete new one, never a part.
    ///
    /// - Parameter path: the file to create or replace; its directory must exist.
    /// - Throws: `LinalgError.file(path:problem: .cannotOpen(reason:))` when the
    ///   operating system refuses a step (missing directory, no permission, full
    ///   disk); an existing file at `path` is then left as it was.
    public func write(to path: String) throws {
        try write(to: path, beforeRename: { _ in })
    }

    /// ``write(to:)`` with a hook called just before the rename (tests inject failures with it).
    func write(to path: String, beforeRename: (_ temporaryPath: String) throws -> Void) throws {
        try AtomicFileWriter.write(Array(svg().utf8), to: path, beforeRename: beforeRename)
    }
}

/// The opening of every document: XML declaration, root element, title, background.
func documentHeader(width: Double, height: Double, title: String) -> SVGBuilder {
    var svg = SVGBuilder()
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    svg.open(
        "svg",
        [
            ("xmlns", "http://www.w3.org/2000/svg"), ("width", coordinate(width)), ("height", coordinate(height)),
            ("viewBox", "0 0 \(coordinate(width)) \(coordinate(height))"),
            ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"),
            ("font-size", "12"),
        ])
    svg.element("title", [], text: title.isEmpty ? "Chart" : title)
    svg.element("rect", [("width", "100%"), ("height", "100%"), ("fill", "white")])
    return svg
}

/// Width and height clamped to at least 160 × 120 pixels (and NaN to that minimum).
func clampedSize(_ width: Double, _ height: Double) -> (Double, Double) {
    (width >= 160 ? min(width, 10_000) : 160, height >= 120 ? min(height, 10_000) : 120)
}
