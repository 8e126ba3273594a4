// Colours: the Okabe–Ito palette for categories and viridis for ordered series.
//
// Both read for the common colour-vision deficiencies (deuteranopia,
// protanopia, tritanopia) and in grey-scale print (viridis). Sources: Okabe &
// Ito, "Color Universal Design" (2002), https://jfly.uni-koeln.de/color/;
// van der Walt & Smith, matplotlib's viridis colour map (2015).

/// An opaque sRGB colour.
public struct PlotColor: Sendable, Hashable, CustomStringConvertible {
    /// Red, 0–255.
    public let red: UInt8
    /// Green, 0–255.
    public let green: UInt8
    /// Blue, 0–255.
    public let blue: UInt8

    /// The colour with these sRGB components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour as SVG writes it: `#0072B2`.
    public var description: String {
        let digits = Array("0123456789ABCDEF")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    // MARK: - The Okabe–Ito palette

    /// Okabe–Ito blue, #0072B2.
    public static let blue = PlotColor(red: 0x00, green: 0x72, blue: 0xB2)
    /// Okabe–Ito vermillion, #D55E00.
    public static let vermillion = PlotColor(red: 0xD5, green: 0x5E, blue: 0x00)
    /// Okabe–Ito bluish green, #009E73.
    public static let bluishGreen = PlotColor(red: 0x00, green: 0x9E, blue: 0x73)
    /// Okabe–Ito reddish purple, #CC79A7.
    public static let reddishPurple = PlotColor(red: 0xCC, green: 0x79, blue: 0xA7)
    /// Okabe–Ito orange, #E69F00.
    public static let orange = PlotColor(red: 0xE6, green: 0x9F, blue: 0x00)
    /// Okabe–Ito sky blue, #56B4E9.
    public static let skyBlue = PlotColor(red: 0x56, green: 0xB4, blue: 0xE9)
    /// Black, #000000.
    public static let black = PlotColor(red: 0, green: 0, blue: 0)
    /// Okabe–Ito yellow, #F0E442: weak on white, so last in ``colorBlindSafe``.
    public static let yellow = PlotColor(red: 0xF0, green: 0xE4, blue: 0x42)
    /// A neutral grey for reference lines and notes, #666666.
    public static let gray = PlotColor(red: 0x66, green: 0x66, blue: 0x66)

    /// The eight Okabe–Ito colours, strongest on white first: the colours series
    /// without their own take, in order (the ninth series takes the first again).
    public static let colorBlindSafe: [PlotColor] = [
        .blue, .vermillion, .bluishGreen, .reddishPurple, .orange, .skyBlue, .black, .yellow,
    ]

    // MARK: - Viridis

    /// The viridis colour at `fraction` of the way from dark purple (0) through
    /// blue and green to yellow (1): for series with an order, such as layers 1 … 10.
    ///
    /// Interpolated linearly between nine samples of matplotlib's map. Yellow is
    /// faint on white; a range such as 0 … 0.85 keeps every series visible.
    /// - Parameter fraction: clamped to [0, 1]; NaN gives the colour at 0.
    public static func viridis(_ fraction: Double) -> PlotColor {
        let t = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let position = t * Double(viridisSamples.count - 1)
        let index = min(Int(position), viridisSamples.count - 2)
        let weight = position - Double(index)
        let (a, b) = (viridisSamples[index], viridisSamples[index + 1])
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - weight) + Double(y) * weight).rounded()) }
        return PlotColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }

    /// matplotlib's viridis at 0, 1/8, …, 1.
    private static let viridisSamples: [PlotColor] = [
        PlotColor(red: 0x44, green: 0x01, blue: 0x54), PlotColor(red: 0x47, green: 0x2D, blue: 0x7B),
        PlotColor(red: 0x3B, green: 0x52, blue: 0x8B), PlotColor(red: 0x2C, green: 0x72, blue: 0x8E),
        PlotColor(red: 0x21, green: 0x91, blue: 0x8C), PlotColor(red: 0x28, green: 0xAE, blue: 0x80),
        PlotColor(red: 0x5E, green: 0xC9, blue: 0x62), PlotColor(red: 0xAD, green: 0xDC, blue: 0x30),
        PlotColor(red: 0xFD, green: 0xE7, blue: 0x25),
    ]
}
