/// An ISO 4217 currency code (`IDR`, `USD`, `GBP`, `EUR`).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) throws {
        let upper = code.uppercased()
        guard upper.count == 3, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw TarifError(.badNumber, "'\(InputLimits.echo(code))' is not an ISO 4217 currency code")
        }
        self.code = upper
    }

    init(unchecked code: String) { self.code = code }

    public static let idr = Currency(unchecked: "IDR")
    public static let usd = Currency(unchecked: "USD")
    public static let gbp = Currency(unchecked: "GBP")
    public static let eur = Currency(unchecked: "EUR")
    public static let jpy = Currency(unchecked: "JPY")
    public static let aud = Currency(unchecked: "AUD")

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
    /// (An amount too large to be written with the minor unit's places keeps its own.)
    public var roundedToMinorUnit: Money {
        let digits = currency.minorUnitDigits
        return Money((try? amount.rounded(scale: digits, rule: .halfUp)) ?? amount.roundedDown(toAtMost: digits), currency)
    }

    public var description: String { "\(amount.normalized) \(currency)" }
}

extension Money {
    /// `900.000.000,00 IDR`: ``grouped`` as Indonesian writes numbers (a point between
    /// thousands, a comma before the fraction), for the Indonesian texts.
    public var groupedIndonesian: String { Self.indonesianNumber(grouped) }

    /// A number written `1,234.5` (or a text holding such numbers and no other commas or points) as Indonesian writes it: `1.234,5`.
    public static func indonesianNumber(_ text: String) -> String {
        String(text.map { $0 == "," ? "." : $0 == "." ? "," : $0 })
    }
    /// `900,000,000.00 IDR`: digits grouped by thousands, at the currency's minor unit.
    public var grouped: String {
        var digits = roundedToMinorUnit.amount.description
        let code = currency.code
        return digits.withUTF8 { text in
            // Sign, integer digits with a comma every three, the fraction as printed, a space and the code.
            let negative = text.first == UInt8(ascii: "-")
            let start = negative ? 1 : 0
            let point = text[start...].firstIndex(of: UInt8(ascii: ".")) ?? text.count
            let integerDigits = point - start
            let commas = max(0, (integerDigits - 1) / 3)
            let length = text.count + commas + 1 + code.utf8.count
            return String(unsafeUninitializedCapacity: length) { out in
                var o = 0
                if negative {
                    out[o] = UInt8(ascii: "-")
                    o += 1
                }
                for i in start..<point {
                    let k = i - start
                    if k > 0, (integerDigits - k) % 3 == 0 {
                        out[o] = UInt8(ascii: ",")
                        o += 1
                    }
                    out[o] = text[i]
                    o += 1
                }
                for i in point..<text.count {
                    out[o] = text[i]
                    o += 1
                }
                out[o] = UInt8(ascii: " ")
                o += 1
                for b in code.utf8 {
                    out[o] = b
                    o += 1
                }
                return o
            }
        }
    }
}
