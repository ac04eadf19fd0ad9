public import TarifCore

/// The answer to "which duty applies to this good, on this day, and why": every
/// candidate treatment, the one that applies, and an explanation in English and Indonesian.
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
    public var treatments: [Treatment]
    /// Indexes into `treatments` of the treatment(s) that apply (two when they tie).
    public var applied: [Int]
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
        explanation: Explanation
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
        self.explanation = explanation
    }

    /// The treatment that applies (the first, when two tie).
    public var appliedTreatment: Treatment? { applied.first.map { treatments[$0] } }
}
