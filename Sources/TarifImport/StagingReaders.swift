public import TarifCore

/// What the file does not say about a staged preferential schedule: the agreement, and,
/// for files that do not name them, the importer and the partner.
public struct StagingSource: Sendable {
    /// The registry id of the agreement (`ATIGA`, `US-AU`).
    public var agreement: String
    /// The importer, for formats whose rows do not name it.
    public var importer: CountryCode?
    /// The only origin the schedule is for; `nil`: every party the importer grants the agreement to.
    public var partner: CountryCode?
    public var title: String
    public var legalSource: String
    /// The month and day each staging year starts (1 January unless the agreement counts
    /// years from its entry into force).
    public var yearStartMonth: Int
    public var yearStartDay: Int
    public var sourceFile: String

    public init(
        agreement: String, importer: CountryCode? = nil, partner: CountryCode? = nil, title: String, legalSource: String,
        yearStartMonth: Int = 1, yearStartDay: Int = 1, sourceFile: String
    ) {
        self.agreement = agreement
        self.importer = importer
        self.partner = partner
        self.title = title
        self.legalSource = legalSource
        self.yearStartMonth = yearStartMonth
        self.yearStartDay = yearStartDay
        self.sourceFile = sourceFile
    }

    func day(of year: Int, at: SourceLocation) throws -> Day {
        guard let d = Day(year: year, month: yearStartMonth, day: yearStartDay) else {
            throw TarifError(.badDate, "staging year \(year) cannot start on \(yearStartMonth)-\(yearStartDay)", at: at)
        }
        return d
    }
}

/// A reader of staged preferential schedules: for each line, the rate from each staging year.
public protocol StagingReader: Sendable {
    static var format: String { get }
    init()
    /// Reads the whole file, calling `emit` once per stage (a line's rate changing in a year).
    /// - Parameter country: a country by ISO alpha-3 code or by name as the file writes it.
    /// - Throws: ``TarifError`` with the file, line and column of the first problem.
    func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void
    ) throws
    /// Reads the file, handing each cell that is not one rate to `unparsed` rather than refusing the file.
    func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void,
        unparsed: (UnparsedRate) throws -> Void
    ) throws
    /// The SHA-256 that identifies the publication: of the file, or of it and the files it reads beside it.
    static func contentHash(of path: String, displayName: String) throws -> String
}

extension StagingReader {
    public static func contentHash(of path: String, displayName: String) throws -> String {
        try ByteSource.contentHash(of: path, displayName: displayName)
    }

    /// Reads the file, handing each cell that is not one rate to `unparsed` rather than
    /// refusing the file (a reader that has no such cells reads as ``read(_:config:country:emit:)``).
    public func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void,
        unparsed: (UnparsedRate) throws -> Void
    ) throws {
        try read(source, config: config, country: country, emit: emit)
    }
}

/// Every staging reader, by format name.
public enum StagingFormats {
    public static let all: [any StagingReader.Type] = [StagingCSVReader.self, ITAFTAReader.self, INSWCommodityReader.self, UKPreferentialRatesReader.self]

    public static func reader(for format: String) -> (any StagingReader)? {
        all.first { $0.format == format }.map { $0.init() }
    }

    /// The rate dialect of an importer's publications: its number format and currency.
    static func dialect(for importer: Country) throws -> RateDialect {
        switch importer.code.rawValue {
        case "IDN": return .btki
        case "GBR": return .ukGlobalTariff
        case "USA": return .usHTS
        default: return RateDialect(numberFormat: .pointDecimal, defaultCurrency: try Currency(importer.currency))
        }
    }

    /// Parses a staged cell: a bare number is a percentage.
    static func parse(_ text: String, parser: DutyExpressionParser, at: SourceLocation) throws -> DutyExpression? {
        let t = text.trimming(" ")
        if t.isEmpty { return nil }
        let isNumber = t.allSatisfy { $0.isNumber || $0 == "." || $0 == "," }
        do {
            return try parser.parse(isNumber ? t + "%" : t)
        } catch let e as TarifError {
            throw e.located(at)
        }
    }
}

