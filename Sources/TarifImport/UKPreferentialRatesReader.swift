import Foundation
public import TarifCore

/// The UK's preferential rates of 2022 by partner, as the Department for International Trade's
/// tariff-schedule workbooks hold them (`pref_data3.xlsx`: partner, commodity code written
/// `x0101` — a code covers every code below it —, the 2022 rate as a fraction or as UK Global
/// Tariff text, a seasonal validity, a staging flag and a note letter), with the year-by-year
/// staging 2022–2034 (`staging_data4.xlsx`) and the partner list (`hs_2022_country_input.xlsx`:
/// ISO code, the names each workbook uses, the agreement) beside it.
///
/// Each partner's rates become a staged schedule of the UK scheme its agreement is (`GBR-japan`,
/// `GBR-sacum` for South Africa…), for that partner; a group without a code (CARIFORUM, ESA,
/// Central America, the Pacific States, the EU) for every member of its scheme.
///
/// The workbooks are an analyst's working files: they list the lines whose preferential rate
/// is stated; an absent code is not proof that no preference applies. Fractions are stored as
/// binary floating point (`4.4999999999999998E-2`); they are read as percentages rounded to four
/// decimal places (4.5%). The tariff-rate quotas (`trq_data4.xlsx`) are ``UKQuotaReader``'s.
public struct UKPreferentialRatesReader: StagingReader {
    public static let format = "gbr-fta-pref-xlsx"
    public init() {}

    static let countryFile = "hs_2022_country_input.xlsx"
    static let stagingFile = "staging_data4.xlsx"
    /// The first and last staging years of `staging_data4.xlsx` (columns `staging_2022` …).
    static let years = 2022...2034

    /// The workbooks' agreement names → the UK Trade Tariff's scheme codes.
    static let schemes: [String: String] = [
        "Albania": "albania", "Andean countries": "andean", "South Africa Customs Union plus Mozambique": "sacum", "Cameroon": "cameroon",
        "Canada": "canada", "CARIFORUM": "cariforum", "Central America": "central-america", "Chile": "chile", "Cote d'Ivoire": "cotedivoire",
        "Egypt": "egypt", "Eastern and Southern Africa": "esa", "EU": "eu", "Faroe Islands": "faroe-islands", "Georgia": "georgia",
        "Ghana": "ghana", "Iceland": "iceland-norway", "Norway": "iceland-norway", "Israel": "israel", "Japan": "japan", "Jordan": "jordan",
        "Kenya": "kenya", "Kosovo": "kosovo", "Lebanon": "lebanon", "Mexico": "mexico", "Moldova": "moldova", "Morocco": "morocco",
        "North Macedonia": "north-macedonia", "Pacific States": "pacific", "Palestinian Authority": "palestinian-authority",
        "Republic of Korea": "south-korea", "Serbia": "serbia", "Singapore": "singapore", "Switzerland": "switzerland-liechtenstein",
        "Tunisia": "tunisia", "Turkey": "turkey", "Ukraine": "ukraine", "Vietnam": "vietnam",
    ]

    public static func contentHash(of path: String, displayName: String) throws -> String {
        var hasher = SHA256()
        for (p, d) in [(path, displayName)] + (try siblings(of: path, displayName: displayName)) {
            hasher.update(Array(try ByteSource.contentHash(of: p, displayName: d).utf8))
        }
        return hasher.finalizeHex()
    }

    /// The country list and the staging workbook, beside the rates workbook.
    static func siblings(of path: String, displayName: String) throws -> [(String, String)] {
        try [countryFile, stagingFile].map { name in
            let found = ByteSource.beside(name, of: path, displayName: displayName)
            guard FileManager.default.fileExists(atPath: found.path) else {
                throw TarifError(.io, "'\(name)' is not beside the rates workbook", at: SourceLocation(file: displayName))
            }
            return found
        }
    }

    struct Partner {
        var iso2: String
        var stagingName: String
        var scheme: String
    }

    /// The partners of the country workbook (`hs_2022_country_input.xlsx`), by the name the
    /// rates and quota workbooks use (its column C): ISO code, staging name and scheme.
    static func partners(path: String, displayName: String) throws -> [String: Partner] {
        let countryBook = try XLSXWorkbook(path: path, displayName: displayName)
        var partners: [String: Partner] = [:]
        for row in try countryBook.rows(of: countryBook.sheetNames.first ?? "Sheet1").dropFirst() {
            let name = row.cells["C"] ?? ""
            guard !name.isEmpty else { continue }
            let agreement = row.cells["F"] ?? ""
            guard let scheme = schemes[agreement] else {
                throw TarifError(
                    .badFile, "agreement '\(InputLimits.echo(agreement))' is not one Tarif maps to a UK scheme",
                    at: SourceLocation(file: displayName, field: "Sheet1!F\(row.number)"))
            }
            partners[name] = Partner(iso2: row.cells["B"] ?? "", stagingName: row.cells["E"] ?? row.cells["A"] ?? "", scheme: scheme)
        }
        return partners
    }

