/// An ISO 4217 currency code (`IDR`, `USD`, `GBP`, `EUR`).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) throws {
        let upper = code.uppercased()
        guard upper.count == 3, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw TarifError(.badNumber, "'\(code)' is not an ISO 4217 currency code")
        }
        self.code = upper
    }

    init(unchecked code: String) { self.code = code }

    public static let idr = Currency(unchecked: "IDR")
    public static let usd = Currency(unchecked: "USD")
    public static let gbp = Currency(unchecked: "GBP")
    public static let eur = Currency(unchecked: "EUR")

    /// Decimal places of the minor unit, per ISO 4217 (2 unless listed).
    public var minorUnitDigits: Int {
        switch code {
        case "JPY", "KRW", "VND", "CLP", "PYG", "ISK", "UGX", "XOF", "XAF": return 0
        case "BHD", "JOD", "KWD", "OMR", "TND", "LYD", "IQD": return 3
        default: return 2
        }
    }

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// An exact amount of a currency.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    public var amount: ExactDecimal
    public var currency: Currency

    public init(_ amount: ExactDecimal, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// The amount rounded half-up to the currency's minor unit, for display and payment.
    public var roundedToMinorUnit: Money {
        Money(amount.rounded(scale: currency.minorUnitDigits, rule: .halfUp), currency)
    }

    public var description: String { "\(amount.normalized) \(currency)" }
}

extension Money {
    /// `900,000,000.00 IDR`: digits grouped by thousands, at the currency's minor unit.
    public var grouped: String {
        let rounded = Array(roundedToMinorUnit.amount.description.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(rounded.count + rounded.count / 3 + 4)
        var integer = rounded[...]
        if integer.first == UInt8(ascii: "-") {
            out.append(UInt8(ascii: "-"))
            integer = integer.dropFirst()
        }
        let fraction = integer.firstIndex(of: UInt8(ascii: ".")).map { integer[$0...] } ?? []
        integer = integer.prefix(integer.count - fraction.count)
        for (i, digit) in integer.enumerated() {
            if i > 0, (integer.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(digit)
        }
        out += fraction
        out.append(UInt8(ascii: " "))
        out += currency.code.utf8
        return String(decoding: out, as: UTF8.self)
    }
}
