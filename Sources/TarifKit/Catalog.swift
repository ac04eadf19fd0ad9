import Foundation
public import TarifCore

/// The curated list of official publications `tarif data build` loads, with the facts
/// about each that the files do not hold themselves: whose schedule it is, from when it
/// holds, and which legal instrument enacts it.
public struct Catalog: Sendable, Codable {
    public struct ScheduleEntry: Sendable, Codable, Hashable {
        public var series: String
        public var importer: CountryCode
        public var title: String
        public var nomenclature: String
        public var currency: Currency
        public var validFrom: Day
        /// The first day the version no longer holds, where the publication covers a known span only.
        public var validUntil: Day?
        public var legalSource: String
        /// The fewest lines the publication can hold and be whole (a little under what it
        /// holds): a file with fewer is refused as cut short.
        public var minimumLines: Int?

        public init(
            series: String, importer: CountryCode, title: String, nomenclature: String, currency: Currency, validFrom: Day,
            legalSource: String, minimumLines: Int? = nil
        ) {
            self.minimumLines = minimumLines
            self.series = series
            self.importer = importer
            self.title = title
            self.nomenclature = nomenclature
            self.currency = currency
            self.validFrom = validFrom
            self.legalSource = legalSource
        }

        /// The schedule facts, completed with the file it was read from.
        public func info(file: String, contentHash: String) -> ScheduleInfo {
            ScheduleInfo(
                series: series, importer: importer, title: title, nomenclature: nomenclature, currency: currency,
                validFrom: validFrom, legalSource: legalSource, sourceFile: file, contentHash: contentHash, validUntil: validUntil)
        }
    }

    public struct Publication: Sendable, Codable, Hashable {
        /// Relative to the data directory.
        public var path: String
        public var format: String
        public var title: String
        public var officialSource: String
        public var download: String
        public var note: String?
        /// By reader role (`mfn`, `ukgt`, `cet`).
        public var schedules: [String: ScheduleEntry]?
        /// For a staged preferential schedule: the facts the file does not state.
        public var staging: StagingEntry?
        /// For a schedule's history (the path is its calendar): the series every revision is a version of.
        public var history: HistoryEntry?
    }

    /// A series loaded from its revisions: the facts common to all of them. Each version's
    /// title is `titlePrefix` and the revision's name; its first day is the calendar's.
    public struct HistoryEntry: Sendable, Codable, Hashable {
        public var series: String
        public var importer: CountryCode
        public var titlePrefix: String
        public var nomenclature: String
        public var currency: Currency
        public var legalSource: String
        public var minimumLines: Int?
    }

    /// The agreement and instrument of a staged preferential schedule.
    public struct StagingEntry: Sendable, Codable, Hashable {
        public var agreement: String
        public var importer: CountryCode?
        public var partner: CountryCode?
        public var title: String
        public var legalSource: String
        /// `MM-DD`; `01-01` when absent.
        public var yearStart: String?
    }

    public var publications: [Publication]

    public init(publications: [Publication]) {
        self.publications = publications
    }

    /// The catalog shipped with Tarif.
    /// - Throws: ``TarifError`` when the bundled file is missing or malformed (a broken build).
    public static func bundled() throws -> Catalog {
        try BundledResource.decode(Catalog.self, "sources", in: "Catalog")
    }
}
