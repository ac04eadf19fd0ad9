import Foundation
import GRDB
public import TarifCore

extension TarifDatabase {
    /// Every schedule version, by importer and start day, with the span each holds.
    public func schedules() throws -> [StoredSchedule] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, f.name AS file_name,
                        (SELECT count(*) FROM tariff_line l WHERE l.schedule_id = s.id) AS lines,
                        (SELECT count(*) FROM rate r WHERE r.schedule_id = s.id) AS rates,
                        (SELECT count(*) FROM unparsed_rate u WHERE u.schedule_id = s.id) AS unparsed,
                        (SELECT min(n.valid_from) FROM schedule n WHERE n.series = s.series AND n.valid_from > s.valid_from) AS valid_to
                    FROM schedule s JOIN source_file f ON f.id = s.source_file_id
                    ORDER BY s.importer, s.series, s.valid_from
                    """)
            return try rows.map(Self.schedule(from:))
        }
    }

    /// The importers with a schedule, for error messages and listings.
    public func importers() throws -> [CountryCode] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT importer FROM schedule ORDER BY importer").compactMap { try? CountryCode($0) }
        }
    }

    static func schedule(from row: Row) throws -> StoredSchedule {
        let info = ScheduleInfo(
            series: row["series"], importer: try CountryCode(row["importer"] as String), title: row["title"],
            nomenclature: row["nomenclature"], currency: try Currency(row["currency"] as String),
            validFrom: try Day(iso: row["valid_from"]), legalSource: row["legal_source"], sourceFile: row["file_name"],
            contentHash: row["content_hash"])
        let end = (row["valid_to"] as String?).flatMap { try? Day(iso: $0) }
        return StoredSchedule(
            id: row["id"], info: info, validity: Validity(start: info.validFrom, end: end), lineCount: row["lines"],
            rateCount: row["rates"], unparsedCount: row["unparsed"])
    }

    /// The line with exactly this code in a schedule.
    public func line(_ code: TariffCode, in schedule: StoredSchedule) throws -> TariffLine? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM tariff_line WHERE schedule_id = ? AND code = ?", arguments: [schedule.id, code.digits]
            ).map(Self.line(from:))
        }
    }

    /// The lines whose code starts with `prefix`, in code order.
    public func lines(under prefix: TariffCode, in schedule: StoredSchedule, limit: Int = 500) throws -> [TariffLine] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM tariff_line WHERE schedule_id = ? AND code >= ? AND code < ? ORDER BY code LIMIT ?",
                arguments: [schedule.id, prefix.digits, prefix.digits + "~", limit]
            ).map(Self.line(from:))
        }
    }

    /// Lines whose descriptions (English, the importer's language, or the lines above) match
    /// every word of `query`, best match first.
    /// - Throws: ``TarifError`` `.badQuantity`-free: an empty query gives no lines.
    public func search(_ query: String, in schedule: StoredSchedule, limit: Int = 50) throws -> [TariffLine] {
        let words = query.split { !$0.isLetter && !$0.isNumber }.map { "\"\($0)\"*" }
        guard !words.isEmpty else { return [] }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.* FROM line_search s JOIN tariff_line l ON l.id = s.rowid
                    WHERE line_search MATCH ? AND l.schedule_id = ?
                    ORDER BY bm25(line_search, 10.0, 10.0, 1.0), l.code LIMIT ?
                    """,
                arguments: [words.joined(separator: " "), schedule.id, limit]
            ).map(Self.line(from:))
        }
    }

    static func line(from row: Row) throws -> TariffLine {
        let units: String = row["units"]
        let path: String = row["path"]
        return TariffLine(
            code: try TariffCode(row["code"] as String), indent: row["indent"], descriptionEnglish: row["description_en"],
            descriptionLocal: row["description_local"], units: units.isEmpty ? [] : units.split(separator: "|").map(String.init),
            path: path.isEmpty ? [] : path.components(separatedBy: " > "))
    }

    /// The rates of a line, taking them from the nearest line above when the line has
    /// none of its own (a US 10-digit statistical line carries its 8-digit line's rates).
    /// - Returns: the rates and the code they are published on.
    public func rates(for code: TariffCode, in schedule: StoredSchedule) throws -> (TariffCode, [LineRate])? {
        let decoder = JSONDecoder()
        return try read { db in
            var length = Int(code.length)
            while length >= 2 {
                let candidate = code.prefix(length)
                let rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM rate WHERE schedule_id = ? AND code = ? ORDER BY kind, program",
                    arguments: [schedule.id, candidate.digits])
                if !rows.isEmpty {
                    let rates = try rows.map { row in
                        LineRate(
                            code: candidate, kind: RateKind(rawValue: row["kind"]) ?? .mfn, program: row["program"], text: row["text"],
                            expression: try decoder.decode(DutyExpression.self, from: Data((row["expression"] as String).utf8)))
                    }
                    return (candidate, rates)
                }
                length -= 2
            }
            return nil
        }
    }

    /// The publication's notes on a line and the lines above it.
    public func notes(for code: TariffCode, in schedule: StoredSchedule) throws -> [LineNote] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM line_note WHERE schedule_id = ? AND ? LIKE code || '%' ORDER BY length(code), kind",
                arguments: [schedule.id, code.digits]
            ).map { LineNote(code: try TariffCode($0["code"] as String), kind: $0["kind"], text: $0["text"]) }
        }
    }

    /// The rates of a schedule that could not be read.
    public func unparsed(in schedule: StoredSchedule) throws -> [UnparsedRate] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM unparsed_rate WHERE schedule_id = ? ORDER BY code", arguments: [schedule.id]).map {
                UnparsedRate(
                    location: SourceLocation(file: $0["location"]), code: try TariffCode($0["code"] as String),
                    kind: RateKind(rawValue: $0["kind"]) ?? .mfn, text: $0["text"], reason: $0["reason"])
            }
        }
    }

    /// Counts of the reference tables.
    public func referenceCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for table in ["hs_section", "hs_entry", "country", "schedule", "tariff_line", "rate"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// Every country, by code.
    public func countries() throws -> [Country] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM country ORDER BY code").map(Self.country(from:))
        }
    }

    /// The preference schemes loaded from importers' publications.
    public func preferenceSchemes() throws -> [PreferenceScheme] {
        let decoder = JSONDecoder()
        return try read { db in
            try String.fetchAll(db, sql: "SELECT document FROM preference_scheme ORDER BY importer, code").map {
                try decoder.decode(PreferenceScheme.self, from: Data($0.utf8))
            }
        }
    }

    /// A country by code.
    public func country(_ code: CountryCode) throws -> Country? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM country WHERE code = ?", arguments: [code.rawValue]).map(Self.country(from:))
        }
    }

    static func country(from row: Row) throws -> Country {
        Country(
            code: try CountryCode(row["code"] as String), alpha2: row["alpha2"], numeric: row["numeric"], name: row["name"],
            officialName: row["official_name"], region: row["region"], subregion: row["subregion"],
            isLeastDeveloped: row["ldc"], isLandlockedDeveloping: row["lldc"], isSmallIslandDeveloping: row["sids"],
            currency: row["currency"], independence: row["independence"])
    }

    /// Every MFN rate of every schedule version, for the in-memory ``RateIndex``.
    public func mfnRateIndex() throws -> RateIndex {
        let decoder = JSONDecoder()
        let all = try schedules()
        var builder = RateIndex.Builder()
        for schedule in all {
            let rows = try read { db in
                try Row.fetchAll(db, sql: "SELECT code, expression FROM rate WHERE schedule_id = ? AND kind = 'mfn'", arguments: [schedule.id])
            }
            var rates: [TariffCode: DutyExpression] = [:]
            rates.reserveCapacity(rows.count)
            for row in rows {
                rates[try TariffCode(row["code"] as String)] = try decoder.decode(DutyExpression.self, from: Data((row["expression"] as String).utf8))
            }
            builder.add(importer: schedule.info.importer, series: schedule.info.series, validFrom: schedule.info.validFrom, currency: schedule.info.currency, rates: rates)
        }
        return builder.build()
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as DatabaseError { throw StoreError.database(error, "reading") }
    }
}

extension TarifDatabase {
    /// What identifies the loaded data: every source file's format and content hash, in
    /// load order. Two databases built from the same files give the same list; a data
    /// build that loads anything new changes it (HTTP ETags are made from it).
    public func sourceFingerprint() throws -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT format, content_hash FROM source_file ORDER BY id").map { row in
                "\(row["format"] as String):\(row["content_hash"] as String)"
            }
        }
    }
}
