/// A schedule version as stored: its identity, its facts, and the span of days it holds.
public struct StoredSchedule: Sendable, Hashable, Codable {
    public var id: Int64
    public var info: ScheduleInfo
    /// `[validFrom, next version's validFrom)`.
    public var validity: Validity
    public var lineCount: Int
    public var rateCount: Int
    public var unparsedCount: Int
    /// For a revision of a schedule loaded as a history: the version whose rows it shares
    /// (the history's first), each row valid over its own span. Nil: the version owns its rows.
    public var rowsOf: Int64?
    /// The revision's name in its history (`2025_rev_7`); nil for a version loaded alone.
    public var revision: String?

    public init(
        id: Int64, info: ScheduleInfo, validity: Validity, lineCount: Int, rateCount: Int, unparsedCount: Int, rowsOf: Int64? = nil,
        revision: String? = nil
    ) {
        self.rowsOf = rowsOf
        self.revision = revision
        self.id = id
        self.info = info
        self.validity = validity
        self.lineCount = lineCount
        self.rateCount = rateCount
        self.unparsedCount = unparsedCount
    }
}

extension StoredSchedule {
    /// The version whose rows hold this one's lines: itself, or its history's first.
    public var rowsOwner: Int64 { rowsOf ?? id }
}

extension ScheduleInfo {
    /// The series name of an importer's MFN schedule (`IDN-MFN`).
    public static func mfnSeries(for importer: CountryCode) -> String { "\(importer.rawValue)-MFN" }
    /// The series name of an importer's WTO bound schedule (`IDN-BOUND`).
    public static func boundSeries(for importer: CountryCode) -> String { "\(importer.rawValue)-BOUND" }
}
