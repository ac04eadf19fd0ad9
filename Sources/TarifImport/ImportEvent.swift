public import TarifCore

/// What a reader finds in a publication, in file order. `schedule` is the reader's
/// role name for the schedule a row belongs to (`mfn`; `ukgt` and `cet` for the UK
/// file), which the catalog maps to a series.
public enum ImportEvent: Sendable {
    case hsSection(HSSection)
    case hsEntry(HSEntry)
    case country(Country)
    case line(schedule: String, TariffLine)
    case rate(schedule: String, LineRate)
    case note(schedule: String, LineNote)
    case unparsed(schedule: String, UnparsedRate)
    case preferenceScheme(PreferenceScheme)
    case rtaRecord(RTARecord)
    case originRuleSet(OriginRuleSet)
    /// A product of a list deciding a US chapter 99 heading's scope.
    case chapter99Scope(Chapter99ScopeRow)
    case quota(TariffQuota)
    /// An item of a reference publication left out, with where and why (the report lists it).
    case skipped(SourceLocation, String)
}

/// A reader of one publication format.
public protocol PublicationReader: Sendable {
    /// The format's name in the catalog and on the command line (`btki`, `hts-json`…).
    static var format: String { get }
    /// The schedule roles it emits (`[]` for reference data such as the HS).
    static var scheduleRoles: [String] { get }
    init()
    /// Reads the whole publication, handing each item to `emit` in file order.
    /// - Throws: ``TarifError`` with file, line and column at the first problem.
    func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws
    /// The SHA-256 that identifies the publication's content: of the file, or for a
    /// publication spread over several files (Japan's chapters), of all of them.
    static func contentHash(of path: String, displayName: String) throws -> String
    /// Whether the catalog names a directory of files rather than one file.
    static var readsDirectory: Bool { get }
    /// Reads a publication that is a directory of files (``readsDirectory``), reporting the
    /// share done to `progress`.
    func read(directory path: String, displayName: String, progress: (Double) -> Void, emit: (ImportEvent) throws -> Void) throws
}

extension PublicationReader {
    public static func contentHash(of path: String, displayName: String) throws -> String {
        try ByteSource.contentHash(of: path, displayName: displayName)
    }

    public static var readsDirectory: Bool { false }

    public func read(directory path: String, displayName: String, progress: (Double) -> Void, emit: (ImportEvent) throws -> Void) throws {
        throw TarifError(.badFile, "format \(Self.format) reads one file, not a directory", at: SourceLocation(file: displayName))
    }
}

/// Every reader Tarif has, by format name.
public enum PublicationFormats {
    public static let all: [any PublicationReader.Type] = [
        HSNomenclatureReader.self, HSSectionsReader.self, CountryCodesReader.self, BTKIReader.self,
        UKGlobalTariffReader.self, USHTSReader.self, UKPreferenceSchemesReader.self, JapanTariffReader.self,
        WITSTariffReader.self, WITSBoundReader.self, AustralianTariffReader.self, WTORTAReader.self, UKProductRulesReader.self,
        USChapter99ScopeReader.self, UKQuotaReader.self,
    ]

    /// The reader for `format`.
    /// - Throws: ``TarifError`` `.unknownFormat` listing the known ones.
    public static func reader(for format: String) throws -> any PublicationReader {
        guard let type = all.first(where: { $0.format == format }) else {
            throw TarifError(
                .unknownFormat, "'\(format)' is not a format Tarif reads; it reads \(all.map { $0.format }.joined(separator: ", "))")
        }
        return type.init()
    }
}

extension PublicationReader {
    /// Parses `text` as a rate, sending either the rate or an unparsed entry.
    func emitRate(
        _ text: String, code: TariffCode, kind: RateKind, program: String? = nil, schedule: String,
        parser: DutyExpressionParser, at location: SourceLocation, emit: (ImportEvent) throws -> Void
    ) throws {
        do {
            guard let expression = try parser.parse(text) else { return }
            try emit(.rate(schedule: schedule, LineRate(code: code, kind: kind, program: program, text: text, expression: expression)))
        } catch let error as TarifError {
            try emit(.unparsed(schedule: schedule, UnparsedRate(location: location, code: code, kind: kind, text: text, reason: error.message)))
        }
    }
}
