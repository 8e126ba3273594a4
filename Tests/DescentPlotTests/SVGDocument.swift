// Parses the SVG the charts write with Foundation's XMLParser, so every test
// also checks that the document is well-formed XML.

import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One element of a parsed document: its name, attributes and direct text.
struct SVGElement {
    let name: String
    let attributes: [String: String]
    var text: String

    func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
}

/// The elements of a document in document order, or the parser's error.
struct SVGDocument {
    let elements: [SVGElement]

    /// Parses `text`; throws the parser's error when it is not well-formed XML.
    init(_ text: String) throws {
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        guard parser.parse() else { throw parser.parserError ?? ParseFailure() }
        elements = collector.elements
    }

    struct ParseFailure: Error {}

    /// Elements named `name` whose `class` attribute is `className` (any class when `nil`).
    func elements(named name: String, class className: String? = nil) -> [SVGElement] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
    }

    /// Every text element's content.
    var texts: [String] { elements(named: "text").map(\.text) }
}

private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [SVGElement] = []
    private var open: [Int] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        open.append(elements.count)
        elements.append(SVGElement(name: elementName, attributes: attributes, text: ""))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        _ = open.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }
}

/// The subpaths of an SVG path `d` written by the charts: each is a list of (x, y) points.
func subpaths(_ d: String) -> [[(Double, Double)]] {
    d.split(separator: "M").map { piece in
        let numbers = piece.split(whereSeparator: { $0 == " " || $0 == "L" || $0 == "Z" || $0 == "h" }).compactMap { Double($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
    }
}
