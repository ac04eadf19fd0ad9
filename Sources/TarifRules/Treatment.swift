public import TarifCore

/// One way the goods could be treated at the border, with its rate, its duty and the law behind it.
public struct Treatment: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The MFN applied rate (GATT Art. I:1).
        case mfn
        /// A preference under an agreement or a unilateral scheme.
        case preferential
        /// The rate for origins without MFN status (US column 2).
        case nonMFN = "non_mfn"
    }

    public var kind: Kind
    /// The program code, for preferences from a national schedule (US `S`, `A+`).
    public var program: String?
    /// The registry id of the agreement or scheme behind a preference (`USMCA`, `ATIGA`).
    public var agreement: String?
    public var legalBasis: LegalBasis
    /// Where the rate is published: "HTSUS column 1 Special", or a staged schedule's title.
    public var rateSource: String?
    /// The rate as published, and parsed; `nil` when the treatment has no rate on this line.
    public var rateText: String?
    public var rate: DutyExpression?
    /// The code of the line the rate is published on (a parent of the asked line, for US statistical lines).
    public var publishedOn: TariffCode?
    /// The exact duty, when every input the rate needs is known.
    public var duty: Money?
    /// Duty ÷ customs value × 100, in percent at 4 places.
    public var adValoremEquivalent: ExactDecimal?
    /// MFN duty − this duty (positive when this treatment is cheaper); for preferences.
    public var marginOfPreference: Money?
    /// The same margin in percentage points of the customs value.
    public var marginPoints: ExactDecimal?
    /// The inputs the rate needs and the consignment did not state.
    public var missing: [MissingInput]
    /// What the importer requires for the treatment (proof of origin).
    public var conditions: [String]
    /// Why the treatment does not apply to this consignment, when it does not.
    public var excludedBecause: String?
    public var notes: [String]

    public init(
        kind: Kind, program: String? = nil, agreement: String? = nil, legalBasis: LegalBasis, rateSource: String? = nil,
        rateText: String?, rate: DutyExpression?, publishedOn: TariffCode?, duty: Money? = nil,
        adValoremEquivalent: ExactDecimal? = nil, marginOfPreference: Money? = nil, marginPoints: ExactDecimal? = nil,
        missing: [MissingInput] = [], conditions: [String] = [], excludedBecause: String? = nil, notes: [String] = []
    ) {
        self.kind = kind
        self.program = program
        self.agreement = agreement
        self.legalBasis = legalBasis
        self.rateSource = rateSource
        self.rateText = rateText
        self.rate = rate
        self.publishedOn = publishedOn
        self.duty = duty
        self.adValoremEquivalent = adValoremEquivalent
        self.marginOfPreference = marginOfPreference
        self.marginPoints = marginPoints
        self.missing = missing
        self.conditions = conditions
        self.excludedBecause = excludedBecause
        self.notes = notes
    }

    /// Whether the treatment is open to the consignment.
    public var isAvailable: Bool { excludedBecause == nil }

    /// A short name: "MFN", "USMCA (S)", "column 2".
    public var label: String {
        switch kind {
        case .mfn: return "MFN"
        case .nonMFN: return "non-MFN (column 2)"
        case .preferential:
            switch (agreement, program) {
            case let (a?, p?): return a == p ? a : "\(a) (\(p))"
            case let (a?, nil): return a
            case let (nil, p?): return p
            default: return "preference"
            }
        }
    }
}

/// A duty the schedule adds on top of, or in place of, the applied rate: a US chapter 99
/// heading the line's footnotes point to (Section 301, Section 232, column 2 increases).
/// Listed beside the treatments, never folded into them.
public struct AdditionalDuty: Sendable, Hashable, Codable {
    public enum Effect: String, Sendable, Hashable, Codable {
        /// "The duty provided in the applicable subheading + 25%": the rate is added.
        case addOn = "add-on"
        /// A rate of its own that replaces the applied rate.
        case inLieu = "in-lieu"
        /// "The duty provided in the applicable subheading": no change (an exclusion heading).
        case noChange = "no-change"
    }

    /// The chapter 99 heading.
    public var heading: TariffCode
    public var description: String
    /// The heading's rate as published, and which column it is in ("general", "column 2").
    public var rateText: String
    public var column: String
    public var effect: Effect
    /// The added rate (add-on) or the replacing rate (in lieu).
    public var rate: DutyExpression?
    /// The origins the heading names ("articles the product of China").
    public var origins: [CountryCode]
    public var effectiveFrom: Day?
    /// The last day it applies, when the heading states one.
    public var effectiveThrough: Day?
    /// Whether it applies to this consignment: `nil` when the data cannot tell.
    public var applies: Bool?
    public var reason: String
    /// The amount of an add-on, or of an in-lieu rate, when computable.
    public var duty: Money?
    public var legalBasis: String
    /// "Articles the product of any country": every origin, less its exceptions.
    public var anyCountry: Bool = false
    /// The headings whose products the heading's text excepts ("except for products described
    /// in headings 9903.01.26–9903.01.33 …", "except as provided for in heading 9903.01.34").
    public var exceptions: [HeadingRange] = []
    /// A fact of the consignment the heading turns on that no list holds (donations, goods in
    /// transit, the U.S. content…), in a few words; `nil` when the text names none.
    public var condition: String?
    /// The loaded product list that is the heading's scope (``Chapter99ScopeRow/list``), when one is.
    public var productList: String?
    /// The bounds its text puts on the line's own column 1 rate ("with an ad valorem … rate of duty
    /// under column 1-General less than 15 percent"), in percent.
    public var columnOneBelow: ExactDecimal?
    public var columnOneAtLeast: ExactDecimal?

    /// The fields an answer carries (the scope's working parts stay out: `reason` says what they decided).
    enum CodingKeys: String, CodingKey {
        case heading, description, rateText, column, effect, rate, origins, effectiveFrom, effectiveThrough, applies, reason, duty, legalBasis
    }

    public init(
        heading: TariffCode, description: String, rateText: String, column: String, effect: Effect, rate: DutyExpression?,
        origins: [CountryCode], effectiveFrom: Day?, effectiveThrough: Day?, applies: Bool? = nil, reason: String = "",
        duty: Money? = nil, legalBasis: String
    ) {
        self.heading = heading
        self.description = description
        self.rateText = rateText
        self.column = column
        self.effect = effect
        self.rate = rate
        self.origins = origins
        self.effectiveFrom = effectiveFrom
        self.effectiveThrough = effectiveThrough
        self.applies = applies
        self.reason = reason
        self.duty = duty
        self.legalBasis = legalBasis
    }
}