    public func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void
    ) throws {
        try read(source, config: config, country: country, emit: emit, unparsed: { u in throw TarifError(.badRate, u.reason, at: u.location) })
    }

    /// Reads the workbooks; a cell that is not one rate goes to `unparsed` with its sheet and
    /// cell, and its line is left out (listed, not guessed).
    public func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void,
        unparsed: (UnparsedRate) throws -> Void
    ) throws {
        let siblings = try Self.siblings(of: source.path, displayName: source.displayName)
        let partners = try Self.partners(path: siblings[0].0, displayName: siblings[0].1)
        // Staging: (staging name, 10-digit code) → the rate text of each year.
        let stagingBook = try XLSXWorkbook(path: siblings[1].0, displayName: siblings[1].1)
        let stagingRows = try stagingBook.rows(of: stagingBook.sheetNames.first ?? "Sheet1")
        var yearColumn: [Int: String] = [:]
        for (letter, title) in stagingRows.first?.cells ?? [:] where title.hasPrefix("staging_") {
            if let y = Int(title.dropFirst("staging_".count)), Self.years.contains(y) { yearColumn[y] = letter }
        }
        guard yearColumn.count == Self.years.count else {
            throw TarifError(.badFile, "the staging workbook has no columns staging_2022 … staging_2034", at: SourceLocation(file: siblings[1].1, field: "Sheet1!1"))
        }
        var staging: [String: (row: Int, cells: [String: String])] = [:]
        for row in stagingRows.dropFirst() {
            guard let name = row.cells["A"], let long = row.cells["C"] else { continue }
            staging["\(name)|\(long.filter(\.isNumber))"] = (row.number, row.cells)
        }

        let book = try XLSXWorkbook(path: source.path, displayName: source.displayName)
        let sheet = book.sheetNames.first ?? "Sheet1"
        let rows = try book.rows(of: sheet)
        guard let header = rows.first, header.cells["A"] == "fta country", header.cells["B"] == "Commodity code",
            header.cells["C"]?.hasPrefix("Preferential duty rate") == true
        else {
            throw TarifError(.badFile, "the rates sheet does not start 'fta country', 'Commodity code', 'Preferential duty rate 2022'",
                at: SourceLocation(file: source.displayName, field: "\(sheet)!A1"))
        }
        let parser = DutyExpressionParser(dialect: .ukGlobalTariff)
        let first = try config.day(of: Self.years.lowerBound, at: SourceLocation(file: source.displayName))
        // Rows of one partner and code (a seasonal line has one row per season) are read together.
        var groups: [(key: String, rows: [XLSXWorkbook.Row])] = []
        var index: [String: Int] = [:]
        for row in rows.dropFirst() where !(row.cells["A"] ?? "").isEmpty {
            let key = "\(row.cells["A"]!)|\(row.cells["B"] ?? "")"
            if let i = index[key] { groups[i].rows.append(row) } else {
                index[key] = groups.count
                groups.append((key, [row]))
            }
        }
        for var group in groups {
            // A row printed twice alike is one row.
            var seen: Set<String> = []
            group.rows = group.rows.filter { seen.insert("\($0.cells["C"] ?? "")|\($0.cells["D"] ?? "")").inserted }
            let row = group.rows[0]
            func at(_ column: String, _ r: XLSXWorkbook.Row = row) -> SourceLocation {
                SourceLocation(file: source.displayName, field: "\(sheet)!\(column)\(r.number)")
            }
            let name = row.cells["A"]!
            guard let partner = partners[name] else {
                throw TarifError(.notFound, "partner '\(InputLimits.echo(name))' is not in \(Self.countryFile)", at: at("A"))
            }
            let codeText = (row.cells["B"] ?? "").drop { $0 == "x" }
            let code: TariffCode
            do { code = try TariffCode(String(codeText)) } catch let e as TarifError { throw e.located(at("B")) }
            let partnerCode = partner.iso2.count == 2 ? country(partner.iso2)?.code : nil
            let schedule = StagedSchedule(
                importer: .unitedKingdom, agreement: "GBR-\(partner.scheme)", partner: partnerCode,
                title: "\(config.title): \(name)", legalSource: config.legalSource, currency: .gbp, sourceFile: config.sourceFile)
            // The 2022 rate, seasonal where the rows give periods.
            let rate: (text: String, expression: DutyExpression)
            do {
            if group.rows.count == 1, (row.cells["D"] ?? "-") == "-" {
                rate = try Self.rate(row.cells["C"] ?? "", parser: parser, at: at("C"))
            } else {
                var seasons: [SeasonalRate] = []
                var texts: [String] = []
                for r in group.rows {
                    let validity = r.cells["D"] ?? "-"
                    guard let period = Self.period(validity) else {
                        throw TarifError(
                            .badRate, "the line is listed \(group.rows.count) times with different rates or periods, and '\(InputLimits.echo(validity))' is not a period 'dd-mm to dd-mm'",
                            at: at("D", r))
                    }
                    let part = try Self.rate(r.cells["C"] ?? "", parser: parser, at: at("C", r))
                    seasons.append(SeasonalRate(rate: part.expression, periods: [period]))
                    texts.append("\(part.text) (\(validity))")
                }
                rate = (texts.joined(separator: "; "), .seasonal(seasons))
            }
            } catch let e as TarifError where e.code == .badRate {
                try unparsed(UnparsedRate(location: e.location ?? at("C"), code: code, kind: .preferential, text: row.cells["C"] ?? "", reason: e.message))
                continue
            }
            let flag = row.cells["E"] ?? "-"
            let note = row.cells["F"] ?? "-"
            var label = [flag == "-" ? nil : "staging \(flag)", note == "-" ? nil : "note \(note)"].compactMap { $0 }.joined(separator: "; ")
            var stages: [(year: Int, text: String, expression: DutyExpression)] = [(Self.years.lowerBound, rate.text, rate.expression)]
            let long = String((row.cells["H"] ?? "").filter(\.isNumber))
            if flag == "X", group.rows.count == 1, let staged = staging["\(partner.stagingName)|\(long)"] {
                // The staging workbook's years are used only where its 2022 rate is the rates workbook's:
                // where the two disagree (Japan's years run from 1 April in the agreement), no later year is guessed.
                var years: [(year: Int, text: String, expression: DutyExpression)] = []
                var failed = false
                for year in Self.years {
                    guard let letter = yearColumn[year], let cell = staged.cells[letter], !cell.isEmpty, cell != "-" else { continue }
                    let location = SourceLocation(file: siblings[1].1, field: "Sheet1!\(letter)\(staged.row)")
                    do {
                        let r = try Self.rate(cell, parser: parser, at: location)
                        if years.last?.text != r.text { years.append((year, r.text, r.expression)) }
                    } catch let e as TarifError where e.code == .badRate {
                        // A year that cannot be read: the line keeps its 2022 rate only, and the cell is listed.
                        try unparsed(UnparsedRate(location: location, code: code, kind: .preferential, text: cell, reason: e.message))
                        failed = true
                        break
                    }
                }
                if !failed, let first = years.first, first.year == Self.years.lowerBound, first.text == rate.text {
                    stages = years
                } else if !failed, let first = years.first {
                    label += (label.isEmpty ? "" : "; ") + "the staging workbook's first rate (\(first.text), \(first.year)) differs: later years not loaded"
                }
            }
            for stage in stages {
                try emit(
                    schedule,
                    StagedRate(
                        importer: .unitedKingdom, partner: partnerCode, code: code,
                        validFrom: stage.year == Self.years.lowerBound ? first : try config.day(of: stage.year, at: at("E")), text: stage.text,
                        expression: stage.expression, staging: label.isEmpty ? nil : label))
            }
        }
    }

    /// A cell as a rate: a fraction (`0.06`, `4.4999999999999998E-2`) is a percentage, rounded to
    /// four decimal places; anything else is UK Global Tariff text.
    static func rate(_ cell: String, parser: DutyExpressionParser, at: SourceLocation) throws -> (text: String, expression: DutyExpression) {
        let t = cell.trimming(" ")
        if !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "E" || $0 == "e" || $0 == "-" || $0 == "+" }) {
            guard let fraction = Double(t), fraction.isFinite, fraction >= 0, fraction <= 10 else {
                throw TarifError(.badRate, "'\(InputLimits.echo(t))' is not a fraction between 0 and 10", at: at)
            }
            let basisPoints = Int128((fraction * 1_000_000).rounded())  // percent × 10,000
            let percent = ExactDecimal(significand: basisPoints, scale: 4).normalized
            if percent.isZero { return ("0%", .free(condition: nil)) }
            return ("\(percent)%", .adValorem(Percentage(percent), basis: .customsValue))
        }
        do {
            guard let expression = try parser.parse(t) else { throw TarifError(.badRate, "the cell states no rate") }
            return (DutyExpressionParser.fold(t), expression)
        } catch let e as TarifError {
            throw e.located(at)
        }
    }

    /// `01-07 to 31-01` (day-month to day-month).
    static func period(_ text: String) -> SeasonalPeriod? {
        let parts = text.split(separator: " to ")
        guard parts.count == 2 else { return nil }
        func dm(_ s: Substring) -> (Int, Int)? {
            let p = s.trimming(" ").split(separator: "-")
            guard p.count == 2, let d = Int(p[0]), let m = Int(p[1]), (1...12).contains(m), (1...31).contains(d) else { return nil }
            return (d, m)
        }
        guard let from = dm(parts[0]), let to = dm(parts[1]) else { return nil }
        return SeasonalPeriod(fromMonth: from.1, fromDay: from.0, toMonth: to.1, toDay: to.0)
    }
}