/// Tarif's CSV for staged preferential schedules (documented in `docs/staging.md`):
/// `code`, optional `description`, `base_rate`, `staging` and `partner`, then one column
/// per staging year (`2022` or `Y2022`) holding the rate from that year on; an empty
/// cell keeps the previous year's rate.
public struct StagingCSVReader: StagingReader {
    public static let format = "tarif-staging-csv"
    public init() {}

    public func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void
    ) throws {
        guard let importerCode = config.importer else {
            throw TarifError(.badFile, "\(source.displayName): a tarif-staging-csv file needs the importer (--importer)")
        }
        guard let importer = country(importerCode.rawValue) else {
            throw TarifError(.notFound, "\(source.displayName): importer \(importerCode) is not a known country")
        }
        let csv = try CSVReader(source: source)
        let header = csv.header.map { $0.trimming(" ").lowercased() }
        guard let codeColumn = header.firstIndex(of: "code") else {
            throw TarifError(.badFile, "no 'code' column (the header is: \(csv.header.joined(separator: ", ")))", at: SourceLocation(file: source.displayName, line: 1))
        }
        var years: [(column: Int, year: Int)] = []
        for (i, h) in header.enumerated() {
            let digits = h.hasPrefix("y") ? String(h.dropFirst()) : h
            if digits.count == 4, let y = Int(digits) {
                if let last = years.last, last.year >= y {
                    throw TarifError(.badFile, "year column \(csv.header[i]) is not after \(last.year)", at: SourceLocation(file: source.displayName, line: 1, column: i + 1))
                }
                years.append((i, y))
            }
        }
        guard !years.isEmpty else {
            throw TarifError(.badFile, "no year columns (2022 or Y2022)", at: SourceLocation(file: source.displayName, line: 1))
        }
        let base = header.firstIndex(of: "base_rate")
        let staging = header.firstIndex(of: "staging")
        let partnerColumn = header.firstIndex(of: "partner")
        let parser = DutyExpressionParser(dialect: try StagingFormats.dialect(for: importer))
        var seen: Set<String> = []
        while let r = try csv.next() {
            let f = r.fields
            let at = { (column: Int, field: String) in SourceLocation(file: source.displayName, line: r.line, column: column + 1, field: field) }
            let code: TariffCode
            do { code = try TariffCode(f[codeColumn]) } catch let e as TarifError { throw e.located(at(codeColumn, "code")) }
            var partner = config.partner
            if let p = partnerColumn, !f[p].trimming(" ").isEmpty {
                guard let c = country(f[p].trimming(" ")) else {
                    throw TarifError(.notFound, "partner '\(f[p])' is not a known country", at: at(p, "partner"))
                }
                partner = c.code
            }
            guard seen.insert("\(code.digits)|\(partner?.rawValue ?? "")").inserted else {
                throw TarifError(.badFile, "line \(code) appears twice", at: at(codeColumn, "code"))
            }
            let schedule = StagedSchedule(
                importer: importer.code, agreement: config.agreement, partner: partner, title: config.title,
                legalSource: config.legalSource, currency: parser.dialect.defaultCurrency, sourceFile: config.sourceFile)
            var previous: String?
            for (column, year) in years {
                let text = f[column].trimming(" ")
                guard !text.isEmpty, text != previous else { continue }
                guard let expression = try StagingFormats.parse(text, parser: parser, at: at(column, csv.header[column])) else { continue }
                previous = text
                try emit(
                    schedule,
                    StagedRate(
                        importer: importer.code, partner: partner, code: code, validFrom: try config.day(of: year, at: at(column, csv.header[column])),
                        text: text, expression: expression, baseRate: base.map { f[$0] }.flatMap { $0.isEmpty ? nil : $0 },
                        staging: staging.map { f[$0] }.flatMap { $0.isEmpty ? nil : $0 }))
            }
        }
    }
}

