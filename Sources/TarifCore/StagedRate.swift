/// A preferential schedule as an agreement publishes it: for each line, the rate
/// from each staging year on (the shape of the ITA FTA Tariff Tool files and of the
/// tariff schedules annexed to ASEAN agreements).
public struct StagedSchedule: Sendable, Hashable, Codable {
    public var importer: CountryCode
    /// The registry id of the agreement (`ATIGA`, `US-AU`).
    public var agreement: String
    /// The only origin the schedule is for; `nil` when it holds for every party the importer grants the agreement to.
    public var partner: CountryCode?
    public var title: String
    /// The instrument that enacts the schedule: "PMK No. …/2022, Annex", "AUSFTA Annex 2-B (Schedule of the United States)".
    public var legalSource: String
    public var currency: Currency
    public var sourceFile: String

    public init(
        importer: CountryCode, agreement: String, partner: CountryCode?, title: String, legalSource: String, currency: Currency,
        sourceFile: String
    ) {
        self.importer = importer
        self.agreement = agreement
        self.partner = partner
        self.title = title
        self.legalSource = legalSource
        self.currency = currency
        self.sourceFile = sourceFile
    }
}

/// One stage of one line: the rate that holds from `validFrom` until the line's next stage.
public struct StagedRate: Sendable, Hashable, Codable {
    public var importer: CountryCode
    public var partner: CountryCode?
    public var code: TariffCode
    public var validFrom: Day
    public var text: String
    public var expression: DutyExpression
    /// The base (pre-agreement) rate as published, and the staging category.
    public var baseRate: String?
    public var staging: String?

    public init(
        importer: CountryCode, partner: CountryCode?, code: TariffCode, validFrom: Day, text: String, expression: DutyExpression,
        baseRate: String? = nil, staging: String? = nil
    ) {
        self.importer = importer
        self.partner = partner
        self.code = code
        self.validFrom = validFrom
        self.text = text
        self.expression = expression
        self.baseRate = baseRate
        self.staging = staging
    }
}

/// A staged rate as found for a line: the stage in force and the schedule it comes from.
public struct StagedRateFound: Sendable, Hashable, Codable {
    public var schedule: StagedSchedule
    public var rate: StagedRate
    /// The first day of the next stage, if there is one.
    public var validUntil: Day?

    public init(schedule: StagedSchedule, rate: StagedRate, validUntil: Day?) {
        self.schedule = schedule
        self.rate = rate
        self.validUntil = validUntil
    }
}
