/// JSON written straight into bytes, for the answers a server gives many times a second.
///
/// The output is byte for byte what Foundation's `JSONEncoder` with `.sortedKeys` writes for
/// the same value through `Codable` (keys in UTF-8 byte order, `/` escaped as `\/`, control
/// characters as `\u00xx` except `\b \t \n \f \r`, other characters as UTF-8, nil optionals
/// left out), without building a tree of values first. Types opt in with ``JSONWritable`` and
/// write their fields in sorted order themselves; tests compare the two encoders on real
/// answers, so a field added to a type and not to its writer is caught.
public struct JSONWriter {
    public private(set) var bytes: [UInt8]
    /// A value was written at this level, so the next one needs a comma.
    var needsComma = false
    /// A key was just written, so the next value follows it directly.
    var afterKey = false

    public init(capacity: Int = 8_192) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes `value` and returns the bytes.
    public static func encode(_ value: some JSONWritable, capacity: Int = 8_192) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        value.write(to: &writer)
        return writer.bytes
    }

    mutating func separate() {
        if afterKey {
            afterKey = false
        } else if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object's key; the caller writes keys in UTF-8 byte order and plain ASCII.
    public mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
        needsComma = false
    }

    public mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most strings need no escape: one pass to see, one copy.
            guard utf8.contains(where: Self.needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            var start = 0
            for i in 0..<utf8.count where Self.needsEscape(utf8[i]) {
                let byte = utf8[i]
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    bytes.append(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(Self.hexDigit(byte >> 4))
                    bytes.append(Self.hexDigit(byte & 0xF))
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `"`, `/`, `\` and the control characters are escaped.
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)  // a small string: no allocation
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        let word: StaticString = value ? "true" : "false"
        word.withUTF8Buffer { bytes.append(contentsOf: $0) }
        needsComma = true
    }

    /// `"key": value`.
    public mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.write(to: &self)
    }

    /// `"key": value` when there is a value; nothing when it is nil (as `encodeIfPresent`).
    public mutating func field(_ name: StaticString, _ value: (some JSONWritable)?) {
        guard let value else { return }
        key(name)
        value.write(to: &self)
    }
}

/// A value that writes itself as JSON, exactly as its `Encodable` conformance encodes it
/// with `JSONEncoder` and `.sortedKeys` (see ``JSONWriter``).
public protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

extension String: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(self) }
}

extension Int: JSONWritable {
    public func write(to json: inout JSONWriter) { json.int(self) }
}

extension Bool: JSONWritable {
    public func write(to json: inout JSONWriter) { json.bool(self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginArray()
        for element in self { element.write(to: &json) }
        json.endArray()
    }
}

// The core's values, each as its Codable conformance writes it.

extension ExactDecimal: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(normalized.description) }
}

extension Day: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(description) }
}

extension CountryCode: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(rawValue) }
}

extension TariffCode: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(formatted) }
}

extension Currency: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(code) }
}

extension Money: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("amount", amount)
        json.field("currency", currency)
        json.endObject()
    }
}

extension Validity: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("end", end)
        json.field("start", start)
        json.endObject()
    }
}

extension MeasurementUnit: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("dimension", dimension.rawValue)
        json.field("factor", factor)
        json.field("qualifier", qualifier)
        json.field("symbol", symbol)
        json.endObject()
    }
}

extension Quantity: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("unit", unit)
        json.field("value", value)
        json.endObject()
    }
}

extension MissingInput: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("detail", detail)
        json.field("kind", kind.rawValue)
        json.endObject()
    }
}

extension TariffLine: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("code", code)
        json.field("descriptionEnglish", descriptionEnglish)
        json.field("descriptionLocal", descriptionLocal)
        json.field("indent", indent)
        json.field("path", path)
        json.field("units", units)
        json.endObject()
    }
}

extension ScheduleInfo: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("contentHash", contentHash)
        json.field("currency", currency)
        json.field("importer", importer)
        json.field("legalSource", legalSource)
        json.field("nomenclature", nomenclature)
        json.field("series", series)
        json.field("sourceFile", sourceFile)
        json.field("title", title)
        json.field("validFrom", validFrom)
        json.endObject()
    }
}

extension RateFact: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("kind", kind.rawValue)
        json.field("multiplier", multiplier)
        json.endObject()
    }
}

extension SpecificRate: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        writeFields(to: &json, kind: false)
        json.endObject()
    }

    /// The fields, with the duty expression's `kind` among them when `kind` (a specific
    /// rate as a duty expression is one object).
    func writeFields(to json: inout JSONWriter, kind: Bool) {
        json.field("amount", amount)
        if kind { json.field("kind", DutyExpression.Kind.specific.rawValue) }
        json.field("perFact", perFact)
        json.field("unit", unit)
    }
}

extension SeasonalPeriod: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("fromDay", fromDay)
        json.field("fromMonth", fromMonth)
        json.field("toDay", toDay)
        json.field("toMonth", toMonth)
        json.endObject()
    }
}

extension SeasonalRate: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("periods", periods)
        json.field("rate", rate)
        json.endObject()
    }
}

extension DutyExpression: JSONWritable {
    /// The `kind` form of `DutyExpression+Codable.swift`, keys sorted.
    public func write(to json: inout JSONWriter) {
        json.beginObject()
        switch self {
        case .free(let condition):
            json.field("condition", condition)
            json.field("kind", kind.rawValue)
        case .adValorem(let p, let basis):
            switch basis {
            case .customsValue: json.field("basis", "customsValue")
            case .component(let name):
                json.field("basis", "component")
                json.field("component", name)
            }
            if p.denominator != 1 {
                json.key("fraction")
                json.beginObject()
                json.field("denominator", p.denominator)
                json.field("numerator", p.numerator)
                json.endObject()
            }
            json.field("kind", kind.rawValue)
            json.field("percent", p.value)
        case .specific(let rate):
            rate.writeFields(to: &json, kind: true)
        case .sum(let terms):
            json.field("kind", kind.rawValue)
            json.field("terms", terms)
        case .atLeast(let rate, let floor):
            json.field("floor", floor)
            json.field("kind", kind.rawValue)
            json.field("rate", rate)
        case .atMost(let rate, let cap):
            json.field("cap", cap)
            json.field("kind", kind.rawValue)
            json.field("rate", rate)
        case .graduated(let g):
            json.field("base", g.base)
            json.field("fact", g.fact.rawValue)
            json.field("floor", g.floor)
            json.field("kind", kind.rawValue)
            json.field("step", g.step)
            json.field("threshold", g.threshold)
        case .seasonal(let seasons):
            json.field("kind", kind.rawValue)
            json.field("seasons", seasons)
        case .alternatives(let options):
            json.field("kind", kind.rawValue)
            json.field("options", options)
        case .reference(let reference):
            json.field("kind", kind.rawValue)
            json.field("reference", reference.kind.rawValue)
            json.field("text", reference.text)
        case .annotated(let rate, let note):
            json.field("kind", kind.rawValue)
            json.field("note", note)
            json.field("rate", rate)
        }
        json.endObject()
    }
}
