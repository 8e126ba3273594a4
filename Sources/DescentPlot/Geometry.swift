// Geometry: pixel rectangles and points, segment clipping, polyline
// sampling, text wrapping and SVG path data, shared by every chart.

/// An axis-aligned rectangle in pixels (y grows downwards, as in SVG).
struct Rect {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ point: Point, tolerance: Double = 0) -> Bool {
        point.x >= x - tolerance && point.x <= maxX + tolerance && point.y >= y - tolerance && point.y <= maxY + tolerance
    }

    func insetBy(_ amount: Double) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}

/// A point in pixels.
struct Point: Equatable {
    var x: Double
    var y: Double
}

// MARK: - Geometry helpers

/// `text` broken into lines of at most `width` pixels, at spaces; explicit line breaks are kept.
func wrapped(_ text: String, width: Double, fontSize: Double) -> [String] {
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        for word in paragraph.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if !line.isEmpty && estimatedTextWidth(candidate, fontSize: fontSize) > width {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
    }
    return lines
}

/// The part of the segment a–b inside `rect` (Liang–Barsky), or `nil` when it misses.
func clipped(_ a: Point, _ b: Point, to rect: Rect) -> (Point, Point)? {
    let dx = b.x - a.x, dy = b.y - a.y
    var t0 = 0.0, t1 = 1.0
    for (p, q) in [(-dx, a.x - rect.x), (dx, rect.maxX - a.x), (-dy, a.y - rect.y), (dy, rect.maxY - a.y)] {
        if p == 0 {
            if q < 0 { return nil }
        } else {
            let r = q / p
            if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
            if t0 > t1 { return nil }
        }
    }
    return (Point(x: a.x + t0 * dx, y: a.y + t0 * dy), Point(x: a.x + t1 * dx, y: a.y + t1 * dy))
}

/// Points every `spacing` pixels along the polyline, its corners included.
func sampled(_ polyline: [Point], spacing: Double = 4) -> [Point] {
    guard var previous = polyline.first else { return [] }
    var samples = [previous]
    for point in polyline.dropFirst() {
        let length = ((point.x - previous.x) * (point.x - previous.x) + (point.y - previous.y) * (point.y - previous.y))
            .squareRoot()
        let steps = min(Int(length / spacing), 10_000)
        if steps > 0 {
            for step in 1...steps {
                let t = Double(step) / Double(steps + 1)
                samples.append(Point(x: previous.x + t * (point.x - previous.x), y: previous.y + t * (point.y - previous.y)))
            }
        }
        samples.append(point)
        previous = point
    }
    return samples
}

/// An SVG path `d` for polylines; a one-point polyline becomes a dot (a zero-length segment with round caps).
func pathData(_ polylines: [[Point]]) -> String {
    polylines.compactMap { line -> String? in
        guard let first = line.first else { return nil }
        let start = "M\(coordinate(first.x)) \(coordinate(first.y))"
        if line.count == 1 { return start + "h0" }
        return start + "L" + line.dropFirst().map { "\(coordinate($0.x)) \(coordinate($0.y))" }.joined(separator: " ")
    }.joined(separator: " ")
}
