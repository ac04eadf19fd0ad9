import Foundation
public import TarifCore

/// The UK's tariff-rate quotas under its trade agreements in 2022, from the Department for
/// International Trade's working workbook (`trq_data4.xlsx`, sheet `TRQs`: FTA country, quota
/// order number, origin quota, commodity code, in-quota rate, its validity, volume, quota
/// period, units, yearly increase, note letter), with the partner list beside it
/// (`hs_2022_country_input.xlsx`, as for ``UKPreferentialRatesReader``).
///
/// Each row is a ``TariffQuota`` of the partner's scheme (`GBR-albania`…) on one code (every
/// line under it). The in-quota rate is a fraction (`0`, `5.5E-2`: 5.5%) or UK Global Tariff
/// text (`2.00% + 15.00 GBP / 100 kg`); text that is not a rate is kept as text, with no
/// expression, and listed. A row printed twice alike is one quota. A workbook without the
/// columns, a partner not in the country list, a code or an order number that is not one is an
/// error naming the sheet and cell, and nothing is loaded.
///
/// The sheet `TRQ_staging` stages some in-quota rates year by year (the UK–SACUM EPA's
/// quota 05.1822, 2022–2026): each becomes the quota's ``TariffQuota/stages``, matched by order
/// number and code; a staged row with no quota row is listed.
public struct UKQuotaReader: PublicationReader {
    public static let format = "gbr-fta-trq-xlsx"
    public static let scheduleRoles: [String] = []
    public init() {}
    static let maxRows = 100_000

    public static func contentHash(of path: String, displayName: String) throws -> String {
        let country = ByteSource.beside(UKPreferentialRatesReader.countryFile, of: path, displayName: displayName)
        // "2": the reader reads the staging sheet too, so a database built before reloads the quotas.
        return try ByteSource.contentHash(ofFiles: [
            ("trq 2", path, displayName), (UKPreferentialRatesReader.countryFile, country.path, country.display),
        ])
    }

    /// Partners the quota workbook names that the country list does not (the members of Central
    /// America and SACUM with quotas of their own, a spelling): scheme, ISO alpha-2 code (none
    /// for a group), and the members a group leaves out.
    static let aliases: [String: (scheme: String, iso2: String?, except: [String])] = [
        "Central America - Costa Rica": ("central-america", "CR", []), "Central America - El Salvador": ("central-america", "SV", []),
        "Central America - Guatemala": ("central-america", "GT", []), "Central America - Honduras": ("central-america", "HN", []),
        "Central America - Nicuragua": ("central-america", "NI", []), "Central America - Panama": ("central-america", "PA", []),
        "Central America ex Panama": ("central-america", nil, ["PA"]), "SACUM - Namibia": ("sacum", "NA", []),
        "Viet Nam": ("vietnam", "VN", []),
    ]

    /// The sheet of in-quota rates staged year by year (`TRQ_staging`: FTA country, quota
    /// number, commodity code, then `Preferential in-quota applied duty rate 2022` … `2026`).
    static let stagingSheet = "TRQ_staging"
    static let stagingPrefix = "Preferential in-quota applied duty rate "
    /// The most years a staging row may have (the UK's agreements stage over at most 20).
    static let maxStagingYears = 40

