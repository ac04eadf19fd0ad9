/// A schedule version as stored: its identity, its facts, and the span of days it holds.
public struct StoredSchedule: Sendable, Hashable, Codable {
    public var id: Int64
    public var info: ScheduleInfo
    /// `[validFrom, next version's validFrom)`.
    public var validity: Validity
    public var lineCount: Int
    public var rateCount: Int
    public var unparsedCount: Int

    public init(id: Int64, info: ScheduleInfo, validity: Validity, lineCount: Int, rateCount: Int, unparsedCount: Int) {
        self.id = id
        self.info = info
        self.validity = validity
        self.lineCount = lineCount
        self.rateCount = rateCount
        self.unparsedCount = unparsedCount
    }
}

extension ScheduleInfo {
    /// The series name of an importer's MFN schedule (`IDN-MFN`).
    public static func mfnSeries(for importer: CountryCode) -> String { "\(importer.rawValue)-MFN" }
    /// The series name of an importer's WTO bound schedule (`IDN-BOUND`).
    public static func boundSeries(for importer: CountryCode) -> String { "\(importer.rawValue)-BOUND" }
}
