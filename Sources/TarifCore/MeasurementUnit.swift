/// What a quantity measures. Each dimension has one base unit in which Tarif
/// adds and compares quantities.
public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable {
    /// Base unit: kilogram.
    case mass
    /// Base unit: litre.
    case volume
    /// Base unit: one article (item, piece, head, "No.").
    case count
    /// Base unit: one pair.
    case pairs
    /// Base unit: metre.
    case length
    /// Base unit: square metre.
    case area
    /// Base unit: minute (running time of film, Indonesia's `/menit`).
    case time
    /// Base unit: kilowatt-hour.
    case energy

    public var baseSymbol: String {
        switch self {
        case .mass: "kg"
        case .volume: "l"
        case .count: "item"
        case .pairs: "pr"
        case .length: "m"
        case .area: "m2"
        case .time: "min"
        case .energy: "kWh"
        }
    }
}

/// A unit in which a quantity is stated or a specific duty is charged:
/// a dimension, a multiple of its base unit, and an optional qualifier saying
/// which quantity of the goods counts (`kg` of drained weight, of lactic matter…).
public struct MeasurementUnit: Sendable, Hashable, Codable, CustomStringConvertible {
    public var dimension: Dimension
    /// How many base units one of this unit is (`100 kg` → 100, `t` → 1000, `doz.` → 12).
    public var factor: ExactDecimal
    /// Which quantity counts, in Tarif's canonical words (`drained weight`, `lactic matter`,
    /// `gross`); `nil` for the plain (net) quantity.
    public var qualifier: String?
    /// The symbol as published (`100 kg`, `hl`, `doz.`), for display.
    public var symbol: String

    public init(_ dimension: Dimension, factor: ExactDecimal = .one, qualifier: String? = nil, symbol: String) {
        self.dimension = dimension
        self.factor = factor
        self.qualifier = qualifier
        self.symbol = symbol
    }

    /// The key under which a quantity of this unit is looked up: dimension and qualifier.
    public var basis: QuantityBasis { QuantityBasis(dimension: dimension, qualifier: qualifier) }

    public var description: String {
        qualifier.map { "\(symbol) \($0)" } ?? symbol
    }
}

/// Which quantity of the goods a specific duty is charged on: a dimension and a qualifier.
public struct QuantityBasis: Sendable, Hashable, Codable, CustomStringConvertible {
    public var dimension: Dimension
    public var qualifier: String?

    public init(dimension: Dimension, qualifier: String? = nil) {
        self.dimension = dimension
        self.qualifier = qualifier
    }

    public var description: String {
        qualifier.map { "\(dimension.baseSymbol) (\($0))" } ?? dimension.baseSymbol
    }
}

/// An amount of goods in a unit: `2000000 kg`, `70 l`, `12 doz.`.
public struct Quantity: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: ExactDecimal
    public var unit: MeasurementUnit

    public init(_ value: ExactDecimal, _ unit: MeasurementUnit) {
        self.value = value
        self.unit = unit
    }

    /// The quantity in its dimension's base unit.
    /// - Throws: ``TarifError`` `.overflow` when it does not fit (never within ``InputLimits``).
    public func baseValue() throws(TarifError) -> ExactDecimal { try value * unit.factor }

    /// Parses `2000000kg`, `2,000,000 kg`, `70 l`, `5 hl`, `12 doz`, `1200 kg drained weight`.
    /// - Throws: ``TarifError`` `.badQuantity` naming the part that is not understood.
    public init(parsing text: String, field: String = "quantity") throws {
        try InputLimits.checkName(text, field: field)
        let trimmed = text.trimmingCharacters(in: " \t")
        let numberEnd = trimmed.firstIndex { !($0.isNumber || $0 == "." || $0 == "," || $0 == "-") } ?? trimmed.endIndex
        let numberText = trimmed[..<numberEnd]
        guard let value = NumberFormat.pointDecimal.parse(numberText) else {
            throw TarifError(.badQuantity, "'\(InputLimits.echo(text))' does not start with a number (write it like 2000000kg or 70 l)")
        }
        guard !value.isNegative else {
            throw TarifError(.badQuantity, "'\(InputLimits.echo(text))' is negative; a quantity is zero or more")
        }
        _ = try InputLimits.quantity(value, field: field)
        let unitText = trimmed[numberEnd...].trimmingCharacters(in: " \t")
        guard !unitText.isEmpty else {
            throw TarifError(.badQuantity, "'\(InputLimits.echo(text))' has no unit (write it like 2000000kg or 70 l)")
        }
        guard let unit = UnitVocabulary.parse(unitText) else {
            throw TarifError(
                .badQuantity,
                "'\(unitText)' in '\(InputLimits.echo(text))' is not a unit Tarif knows (kg, g, t, l, hl, m, m2, m3, item, doz, pr, min, kWh…)")
        }
        self.init(value, unit)
    }

    public var description: String { "\(value.normalized) \(unit)" }
}
