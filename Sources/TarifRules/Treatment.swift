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
        /// A duty added on top of the applied rate (trade remedies, US chapter 99).
        case additional
    }

    public var kind: Kind
    /// The program or agreement, for preferences.
    public var program: String?
    public var legalBasis: LegalBasis
    /// The rate as published, and parsed.
    public var rateText: String
    public var rate: DutyExpression
    /// The code of the line the rate is published on (a parent of the asked line, for US statistical lines).
    public var publishedOn: TariffCode
    /// The exact duty, when every input the rate needs is known.
    public var duty: Money?
    /// Duty ÷ customs value × 100, in percent at 4 places.
    public var adValoremEquivalent: ExactDecimal?
    /// MFN duty − this duty (positive when this treatment is cheaper); for preferences.
    public var marginOfPreference: Money?
    /// The inputs the rate needs and the consignment did not state.
    public var missing: [MissingInput]
    /// Why the treatment does not apply to this consignment, when it does not.
    public var excludedBecause: String?
    public var notes: [String]

    public init(
        kind: Kind, program: String? = nil, legalBasis: LegalBasis, rateText: String, rate: DutyExpression,
        publishedOn: TariffCode, duty: Money? = nil, adValoremEquivalent: ExactDecimal? = nil,
        marginOfPreference: Money? = nil, missing: [MissingInput] = [], excludedBecause: String? = nil, notes: [String] = []
    ) {
        self.kind = kind
        self.program = program
        self.legalBasis = legalBasis
        self.rateText = rateText
        self.rate = rate
        self.publishedOn = publishedOn
        self.duty = duty
        self.adValoremEquivalent = adValoremEquivalent
        self.marginOfPreference = marginOfPreference
        self.missing = missing
        self.excludedBecause = excludedBecause
        self.notes = notes
    }
}
