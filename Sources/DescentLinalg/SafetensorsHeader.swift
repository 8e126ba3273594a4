// SafetensorsHeader: the JSON object at the start of every safetensors file,
// checked field by field when read, and written as the Python writer writes it.
//
// Design note. The JSON is parsed by `JSONParser` (DescentLinalg stays free of
// Foundation); this file gives the values their meaning and reports what is
// wrong with them, naming the tensor. Numbers keep their text until a size or
// an offset is expected, so `2.0`, `-1` and `1e3` are reported as written. The
// writer gives, for tensors of one dtype, the bytes of the `safetensors`
// Python package (the Rust crate): compact JSON, `__metadata__` first, tensors
// in data order, serde_json's escapes, padded with spaces to a multiple of 8
// bytes. References: the format description at
// https://huggingface.co/docs/safetensors and the crate's `tensor.rs`
// (`prepare`, `validate`).

// MARK: - Header

/// What a safetensors header says: each tensor's type, shape and place in the data, and the metadata.
struct SafetensorsHeader: Equatable {
    /// One tensor's entry.
    struct Tensor: Equatable {
        var name: String
        var elementType: SafetensorsFile.ElementType
        var shape: [Int]
        /// The tensor's bytes in the data that follows the header.
        var dataOffsets: Range<Int>
    }

    /// The tensors, in the order the header lists them.
    var tensors: [Tensor]
    /// The `__metadata__` object; empty when there is none.
    var metadata: [String: String]

    init(tensors: [Tensor], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Parses and checks the header bytes (between the length field and the data).
    ///
    /// Every tensor must have a known `dtype`, a `shape` of sizes and
    /// `data_offsets` `[begin, end]` with `end − begin` = element count × dtype size.
    /// - Throws: `.malformedHeader` for text that is not UTF-8 or not JSON, or
    ///   lacks a field; `.tensor(name:problem:)` wrapping `.malformedHeader`,
    ///   `.unsupportedType` or `.wrongByteCount` for a problem with one tensor.
    init(parsing bytes: ArraySlice<UInt8>) throws(FileProblemError) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw FileProblemError(.malformedHeader("the header is not UTF-8 text"))
        }
        var parser = JSONParser(bytes)
        let entries: [(key: String, value: JSONValue)]
        do {
            entries = try parser.parseObjectDocument()
        } catch {
            throw FileProblemError(.malformedHeader(error.message))
        }
        tensors = []
        metadata = [:]
        for (key, value) in entries {
            if key == "__metadata__" {
                metadata = try Self.metadata(value)
            } else {
                do {
                    tensors.append(try Self.tensor(named: key, value))
                } catch {
                    throw FileProblemError(.tensor(name: key, problem: error.problem))
                }
            }
        }
    }

    /// The `__metadata__` value: an object of strings, or `null`.
    private static func metadata(_ value: JSONValue) throws(FileProblemError) -> [String: String] {
        if case .null = value { return [:] }
        guard case .object(let entries) = value else {
            throw FileProblemError(.malformedHeader("'__metadata__' is \(value), not an object of strings"))
        }
        var metadata: [String: String] = [:]
        for (key, item) in entries {
            guard case .string(let text) = item else {
                throw FileProblemError(.malformedHeader("'__metadata__' entry '\(key)' is \(item), not a string"))
            }
            metadata[key] = text
        }
        return metadata
    }

    /// One tensor's `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`; other keys are ignored.
    private static func tensor(named name: String, _ value: JSONValue) throws(FileProblemError) -> Tensor {
        guard case .object(let fields) = value else {
            throw FileProblemError(.malformedHeader("the entry is \(value), not an object with dtype, shape and data_offsets"))
        }
        func field(_ key: String) throws(FileProblemError) -> JSONValue {
            guard let entry = fields.first(where: { $0.key == key }) else {
                throw FileProblemError(.malformedHeader("the entry has no '\(key)'"))
            }
            return entry.value
        }
        let typeValue = try field("dtype")
        guard case .string(let typeName) = typeValue else {
            throw FileProblemError(.malformedHeader("'dtype' is \(typeValue), not a string"))
        }
        guard let elementType = SafetensorsFile.ElementType(rawValue: typeName) else {
            throw FileProblemError(.unsupportedType(typeName))
        }
        let shapeValue = try field("shape")
        let shape = try integers(shapeValue, named: "shape", count: nil)
        let offsetsValue = try field("data_offsets")
        let offsets = try integers(offsetsValue, named: "data_offsets", count: 2)
        guard offsets[0] <= offsets[1] else {
            throw FileProblemError(.malformedHeader("'data_offsets' \(offsetsValue) end before they begin"))
        }
        var byteCount = elementType.byteCount
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw FileProblemError(.malformedHeader("the shape \(shapeValue) is too large")) }
            byteCount = product
        }
        guard offsets[1] - offsets[0] == byteCount else {
            throw FileProblemError(.wrongByteCount(expected: byteCount, found: offsets[1] - offsets[0]))
        }
        return Tensor(name: name, elementType: elementType, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }

    /// An array of non-negative integers (of `count` of them, when given).
    private static func integers(_ value: JSONValue, named key: String, count: Int?) throws(FileProblemError) -> [Int] {
        let expectation = count.map { "an array of \($0) non-negative integers" } ?? "an array of non-negative integers"
        guard case .array(let items) = value, count == nil || items.count == count else {
            throw FileProblemError(.malformedHeader("'\(key)' is \(value), not \(expectation)"))
        }
        var integers: [Int] = []
        for item in items {
            guard case .number(let text) = item, let integer = Int(text), integer >= 0 else {
                throw FileProblemError(.malformedHeader("'\(key)' \(value) holds \(item), not a non-negative integer"))
            }
            integers.append(integer)
        }
        return integers
    }

    // MARK: - Writing

    /// The header as the Python writer spells it, padded with spaces to a multiple of 8 bytes.
    ///
    /// Metadata keys are sorted by their UTF-8 bytes (the Python writer's
    /// order is a hash map's, different on every run).
    func encoded() -> [UInt8] {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { JSONValue.quoted($0.key) + ":" + JSONValue.quoted($0.value) }
            members.append(#""__metadata__":{"# + pairs.joined(separator: ",") + "}")
        }
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            let offsets = "\(tensor.dataOffsets.lowerBound),\(tensor.dataOffsets.upperBound)"
            members.append(
                JSONValue.quoted(tensor.name)
                    + #":{"dtype":"\#(tensor.elementType.rawValue)","shape":[\#(shape)],"data_offsets":[\#(offsets)]}"#)
        }
        var bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
        bytes += repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return bytes
    }
}
