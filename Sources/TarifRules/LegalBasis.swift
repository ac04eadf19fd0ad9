public import TarifCore

/// The legal instrument under which a treatment is given: an article of an agreement
/// and the national measure that applies it.
public struct LegalBasis: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The international rule: "GATT 1994 Art. I:1 (most-favoured-nation treatment)".
    public var article: String
    /// The national instrument that sets the rate: "PMK 26/PMK.010/2022 (BTKI 2022)".
    public var instrument: String

    public init(article: String, instrument: String) {
        self.article = article
        self.instrument = instrument
    }

    public var description: String { "\(article); \(instrument)" }

    /// MFN treatment: GATT 1994 Article I:1, applied through the importer's schedule.
    public static func mfn(schedule: ScheduleInfo) -> LegalBasis {
        LegalBasis(
            article: "GATT 1994 Art. I:1 (most-favoured-nation treatment)",
            instrument: schedule.legalSource)
    }
}
