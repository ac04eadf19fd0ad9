/// The bounds Tarif puts on what it reads from outside: stated once here, checked where
/// input enters (readers, CLI options, HTTP decoding), and listed in `docs/reliability.md`.
///
/// Each bound is far beyond any real consignment or publication, and tight enough that
/// the exact arithmetic that follows (128-bit significands, 38 digits) cannot overflow for
/// inputs within them, nor can a hostile input make the work grow without limit.
public enum InputLimits {
    /// Customs values and component values: at most 10^18 in the importer's currency (a
    /// quintillion rupiah is some 60 billion dollars), with at most 6 decimal places.
    public static let maxAmount = ExactDecimal(significand: 1_000_000_000_000_000_000)
    public static let maxAmountPlaces = 6
    /// Quantities: at most 10^15 units (a thousand billion kilograms), 6 decimal places.
    public static let maxQuantity = ExactDecimal(significand: 1_000_000_000_000_000)
    public static let maxQuantityPlaces = 6
    /// Measured facts (alcoholic strength, sugar content, polarization, line counts): 0 to 10^6.
    public static let maxFact = ExactDecimal(significand: 1_000_000)
    /// Exchange rates: above 0, at most 10^9 units of one currency for one of another, 12 places.
    public static let maxExchangeRate = ExactDecimal(significand: 1_000_000_000)
    public static let maxExchangeRatePlaces = 12
    /// A country name or code, a program or agreement name as a question gives it: 200 characters.
    public static let maxNameLength = 200
    /// Text quoted back in an error message: the first 60 characters, then how many there were.
    public static let maxEchoLength = 60
    /// JSON nesting (arrays and objects inside each other), in publications and request bodies.
    public static let maxJSONDepth = 64
    /// One JSON string or number in a publication: 1 MiB.
    public static let maxJSONStringBytes = 1 << 20
    /// One CSV record (all its fields, quoted line breaks included): 1 MiB.
    public static let maxCSVRecordBytes = 1 << 20

    /// `text` as an error message quotes it: whole when short, else its start and its length.
    public static func echo(_ text: some StringProtocol) -> String {
        let count = text.utf8.count
        if count <= maxEchoLength { return String(text) }
        var prefix = ""
        for c in text {
            if prefix.utf8.count + c.utf8.count > maxEchoLength { break }
            prefix.append(c)
        }
        return "\(prefix)… (\(count) bytes)"
    }

    /// Refuses a name longer than ``maxNameLength`` before any work is done on it.
    /// - Throws: ``TarifError`` `.tooLarge` naming the field and the limit.
    public static func checkName(_ text: some StringProtocol, field: String) throws(TarifError) {
        if text.utf8.count > maxNameLength {
            throw TarifError(
                .tooLarge, "\(field) '\(echo(text))' is longer than \(maxNameLength) bytes, the limit for a name, a code or a number")
        }
    }

    /// A non-negative decimal within `limit` and `places` decimal places.
    /// - Throws: ``TarifError`` `.tooLarge` (beyond the limit) or `.badNumber` (negative, too many places).
    public static func check(
        _ value: ExactDecimal, field: String, limit: ExactDecimal, places: Int, allowZero: Bool = true
    ) throws(TarifError) -> ExactDecimal {
        if value.isNegative {
            throw TarifError(.badNumber, "\(field) \(value) is negative; it must be zero or more")
        }
        if !allowZero && value.isZero {
            throw TarifError(.badNumber, "\(field) must be more than zero")
        }
        if value > limit {
            throw TarifError(.tooLarge, "\(field) \(echo(value.description)) is beyond the limit of \(describe(limit))")
        }
        let n = value.normalized
        if n.scale > places {
            throw TarifError(.badNumber, "\(field) \(value) has more than \(places) decimal places")
        }
        return n
    }

    /// What a number given as input stands for, which sets its bounds.
    public enum NumberKind: Sendable {
        case amount, quantity, fact, exchangeRate
    }

    /// Reads a number as a person writes it (`1000000`, `1,000,000.50`, `1_000_000`) and checks
    /// it against the bounds of `kind`: the one parser every edge (CLI, batch, HTTP) uses.
    /// - Throws: ``TarifError`` naming `field`: `.badNumber` for text that is not a number,
    ///   a negative number or too many places; `.tooLarge` beyond the limit.
    public static func number(_ text: some StringProtocol, field: String, kind: NumberKind) throws(TarifError) -> ExactDecimal {
        try checkName(text, field: field)
        let cleaned = text.utf8.contains(UInt8(ascii: "_")) ? Substring(String(text).replacingUnderscores()) : Substring(text)
        guard let n = NumberFormat.pointDecimal.parse(cleaned) else {
            throw TarifError(
                .badNumber, "\(field) '\(echo(text))' is not a number (write it like 1000000 or 1,000,000.50)")
        }
        switch kind {
        case .amount: return try amount(n, field: field)
        case .quantity: return try quantity(n, field: field)
        case .fact: return try fact(n, field: field)
        case .exchangeRate: return try exchangeRate(n, field: field)
        }
    }

    /// `10^18` for a power of ten, else the plain number.
    static func describe(_ limit: ExactDecimal) -> String {
        let text = limit.normalized.description
        if text.count > 4, text.hasPrefix("1"), text.dropFirst().allSatisfy({ $0 == "0" }) { return "10^\(text.count - 1)" }
        return text
    }

    /// A customs or component value within ``maxAmount``.
    public static func amount(_ value: ExactDecimal, field: String) throws(TarifError) -> ExactDecimal {
        try check(value, field: field, limit: maxAmount, places: maxAmountPlaces)
    }

    /// A quantity's number within ``maxQuantity``.
    public static func quantity(_ value: ExactDecimal, field: String) throws(TarifError) -> ExactDecimal {
        try check(value, field: field, limit: maxQuantity, places: maxQuantityPlaces)
    }

    /// A measured fact within ``maxFact``.
    public static func fact(_ value: ExactDecimal, field: String) throws(TarifError) -> ExactDecimal {
        try check(value, field: field, limit: maxFact, places: maxQuantityPlaces)
    }

    /// An exchange rate above zero and within ``maxExchangeRate``.
    public static func exchangeRate(_ value: ExactDecimal, field: String) throws(TarifError) -> ExactDecimal {
        try check(value, field: field, limit: maxExchangeRate, places: maxExchangeRatePlaces, allowZero: false)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(unicodeScalars.filter { $0 != "_" }) }
}
