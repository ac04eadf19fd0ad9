/// A customs duty as a schedule states it, parsed into a form Tarif can evaluate.
///
/// The forms are those of the BTKI, the UK Global Tariff / EU CET and the US HTS:
/// ad valorem (`12,5`, `6.8%`), specific (`450,-/kg`, `93.10 GBP / 100 kg`, `6.8¢/kg`),
/// compound (`8.00% + 93.10 GBP / 100 kg`), minimum and maximum (`… MIN …`, `… MAX …`),
/// seasonal (`15.00% (01 JAN-14 FEB, …), 0.00% (15 FEB-15 JUN)`), alternatives among
/// which the goods' kind decides (`15*); 20*); 25*)`), graduated rates (US sugar
/// polarization), and rates that refer elsewhere (the EU agricultural component `EA`,
/// the entry price system, US "The rate applicable to…").
public indirect enum DutyExpression: Sendable, Hashable, Codable {
    /// No duty. `condition` keeps any words that come with it ("under bond, as prescribed in…").
    case free(condition: String?)
    /// A percentage of a value: the customs value, or a component of the goods.
    case adValorem(Percentage, basis: ValueBasis)
    /// An amount of money per unit of quantity.
    case specific(SpecificRate)
    /// The sum of its terms (compound duties).
    case sum([DutyExpression])
    /// `base MIN floor`: the greater of the two.
    case atLeast(DutyExpression, floor: DutyExpression)
    /// `base MAX cap`: the lesser of the two.
    case atMost(DutyExpression, cap: DutyExpression)
    /// A rate that varies with a measured fact (US: "less X for each degree under 100 degrees… but not less than Y").
    case graduated(GraduatedRate)
    /// Rates that apply in parts of the year.
    case seasonal([SeasonalRate])
    /// Several rates of which the kind of goods decides one (Indonesia's PPnBM lists).
    case alternatives([DutyExpression])
    /// A rate that the schedule states by pointing elsewhere.
    case reference(DutyReference)
    /// A rate with a footnote mark or a trailing condition in the publication.
    case annotated(DutyExpression, note: String)

    /// The expression without notes, for comparisons and indexes.
    public var core: DutyExpression {
        if case .annotated(let inner, _) = self { return inner.core }
        return self
    }

    /// Whether the expression is purely ad valorem (its AVE is its rate), and that rate.
    public var adValoremRate: Percentage? {
        switch core {
        case .free: return .zero
        case .adValorem(let p, let basis) where basis == .customsValue: return p
        default: return nil
        }
    }
}

/// A percentage, exact, with room for the fractions the US column 2 prints (`33 1/3%`).
public struct Percentage: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The percentage is `numerator / denominator` percent.
    public var numerator: ExactDecimal
    public var denominator: Int

    public init(_ value: ExactDecimal, denominator: Int = 1) {
        self.numerator = value
        self.denominator = denominator
    }

    public static let zero = Percentage(.zero)

    /// The percentage as a decimal when it terminates, rounded at 12 places otherwise.
    public var value: ExactDecimal {
        if denominator == 1 { return numerator }
        return ((try? numerator.divided(by: ExactDecimal(denominator), scale: 12)) ?? nil) ?? numerator
    }

    public var description: String {
        if denominator == 1 { return "\(numerator.normalized)%" }
        guard let whole = (try? numerator.divided(by: ExactDecimal(denominator), scale: 0, rule: .down)) ?? nil,
              let rest = try? numerator - (try whole * ExactDecimal(denominator))
        else { return "\(numerator.normalized)/\(denominator)%" }
        return "\(whole.normalized) \(rest.normalized)/\(denominator)%"
    }
}

/// What an ad valorem rate is a percentage of.
public enum ValueBasis: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The customs value of the goods (transaction value, GATT Art. VII).
    case customsValue
    /// The value of a named component or a named other value ("the case", "the battery",
    /// "fair retail value", "the value of the lead content").
    case component(String)

    public var description: String {
        switch self {
        case .customsValue: "customs value"
        case .component(let name): name
        }
    }
}

/// `amount per unit`, perhaps per unit of a fact too (`1.40 GBP / % vol / hl`).
public struct SpecificRate: Sendable, Hashable, Codable, CustomStringConvertible {
    public var amount: Money
    public var unit: MeasurementUnit
    public var perFact: RateFact?

    public init(amount: Money, unit: MeasurementUnit, perFact: RateFact? = nil) {
        self.amount = amount
        self.unit = unit
        self.perFact = perFact
    }

    public var description: String {
        let fact = perFact.map { " per \($0)" } ?? ""
        return "\(amount) / \(unit)\(fact)"
    }
}

/// `base less step for each degree under threshold, but not less than floor`.
public struct GraduatedRate: Sendable, Hashable, Codable {
    public var base: SpecificRate
    public var step: SpecificRate
    public var fact: RateFact.Kind
    public var threshold: ExactDecimal
    public var floor: SpecificRate

    public init(base: SpecificRate, step: SpecificRate, fact: RateFact.Kind, threshold: ExactDecimal, floor: SpecificRate) {
        self.base = base
        self.step = step
        self.fact = fact
        self.threshold = threshold
        self.floor = floor
    }
}

/// A rate that holds in some spans of the year; `periods` empty means "the rest of the year".
public struct SeasonalRate: Sendable, Hashable, Codable {
    public var rate: DutyExpression
    public var periods: [SeasonalPeriod]

    public init(rate: DutyExpression, periods: [SeasonalPeriod]) {
        self.rate = rate
        self.periods = periods
    }
}

/// A span of days of any year, from a month-day to a month-day inclusive; it may wrap
/// over the new year (`01 JUL - 31 JAN`).
public struct SeasonalPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public var fromMonth: Int
    public var fromDay: Int
    public var toMonth: Int
    public var toDay: Int

    public init(fromMonth: Int, fromDay: Int, toMonth: Int, toDay: Int) {
        self.fromMonth = fromMonth
        self.fromDay = fromDay
        self.toMonth = toMonth
        self.toDay = toDay
    }

    public func contains(_ day: Day) -> Bool {
        let d = (day.month, day.day)
        let from = (fromMonth, fromDay)
        let to = (toMonth, toDay)
        if from <= to { return d >= from && d <= to }
        return d >= from || d <= to  // wraps over 31 December
    }

    public var description: String {
        let names = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        return "\(fromDay) \(names[fromMonth - 1])-\(toDay) \(names[toMonth - 1])"
    }
}

/// A rate stated by reference to something the schedule line does not hold.
public struct DutyReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// EU/UK agricultural component (`EA`), set by the Meursing table from the goods' composition.
        case agriculturalComponent
        /// EU/UK additional duty on sugar (`ADSZ`).
        case additionalDutySugar
        /// EU/UK additional duty on flour (`ADFM`).
        case additionalDutyFlour
        /// EU/UK entry price system: the duty depends on the consignment's entry price.
        case entryPrice
        /// A rate in another provision of the schedule (US "The rate applicable to…", "See …").
        case otherProvision
        /// A rate set in a footnote or another regulation (Indonesia's bare `*)`).
        case footnote
        /// US chapter 99 "No change": the rate of the goods' own subheading applies unchanged.
        case unchanged
        /// A duty computed from a reference price and the customs value (Japan's gate-price
        /// system for pork, `(73.70円−課税価格)/kg`): it needs the price the law sets.
        case referencePrice
    }

    public var kind: Kind
    /// The publication's own words.
    public var text: String

    public init(_ kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    public var description: String { text }
}
