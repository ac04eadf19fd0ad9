/// What is known about a consignment when a duty is computed: its customs value,
/// its quantities, the values of named components, measured facts, the day, and
/// exchange rates into the importer's currency.
public struct DutyContext: Sendable, Hashable, Codable {
    /// The currency the duty is payable in (the importer's).
    public var currency: Currency
    /// The customs value, in any currency with an exchange rate given.
    public var customsValue: Money?
    public var quantities: [Quantity]
    /// Values of parts or other named values an ad valorem rate may be charged on ("case", "battery").
    public var componentValues: [String: Money]
    /// Measured facts: alcoholic strength, sucrose content, polarization.
    public var facts: [RateFact.Kind: ExactDecimal]
    /// The day of importation, which chooses among seasonal rates.
    public var day: Day?
    /// Units of `currency` for one unit of each other currency.
    public var exchangeRates: [Currency: ExactDecimal]
    /// For a rate stated as alternatives, the 0-based index of the one that fits the goods.
    public var alternative: Int?

    public init(
        currency: Currency, customsValue: Money? = nil, quantities: [Quantity] = [],
        componentValues: [String: Money] = [:], facts: [RateFact.Kind: ExactDecimal] = [:], day: Day? = nil,
        exchangeRates: [Currency: ExactDecimal] = [:], alternative: Int? = nil
    ) {
        self.currency = currency
        self.customsValue = customsValue
        self.quantities = quantities
        self.componentValues = componentValues
        self.facts = facts
        self.day = day
        self.exchangeRates = exchangeRates
        self.alternative = alternative
    }

    /// The total quantity on `basis`, in its dimension's base unit, or `nil` when none was given.
    /// - Throws: ``TarifError`` `.overflow` when the sum does not fit.
    public func quantity(on basis: QuantityBasis) throws(TarifError) -> ExactDecimal? {
        var total: ExactDecimal?
        for q in quantities where q.unit.basis == basis { total = try (total ?? .zero) + q.baseValue() }
        return total
    }
}

/// An input a rate needs and the consignment did not state.
public struct MissingInput: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case customsValue, quantity, componentValue, fact, exchangeRate, day, reference, alternative
    }

    public var kind: Kind
    /// What exactly: `kg (drained weight)`, `value of the case`, `EUR→GBP`, the reference's text.
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .customsValue: "the customs value"
        case .quantity: "the quantity in \(detail)"
        case .componentValue: "the value of \(detail)"
        case .fact: "the \(detail)"
        case .exchangeRate: "the exchange rate \(detail)"
        case .day: "the day of importation (the rate is seasonal)"
        case .reference: "a rate the schedule states elsewhere: \(detail)"
        case .alternative: "which of the alternative rates fits the goods (\(detail))"
        }
    }

    /// The same in Indonesian, for the Indonesian explanation (units and the schedule's own
    /// words in `detail` stay as written).
    public var indonesian: String {
        switch kind {
        case .customsValue: "nilai pabean"
        case .quantity: "jumlah barang dalam \(detail)"
        case .componentValue: "nilai \(detail)"
        case .fact: "nilai ukur \(detail)"
        case .exchangeRate: "kurs \(detail)"
        case .day: "tanggal impor (tarifnya musiman)"
        case .reference: "tarif yang dinyatakan di bagian lain: \(detail)"
        case .alternative: "tarif alternatif mana yang sesuai dengan barang (\(detail))"
        }
    }
}

/// The duty a rate gives for a consignment, or the inputs it still needs.
public enum DutyOutcome: Sendable, Hashable {
    /// The exact duty in the context's currency, with notes on anything assumed.
    case amount(Money, notes: [String])
    /// The inputs without which the rate cannot be computed.
    case needs([MissingInput])

    public var money: Money? {
        if case .amount(let m, _) = self { return m }
        return nil
    }
}
