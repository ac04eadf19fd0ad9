public import TarifCore

/// The answer to "which duty applies to this good, on this day, and why": every
/// candidate treatment, the one that applies, any additional duty layer, and an
/// explanation in English and Indonesian.
public struct DutyResolution: Sendable, Hashable, Codable {
    public var importer: CountryCode
    /// The origin of the goods; `nil` when not stated (MFN is then assumed).
    public var origin: CountryCode?
    public var code: TariffCode
    public var line: TariffLine
    public var day: Day
    /// The schedule version the rates come from, and the span it holds.
    public var schedule: ScheduleInfo
    public var scheduleValidity: Validity
    public var customsValue: Money?
    public var quantities: [Quantity]
    /// Every candidate treatment, those that do not apply with the reason.
    public var treatments: [Treatment]
    /// Indexes into `treatments` of the treatment(s) that apply: the lowest duty the
    /// importer must grant, assuming origin is proved; two or more when preferences tie.
    public var applied: [Int]
    /// The treatment the goods fall back to when origin is not proved (MFN, or column 2).
    public var fallback: Int?
    /// Chapter 99 layers the line's footnotes point to, each with whether it applies.
    public var additionalDuties: [AdditionalDuty]
    /// The applied duty with the layers that apply (add-ons added, in-lieu rates substituted);
    /// `nil` when a layer that applies cannot be computed.
    public var dutyWithAdditional: Money?
    /// How the origin stands toward the importer: WTO Member, MFN withdrawn, not stated.
    public var originStatus: String
    /// The tariff-rate quotas open to the goods on the line (or on lines under it): their
    /// in-quota rate holds within the volume, which the customs count.
    public var quotas: [TariffQuota] = []
    public var notes: [String]
    public var explanation: Explanation

    public struct Explanation: Sendable, Hashable, Codable {
        public var english: String
        public var indonesian: String

        public init(english: String, indonesian: String) {
            self.english = english
            self.indonesian = indonesian
        }
    }

    public init(
        importer: CountryCode, origin: CountryCode?, code: TariffCode, line: TariffLine, day: Day, schedule: ScheduleInfo,
        scheduleValidity: Validity, customsValue: Money?, quantities: [Quantity], treatments: [Treatment], applied: [Int],
        fallback: Int? = nil, additionalDuties: [AdditionalDuty] = [], dutyWithAdditional: Money? = nil, originStatus: String = "",
        notes: [String] = [], explanation: Explanation
    ) {
        self.importer = importer
        self.origin = origin
        self.code = code
        self.line = line
        self.day = day
        self.schedule = schedule
        self.scheduleValidity = scheduleValidity
        self.customsValue = customsValue
        self.quantities = quantities
        self.treatments = treatments
        self.applied = applied
        self.fallback = fallback
        self.additionalDuties = additionalDuties
        self.dutyWithAdditional = dutyWithAdditional
        self.originStatus = originStatus
        self.notes = notes
        self.explanation = explanation
    }

    /// The treatment that applies (the first, when two tie).
    public var appliedTreatment: Treatment? { applied.first.map { treatments[$0] } }
}

/// What a schedule publishes for one line, gathered for resolution.
public struct LineTariff: Sendable {
    public var schedule: StoredSchedule
    public var line: TariffLine
    /// The code the rates are published on (the line or the nearest line above).
    public var publishedOn: TariffCode
    public var rates: [LineRate]
    /// Stages of loaded preferential schedules in force on the day, or the first one to come.
    public var staged: [StagedRateFound]
    /// Chapter 99 headings the line's footnotes point to, not yet decided for an origin.
    public var layers: [AdditionalDuty]
    /// The version's chapter 99 headings that name countries whose goods they charge (the
    /// reciprocal and other orders by country), whichever lines they cover.
    public var countryHeadings: [AdditionalDuty] = []
    /// Every heading of the version's subchapter III (9903), for deciding the exceptions the
    /// country headings name.
    public var chapter99Headings: [AdditionalDuty] = []
    /// The scope-list entries touching the line.
    public var chapter99Scope = Chapter99Scope()
    /// The tariff-rate quotas written on the line, a code above it or below it.
    public var quotas: [TariffQuota] = []

    public init(
        schedule: StoredSchedule, line: TariffLine, publishedOn: TariffCode, rates: [LineRate], staged: [StagedRateFound] = [],
        layers: [AdditionalDuty] = []
    ) {
        self.schedule = schedule
        self.line = line
        self.publishedOn = publishedOn
        self.rates = rates
        self.staged = staged
        self.layers = layers
    }
}
