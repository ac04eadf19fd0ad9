/// An ISO 3166-1 alpha-3 code of a country or customs territory (`IDN`, `VNM`), or a
/// code Tarif reserves for a customs union that has a tariff of its own (`EUN`, the
/// European Union as a WTO member, as the WTO's own data names it).
public struct CountryCode: Sendable, Hashable, Comparable {
    public let rawValue: String

    /// Parses three ASCII letters, in any case.
    /// - Throws: ``TarifError`` `.badCountry` when `text` is not three letters.
    public init(_ text: some StringProtocol) throws {
        // Three ASCII letters (every well-formed code) byte by byte; anything else is refused below.
        var bytes = text.utf8.makeIterator()
        if let a = bytes.next(), let b = bytes.next(), let c = bytes.next(), bytes.next() == nil,
           let x = Self.upperLetter(a), let y = Self.upperLetter(b), let z = Self.upperLetter(c) {
            self.rawValue = String(unsafeUninitializedCapacity: 3) { buffer in
                buffer[0] = x
                buffer[1] = y
                buffer[2] = z
                return 3
            }
            return
        }
        let upper = text.uppercased()
        guard upper.count == 3, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw TarifError(.badCountry, "'\(InputLimits.echo(text))' is not an ISO 3166 alpha-3 country code (three letters, like IDN)")
        }
        self.rawValue = upper
    }

    /// An ASCII letter in upper case; nil for any other byte.
    private static func upperLetter(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): b
        case UInt8(ascii: "a")...UInt8(ascii: "z"): b - 32
        default: nil
        }
    }

    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Static codes for the importers whose schedules Tarif reads, so call sites need no `try`.
    public static let indonesia = CountryCode(unchecked: "IDN")
    public static let unitedKingdom = CountryCode(unchecked: "GBR")
    public static let unitedStates = CountryCode(unchecked: "USA")
    public static let europeanUnion = CountryCode(unchecked: "EUN")

    init(unchecked: String) { self.rawValue = unchecked }
}

extension CountryCode: CustomStringConvertible {
    public var description: String { rawValue }
}

extension CountryCode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