/// The International Trade Administration's FTA Tariff Tool files (`fta_staging_schema/`):
/// one row per line and direction, `TL`, `ReporterName` (the importer), `PartnerName`,
/// `Base_Rate` / `Base_Rate_Alt`, `StagingBasket`, and per year `Yyyyy` (ad valorem,
/// percent) and `Alt_yyyy` (a specific rate, "0.9 cents/kg").
public struct ITAFTAReader: StagingReader {
    public static let format = "ita-fta-csv"
    public init() {}

    public func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void
    ) throws {
        let csv = try CSVReader(source: source)
        let c = try csv.columns(["TL", "ReporterName", "PartnerName", "Base_Rate", "Base_Rate_Alt", "StagingBasket"])
        var years: [(year: Int, rate: Int, alt: Int?)] = []
        for (i, h) in csv.header.enumerated() where h.hasPrefix("Y") && h.count == 5 {
            guard let y = Int(h.dropFirst()) else { continue }
            years.append((y, i, csv.header.firstIndex(of: "Alt_\(y)")))
        }
        guard !years.isEmpty else {
            throw TarifError(.badFile, "no year columns (Y2004…)", at: SourceLocation(file: source.displayName, line: 1))
        }
        var parsers: [CountryCode: DutyExpressionParser] = [:]
        var seen: Set<String> = []
        while let r = try csv.next() {
            let f = r.fields
            let at = { (column: Int) in SourceLocation(file: source.displayName, line: r.line, column: column + 1, field: csv.header[column]) }
            let code: TariffCode
            do { code = try TariffCode(f[c[0]]) } catch let e as TarifError { throw e.located(at(c[0])) }
            guard let importer = country(f[c[1]]) else { throw TarifError(.notFound, "reporter '\(f[c[1]])' is not a known country", at: at(c[1])) }
            guard let partner = country(f[c[2]]) else { throw TarifError(.notFound, "partner '\(f[c[2]])' is not a known country", at: at(c[2])) }
            guard seen.insert("\(importer.code)|\(partner.code)|\(code.digits)").inserted else {
                throw TarifError(.badFile, "line \(code) appears twice for \(importer.code) ← \(partner.code)", at: at(c[0]))
            }
            let parser: DutyExpressionParser
            if let p = parsers[importer.code] {
                parser = p
            } else {
                parser = DutyExpressionParser(dialect: try StagingFormats.dialect(for: importer))
                parsers[importer.code] = parser
            }
            let schedule = StagedSchedule(
                importer: importer.code, agreement: config.agreement, partner: partner.code, title: config.title,
                legalSource: config.legalSource, currency: parser.dialect.defaultCurrency, sourceFile: config.sourceFile)
            let baseText = [f[c[3]].isEmpty ? nil : f[c[3]] + "%", f[c[4]].isEmpty ? nil : Self.specific(f[c[4]])].compactMap { $0 }
                .joined(separator: " + ")
            var previous: String?
            for (year, rateColumn, altColumn) in years {
                let adValorem = f[rateColumn].trimming(" ")
                let specific = altColumn.map { f[$0].trimming(" ") } ?? ""
                let parts = [adValorem.isEmpty ? nil : adValorem + "%", specific.isEmpty ? nil : Self.specific(specific)].compactMap { $0 }
                guard !parts.isEmpty else { continue }
                let text = parts.joined(separator: " + ")
                guard text != previous else { continue }
                guard let expression = try StagingFormats.parse(text, parser: parser, at: at(adValorem.isEmpty ? altColumn! : rateColumn)) else { continue }
                previous = text
                try emit(
                    schedule,
                    StagedRate(
                        importer: importer.code, partner: partner.code, code: code, validFrom: try config.day(of: year, at: at(rateColumn)),
                        text: text, expression: expression, baseRate: baseText.isEmpty ? nil : baseText,
                        staging: f[c[5]].isEmpty ? nil : f[c[5]]))
            }
        }
    }

    /// "0.9 cents/kg" → "0.9¢/kg"; "0.9 cents each" → "0.9¢ each".
    static func specific(_ text: String) -> String {
        var t = text.trimming(" ")
        if let r = t.firstRange(of: " cents") { t = String(t[..<r.lowerBound]) + "¢" + String(t[r.upperBound...]) }
        return t
    }
}