    /// A quota order number (`05.1500`).
    static func orderNumber(_ text: String, at: SourceLocation) throws -> String {
        guard text.count == 7, text.hasPrefix("05."), text.dropFirst(3).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw TarifError(.badFile, "'\(InputLimits.echo(text))' is not a quota order number (05.nnnn)", at: at)
        }
        return text
    }

    /// A code as the workbook writes it: one stored as a number lost its leading zero (`204.42`
    /// is 0204.42); trailing zero pairs name the code above as a whole (0301.91.00.00 is all of 0301.91).
    static func code(_ text: String, at: SourceLocation) throws -> TariffCode {
        var codeText = text
        if let dot = codeText.firstIndex(of: "."), codeText.distance(from: codeText.startIndex, to: dot) == 3 { codeText = "0" + codeText }
        var code: TariffCode
        do { code = try TariffCode(codeText) } catch let e as TarifError { throw e.located(at) }
        var digits = code.digits
        while digits.count > 6, digits.hasSuffix("00") { digits.removeLast(2) }
        if digits != code.digits { code = try TariffCode(digits) }
        return code
    }

    /// The staged in-quota rates by `order|code digits`, and where each row is. A workbook
    /// without the sheet has none. A year column that is not a year, years out of order, a
    /// row naming a quota twice, or a code that is not one is an error naming the cell; a rate
    /// that is not one is kept as text and listed.
    static func stages(
        _ book: XLSXWorkbook, source: ByteSource, parser: DutyExpressionParser, emit: (ImportEvent) throws -> Void
    ) throws -> (stages: [String: [TariffQuota.Stage]], rows: [String: SourceLocation]) {
        guard book.sheetNames.contains(stagingSheet) else { return ([:], [:]) }
        let sheet = stagingSheet
        let rows = try book.rows(of: sheet)
        guard rows.count <= maxRows + 1 else {
            throw TarifError(.tooLarge, "\(rows.count - 1) rows; at most \(maxRows) are read", at: SourceLocation(file: source.displayName, field: sheet))
        }
        guard let header = rows.first else { return ([:], [:]) }
        var letter: [String: String] = [:]
        var years: [(letter: String, year: Int)] = []
        for (l, title) in header.cells.sorted(by: { ($0.key.count, $0.key) < ($1.key.count, $1.key) }) {
            let name = DutyExpressionParser.fold(title).trimming(" ")
            if ["FTA country", "Quota number", "Commodity code"].contains(name) { letter[name] = l }
            if name.hasPrefix(stagingPrefix) {
                let at = SourceLocation(file: source.displayName, field: "\(sheet)!\(l)1")
                guard let year = Int(name.dropFirst(stagingPrefix.count)), (1995...2100).contains(year) else {
                    throw TarifError(.badFile, "'\(InputLimits.echo(name))' does not end in a year", at: at)
                }
                guard years.last.map({ $0.year < year }) ?? true else {
                    throw TarifError(.badFile, "year \(year) comes after \(years.last!.year): the years must rise from left to right", at: at)
                }
                years.append((l, year))
            }
        }
        for c in ["Quota number", "Commodity code"] where letter[c] == nil {
            throw TarifError(.badFile, "the sheet has no column '\(c)'", at: SourceLocation(file: source.displayName, field: "\(sheet)!1"))
        }
        guard !years.isEmpty else {
            throw TarifError(.badFile, "the sheet has no column '\(stagingPrefix)YYYY'", at: SourceLocation(file: source.displayName, field: "\(sheet)!1"))
        }
        guard years.count <= maxStagingYears else {
            throw TarifError(.tooLarge, "\(years.count) year columns; at most \(maxStagingYears) are read", at: SourceLocation(file: source.displayName, field: "\(sheet)!1"))
        }
        var stages: [String: [TariffQuota.Stage]] = [:]
        var at: [String: SourceLocation] = [:]
        for row in rows.dropFirst() {
            func cell(_ l: String) -> String { DutyExpressionParser.fold(row.cells[l] ?? "").trimming(" ") }
            func here(_ l: String) -> SourceLocation { SourceLocation(file: source.displayName, field: "\(sheet)!\(l)\(row.number)") }
            if cell(letter["Quota number"]!).isEmpty && cell(letter["Commodity code"]!).isEmpty { continue }
            let order = try Self.orderNumber(cell(letter["Quota number"]!), at: here(letter["Quota number"]!))
            let code = try Self.code(cell(letter["Commodity code"]!), at: here(letter["Commodity code"]!))
            let key = "\(order)|\(code.digits)"
            guard stages[key] == nil else {
                throw TarifError(.badFile, "quota \(order) on \(code.formatted) is staged twice (also at \(at[key]!.description))", at: here("A"))
            }
            var list: [TariffQuota.Stage] = []
            for (l, year) in years {
                let text = cell(l)
                guard !text.isEmpty else { continue }
                do {
                    let r = try UKPreferentialRatesReader.rate(text, parser: parser, at: here(l))
                    if case .reference = r.expression.core {
                        try emit(.skipped(here(l), "staged in-quota rate '\(InputLimits.echo(text))' kept as text: it states no rate"))
                        list.append(TariffQuota.Stage(year: year, text: r.text, expression: nil))
                    } else {
                        list.append(TariffQuota.Stage(year: year, text: r.text, expression: r.expression))
                    }
                } catch let e as TarifError where e.code == .badRate {
                    try emit(.skipped(here(l), "staged in-quota rate '\(InputLimits.echo(text))' kept as text: \(e.message)"))
                    list.append(TariffQuota.Stage(year: year, text: String(text.prefix(200)), expression: nil))
                }
            }
            guard !list.isEmpty else { continue }
            stages[key] = list
            at[key] = here("A")
        }
        return (stages, at)
    }

    /// The columns by their header (the workbook's headers end in a no-break space).
    static let columns = [
        "FTA country", "Quota number", "Origin Quota", "Commodity code", "Quota duty rate", "Validity of duty rate", "Quota volume",
        "Quota period", "Units", "Quota increase",
    ]

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let country = ByteSource.beside(UKPreferentialRatesReader.countryFile, of: source.path, displayName: source.displayName)
        guard FileManager.default.fileExists(atPath: country.path) else {
            throw TarifError(.io, "'\(UKPreferentialRatesReader.countryFile)' is not beside the quota workbook", at: SourceLocation(file: source.displayName))
        }
        let partners = try UKPreferentialRatesReader.partners(path: country.path, displayName: country.display)
        let book = try XLSXWorkbook(path: source.path, displayName: source.displayName)
        let sheet = book.sheetNames.contains("TRQs") ? "TRQs" : (book.sheetNames.first ?? "Sheet1")
        let rows = try book.rows(of: sheet)
        guard rows.count <= Self.maxRows + 1 else {
            throw TarifError(.tooLarge, "\(rows.count - 1) rows; at most \(Self.maxRows) are read", at: SourceLocation(file: source.displayName, field: sheet))
        }
        guard let header = rows.first else {
            throw TarifError(.badFile, "the sheet is empty", at: SourceLocation(file: source.displayName, field: "\(sheet)!A1"))
        }
        var letter: [String: String] = [:]
        for (l, title) in header.cells {
            let name = DutyExpressionParser.fold(title).trimming(" ")
            if Self.columns.contains(name) { letter[name] = l }
        }
        for c in Self.columns where letter[c] == nil {
            throw TarifError(
                .badFile, "the sheet has no column '\(c)'; a quota workbook has \(Self.columns.joined(separator: ", "))",
                at: SourceLocation(file: source.displayName, field: "\(sheet)!1"))
        }
        let parser = DutyExpressionParser(dialect: .ukGlobalTariff)
        let staging = try Self.stages(book, source: source, parser: parser, emit: emit)
        var stagedUsed: Set<String> = []
        var seen: Set<String> = []
        var emitted = 0
        for row in rows.dropFirst() {
            func cell(_ c: String) -> String { DutyExpressionParser.fold(row.cells[letter[c]!] ?? "").trimming(" ") }
            func at(_ c: String) -> SourceLocation { SourceLocation(file: source.displayName, field: "\(sheet)!\(letter[c]!)\(row.number)") }
            let name = cell("FTA country")
            if name.isEmpty { continue }
            let scheme: String
            let iso2: String?
            var except: [String] = []
            if let partner = partners[name] {
                scheme = partner.scheme
                iso2 = partner.iso2.count == 2 ? partner.iso2 : nil
            } else if let alias = Self.aliases[name] {
                (scheme, iso2, except) = alias
            } else {
                throw TarifError(.notFound, "partner '\(InputLimits.echo(name))' is not in \(UKPreferentialRatesReader.countryFile)", at: at("FTA country"))
            }
            let order = try Self.orderNumber(cell("Quota number"), at: at("Quota number"))
            let code = try Self.code(cell("Commodity code"), at: at("Commodity code"))
            let rateCell = cell("Quota duty rate")
            let validity = cell("Validity of duty rate")
            let key = [name, order, code.digits, rateCell, validity].joined(separator: "|")
            guard seen.insert(key).inserted else { continue }
            var text = rateCell
            var expression: DutyExpression?
            do {
                let r = try UKPreferentialRatesReader.rate(rateCell, parser: parser, at: at("Quota duty rate"))
                text = r.text
                if case .reference = r.expression.core {
                    // Words pointing elsewhere ("see note") are no rate.
                    try emit(.skipped(at("Quota duty rate"), "in-quota rate '\(InputLimits.echo(rateCell))' kept as text: it states no rate"))
                } else {
                    expression = r.expression
                }
            } catch let e as TarifError where e.code == .badRate {
                try emit(.skipped(at("Quota duty rate"), "in-quota rate '\(InputLimits.echo(rateCell))' kept as text: \(e.message)"))
            }
            var volume = cell("Quota volume")
            guard !volume.isEmpty, volume.utf8.count <= 200 else {
                throw TarifError(.badFile, "the quota states no volume (or one of \(volume.utf8.count) bytes)", at: at("Quota volume"))
            }
            // A volume stored as binary floating point (`2082.8000000000002`): to four decimal places.
            if volume.contains("."), volume.allSatisfy({ $0.isNumber || $0 == "." }), let v = Double(volume), v.isFinite, v >= 0, v < 1e15 {
                volume = ExactDecimal(significand: Int128((v * 10_000).rounded()), scale: 4).normalized.description
            }
            func optional(_ c: String) -> String? {
                let v = cell(c)
                return v.isEmpty || v == "-" ? nil : String(v.prefix(200))
            }
            var quota = TariffQuota(
                importer: .unitedKingdom, agreement: "GBR-\(scheme)", partnerName: name, partnerAlpha2: iso2, exceptAlpha2: except,
                orderNumber: order, code: code, inQuotaText: text,
                inQuota: expression, ratePeriod: optional("Validity of duty rate"), volume: volume,
                unit: String(cell("Units").lowercased().prefix(60)), quotaPeriod: String(cell("Quota period").prefix(60)),
                increase: optional("Quota increase"), originQuota: cell("Origin Quota").lowercased() == "yes",
                source: "\(source.displayName) \(sheet)!A\(row.number)")
            if let stages = staging.stages["\(order)|\(code.digits)"] {
                quota.stages = stages
                stagedUsed.insert("\(order)|\(code.digits)")
            }
            try emit(.quota(quota))
            emitted += 1
        }
        for (key, at) in staging.rows.sorted(by: { $0.value.description < $1.value.description }) where !stagedUsed.contains(key) {
            try emit(.skipped(at, "staged in-quota rates for quota \(key.replacing("|", with: " on ")): no quota row of TRQs has that order number and code"))
        }
        // An empty workbook would leave the quotas loaded before in place under a new file's name.
        guard emitted > 0 else {
            throw TarifError(.badFile, "the sheet holds no quota (only its header)", at: SourceLocation(file: source.displayName, field: "\(sheet)!A2"))
        }
        _ = try source.finishHash()
    }
}
