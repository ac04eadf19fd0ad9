import Foundation
public import TarifCore

/// Rows of Tarif's tables into values, the same for every ``TariffStore``.
public enum StoreDecoding {
    /// Duty expressions are stored as JSON; equal texts (most rates repeat) decode once.
    struct Expressions {
        private let decoder = JSONDecoder()
        private var cache: [String: DutyExpression] = [:]

        mutating func decode(_ json: String) throws -> DutyExpression {
            if let hit = cache[json] { return hit }
            let expression = try decoder.decode(DutyExpression.self, from: Data(json.utf8))
            cache[json] = expression
            return expression
        }
    }

    static func json<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static func schedule(from row: StoreRow) throws -> StoredSchedule {
        let info = ScheduleInfo(
            series: try row.text("series"), importer: try CountryCode(try row.text("importer")), title: try row.text("title"),
            nomenclature: try row.text("nomenclature"), currency: try Currency(try row.text("currency")),
            validFrom: try Day(iso: try row.text("valid_from")), legalSource: try row.text("legal_source"),
            sourceFile: try row.text("file_name"), contentHash: try row.text("content_hash"),
            validUntil: try row.optionalText("valid_until").flatMap { try? Day(iso: $0) })
        let next = try row.optionalText("valid_to").flatMap { try? Day(iso: $0) }
        // The next version's start, or the version's own end when that comes first.
        let end = [next, info.validUntil].compactMap { $0 }.min()
        return StoredSchedule(
            id: try row.integer("id"), info: info, validity: Validity(start: info.validFrom, end: end), lineCount: try row.int("line_count"),
            rateCount: try row.int("rate_count"), unparsedCount: try row.int("unparsed_count"), rowsOf: try row.optionalInteger("rows_of"),
            revision: try row.optionalText("revision"))
    }

    /// The columns ``line(from:)`` reads (never `*`: PostgreSQL's copy has a search vector too).
    public static let lineColumns = "code, indent, description_en, description_local, units, path"

    public static func line(from row: StoreRow) throws -> TariffLine {
        let units = try row.text("units")
        let path = try row.text("path")
        return TariffLine(
            code: try TariffCode(try row.text("code")), indent: try row.int("indent"), descriptionEnglish: try row.text("description_en"),
            descriptionLocal: try row.optionalText("description_local"),
            units: units.isEmpty ? [] : units.split(separator: "|").map(String.init),
            path: path.isEmpty ? [] : path.parts(separatedBy: " > "))
    }

    static func rate(from row: StoreRow, code: TariffCode, expressions: inout Expressions) throws -> LineRate {
        LineRate(
            code: code, kind: RateKind(rawValue: try row.text("kind")) ?? .mfn, program: try row.optionalText("program"),
            text: try row.text("text"), expression: try expressions.decode(try row.text("expression")))
    }

    static func note(from row: StoreRow) throws -> LineNote {
        LineNote(code: try TariffCode(try row.text("code")), kind: try row.text("kind"), text: try row.text("text"))
    }

    static func country(from row: StoreRow) throws -> Country {
        Country(
            code: try CountryCode(try row.text("code")), alpha2: try row.text("alpha2"), numeric: try row.text("numeric"),
            name: try row.text("name"), officialName: try row.text("official_name"), region: try row.text("region"),
            subregion: try row.text("subregion"), isLeastDeveloped: try row.bool("ldc"), isLandlockedDeveloping: try row.bool("lldc"),
            isSmallIslandDeveloping: try row.bool("sids"), currency: try row.text("currency"), independence: try row.text("independence"))
    }

    static func stagedSchedule(from row: StoreRow) throws -> StagedSchedule {
        let partner = try row.text("partner")
        return StagedSchedule(
            importer: try CountryCode(try row.text("importer")), agreement: try row.text("agreement"),
            partner: partner.isEmpty ? nil : try CountryCode(partner), title: try row.text("title"),
            legalSource: try row.text("legal_source"), currency: try Currency(try row.text("currency")),
            sourceFile: try row.text("source_file"))
    }

    static func stagedRate(from row: StoreRow, schedule s: StagedSchedule, expressions: inout Expressions) throws -> StagedRate {
        StagedRate(
            importer: s.importer, partner: s.partner, code: try TariffCode(try row.text("rcode")),
            validFrom: try Day(iso: try row.text("valid_from")), text: try row.text("text"),
            expression: try expressions.decode(try row.text("expression")), baseRate: try row.optionalText("base_rate"),
            staging: try row.optionalText("staging"))
    }
}

extension String {
    /// The text between the occurrences of `separator`, empty parts included (as Foundation's
    /// `components(separatedBy:)`, but matched byte by byte, which costs far less).
    func parts(separatedBy separator: String) -> [String] {
        let text = Array(utf8)
        let sep = Array(separator.utf8)
        guard !sep.isEmpty, text.count >= sep.count else { return [self] }
        var parts: [String] = []
        var start = 0
        var i = 0
        while i + sep.count <= text.count {
            if text[i] == sep[0] && text[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(String(decoding: text[start..<i], as: UTF8.self))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: text[start...], as: UTF8.self))
        return parts
    }
}
