/// JSON written straight into bytes, for the answers a server gives many times a second.
///
/// The output is byte for byte what Foundation's `JSONEncoder` with `.sortedKeys` writes for
/// the same value through `Codable` (keys in UTF-8 byte order, `/` escaped as `\/`, control
/// characters as `\u00xx` except `\b \t \n \f \r`, other characters as UTF-8, nil optionals
/// left out), without building a tree of values first. Types opt in with ``JSONWritable`` and
/// write their fields in sorted order themselves; tests compare the two encoders on real
/// answers, so a field added to a type and not to its writer is caught.
public struct JSONWriter {
    /// The JSON written so far.
    public var bytes: [UInt8] { storage }
    @usableFromInline var storage: [UInt8]
    /// A value was written at this level, so the next one needs a comma.
    @usableFromInline var needsComma = false
    /// A key was just written, so the next value follows it directly.
    @usableFromInline var afterKey = false

    public init(capacity: Int = 8_192) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// Writes `value` and returns the bytes.
    public static func encode(_ value: some JSONWritable, capacity: Int = 8_192) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        value.write(to: &writer)
        return writer.storage
    }

    @inlinable mutating func separate() {
        if afterKey {
            afterKey = false
        } else if needsComma {
            storage.append(UInt8(ascii: ","))
        }
    }

    @inlinable public mutating func beginObject() {
        separate()
        storage.append(UInt8(ascii: "{"))
        needsComma = false
    }

    @inlinable public mutating func endObject() {
        storage.append(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable public mutating func beginArray() {
        separate()
        storage.append(UInt8(ascii: "["))
        needsComma = false
    }

    @inlinable public mutating func endArray() {
        storage.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object's key; the caller writes keys in UTF-8 byte order and plain ASCII.
    @inlinable public mutating func key(_ name: StaticString) {
        if needsComma { storage.append(UInt8(ascii: ",")) }
        storage.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { storage.append(contentsOf: $0) }
        storage.append(UInt8(ascii: "\""))
        storage.append(UInt8(ascii: ":"))
        afterKey = true
        needsComma = false
    }

    public mutating func string(_ text: String) {
        separate()
        storage.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs needing no escape are copied whole; eight bytes are tested at a time.
            let n = utf8.count
            var start = 0
            var i = 0
            while i < n {
                if i + 8 <= n, !Self.anyNeedsEscape(UnsafeRawBufferPointer(utf8).loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                    i += 8
                    continue
                }
                let byte = utf8[i]
                i += 1
                guard Self.needsEscape(byte) else { continue }
                storage.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<(i - 1)]))
                start = i
                storage.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): storage.append(byte)
                case 0x08: storage.append(UInt8(ascii: "b"))
                case 0x09: storage.append(UInt8(ascii: "t"))
                case 0x0A: storage.append(UInt8(ascii: "n"))
                case 0x0C: storage.append(UInt8(ascii: "f"))
                case 0x0D: storage.append(UInt8(ascii: "r"))
                default:
                    storage.append(UInt8(ascii: "u"))
                    storage.append(UInt8(ascii: "0"))
                    storage.append(UInt8(ascii: "0"))
                    storage.append(Self.hexDigit(byte >> 4))
                    storage.append(Self.hexDigit(byte & 0xF))
                }
            }
            storage.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<n]))
        }
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Whether any of the eight bytes of `word` needs an escape (``needsEscape(_:)``), by
    /// word arithmetic: a byte below 0x20, or equal to `"`, `/` or `\`.
    static func anyNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let below = (word &- ones &* 0x20) & ~word & highs
        return (below | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x2F)) | hasZeroByte(word ^ (ones &* 0x5C))) != 0
    }

    /// `"`, `/`, `\` and the control characters are escaped.
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
    }

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    @inlinable public mutating func int(_ value: Int) {
        separate()
        storage.append(contentsOf: String(value).utf8)  // a small string: no allocation
        needsComma = true
    }

    @inlinable public mutating func bool(_ value: Bool) {
        separate()
        let word: StaticString = value ? "true" : "false"
        word.withUTF8Buffer { storage.append(contentsOf: $0) }
        needsComma = true
    }

    /// `"key": value`.
    @inlinable public mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.write(to: &self)
    }

    /// `"key": value` when there is a value; nothing when it is nil (as `encodeIfPresent`).
    @inlinable public mutating func field(_ name: StaticString, _ value: (some JSONWritable)?) {
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
    @inlinable public func write(to json: inout JSONWriter) {
        json.beginArray()
        // By index: each element is written where it is (iterating would copy each one out).
        for i in indices { self[i].write(to: &json) }
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
        if let above { json.field("above", above) }
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
