public import TarifCore

/// A value bound to or read from a query: the four storage classes both SQLite and
/// PostgreSQL hold for Tarif's tables.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// One result row: values by position, with the column names shared by every row of a result.
public struct StoreRow: Sendable {
    /// The column names of one result, looked up by name (the first column of a name wins,
    /// as after `SELECT s.*, r.code AS rcode`).
    public final class Columns: Sendable {
        public let names: [String]
        let positions: [String: Int]

        public init(_ names: [String]) {
            self.names = names
            var positions: [String: Int] = [:]
            for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
            self.positions = positions
        }
    }

    public let columns: Columns
    public let values: [SQLValue]

    public init(columns: Columns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of a column; a missing column is a programming error reported as a database error.
    public func value(_ name: String) throws -> SQLValue {
        guard let i = columns.positions[name] else {
            throw TarifError(.database, "the result has no column \(name) (columns: \(columns.names.joined(separator: ", ")))")
        }
        return values[i]
    }

    public func text(_ name: String) throws -> String {
        guard let text = try optionalText(name) else { throw mismatch(name, expected: "text", found: .null) }
        return text
    }

    public func optionalText(_ name: String) throws -> String? {
        switch try value(name) {
        case .null: nil
        case .text(let s): s
        case let other: throw mismatch(name, expected: "text", found: other)
        }
    }

    public func integer(_ name: String) throws -> Int64 {
        switch try value(name) {
        case .integer(let i): i
        case let other: throw mismatch(name, expected: "an integer", found: other)
        }
    }

    public func int(_ name: String) throws -> Int { Int(try integer(name)) }

    public func optionalInteger(_ name: String) throws -> Int64? {
        switch try value(name) {
        case .null: nil
        case .integer(let i): i
        case let other: throw mismatch(name, expected: "an integer", found: other)
        }
    }

    public func bool(_ name: String) throws -> Bool { try integer(name) != 0 }

    private func mismatch(_ name: String, expected: String, found: SQLValue) -> TarifError {
        TarifError(.database, "column \(name): expected \(expected), found \(found)")
    }
}

/// Where Tarif reads its tariff data from: the embedded SQLite database (``TarifDatabase``)
/// or a PostgreSQL database shared by several servers. Both hold the same tables; every
/// query but the full-text search is written once, in the SQL both understand, in this
/// protocol's extension, so both give the same answers.
///
/// Queries use `?` placeholders, bound in order. Text compares byte by byte in both
/// (SQLite's BINARY collation; `COLLATE "C"` in PostgreSQL), and every ordering names
/// enough columns to be total, so rows come back in the same order from either.
public protocol TariffStore: Sendable {
    /// Runs one read query and returns every row.
    func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [StoreRow]

    /// Lines whose descriptions (English, the importer's language, or the lines above) match
    /// every word of `query` as a word prefix, best match first (``SearchRanking``: the same
    /// order on every store).
    func search(_ query: String, in schedule: StoredSchedule, limit: Int) throws -> [TariffLine]

    /// A short description for messages and `/healthz` ("sqlite /path", "postgresql host/db").
    var storeDescription: String { get }
}

extension TariffStore {
    /// The words of a search query, as the full-text engines see them.
    public static func searchWords(_ query: String) -> [String] {
        query.split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// Every schedule version, by importer and start day, with the span each holds.
    public func schedules() throws -> [StoredSchedule] {
        try fetch(
            """
            SELECT s.*, f.name AS file_name,
                (SELECT min(n.valid_from) FROM schedule n WHERE n.series = s.series AND n.valid_from > s.valid_from) AS valid_to
            FROM schedule s JOIN source_file f ON f.id = s.source_file_id
            ORDER BY s.importer, s.series, s.valid_from
            """, []
        ).map(StoreDecoding.schedule(from:))
    }

    /// The importers with a schedule, for error messages and listings.
    public func importers() throws -> [CountryCode] {
        try fetch("SELECT DISTINCT importer FROM schedule ORDER BY importer", []).compactMap { try? CountryCode(try $0.text("importer")) }
    }

    /// The line with exactly this code in a schedule.
    public func line(_ code: TariffCode, in schedule: StoredSchedule) throws -> TariffLine? {
        let rows = schedule.rowFilter()
        return try fetch("SELECT \(StoreDecoding.lineColumns) FROM tariff_line WHERE \(rows.sql) AND code = ?", rows.arguments + [.text(code.digits)])
            .first.map(StoreDecoding.line(from:))
    }

    /// The lines whose code starts with `prefix`, in code order.
    public func lines(under prefix: TariffCode, in schedule: StoredSchedule, limit: Int = 500) throws -> [TariffLine] {
        let rows = schedule.rowFilter()
        return try fetch(
            "SELECT \(StoreDecoding.lineColumns) FROM tariff_line WHERE \(rows.sql) AND code >= ? AND code < ? ORDER BY code LIMIT ?",
            rows.arguments + [.text(prefix.digits), .text(prefix.digits + "~"), .integer(Int64(limit))]
        ).map(StoreDecoding.line(from:))
    }

    /// The rates of a line, taking them from the nearest line above when the line has
    /// none of its own (a US 10-digit statistical line carries its 8-digit line's rates).
    /// - Returns: the rates and the code they are published on.
    public func rates(for code: TariffCode, in schedule: StoredSchedule) throws -> (TariffCode, [LineRate])? {
        var next: TariffCode? = code
        let filter = schedule.rowFilter()
        while let candidate = next {
            let rows = try fetch(
                "SELECT * FROM rate WHERE \(filter.sql) AND code = ? ORDER BY kind, program NULLS FIRST, id",
                filter.arguments + [.text(candidate.digits)])
            if !rows.isEmpty {
                var decoder = StoreDecoding.Expressions()
                return (candidate, try rows.map { try StoreDecoding.rate(from: $0, code: candidate, expressions: &decoder) })
            }
            next = candidate.parent
        }
        return nil
    }

    /// The publication's notes on a line and the lines above it.
    public func notes(for code: TariffCode, in schedule: StoredSchedule) throws -> [LineNote] {
        // The code and each of its prefixes, looked up in the (schedule_id, code) index.
        let prefixes = (1...code.digits.count).map { SQLValue.text(String(code.digits.prefix($0))) }
        let rows = schedule.rowFilter()
        return try fetch(
            """
            SELECT * FROM line_note WHERE \(rows.sql) AND code IN (\(prefixes.map { _ in "?" }.joined(separator: ",")))
            ORDER BY length(code), kind, rowid
            """,
            rows.arguments + prefixes
        ).map(StoreDecoding.note(from:))
    }

    /// The rates of a schedule that could not be read.
    public func unparsed(in schedule: StoredSchedule) throws -> [UnparsedRate] {
        let rows = schedule.rowFilter()
        return try fetch("SELECT * FROM unparsed_rate WHERE \(rows.sql) ORDER BY code, rowid", rows.arguments).map {
            UnparsedRate(
                location: SourceLocation(file: try $0.text("location")), code: try TariffCode(try $0.text("code")),
                kind: RateKind(rawValue: try $0.text("kind")) ?? .mfn, text: try $0.text("text"), reason: try $0.text("reason"))
        }
    }

    /// Counts of the reference tables.
    public func referenceCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["hs_section", "hs_entry", "country", "schedule", "tariff_line", "rate"] {
            counts[table] = try fetch("SELECT count(*) AS n FROM \(table)", []).first?.int("n") ?? 0
        }
        return counts
    }

    /// Every country, by code.
    public func countries() throws -> [Country] {
        try fetch("SELECT * FROM country ORDER BY code", []).map(StoreDecoding.country(from:))
    }

    /// A country by code.
    public func country(_ code: CountryCode) throws -> Country? {
        try fetch("SELECT * FROM country WHERE code = ?", [.text(code.rawValue)]).first.map(StoreDecoding.country(from:))
    }

    /// The preference schemes loaded from importers' publications.
    public func preferenceSchemes() throws -> [PreferenceScheme] {
        try fetch("SELECT document FROM preference_scheme ORDER BY importer, code", []).map {
            try StoreDecoding.json(PreferenceScheme.self, try $0.text("document"))
        }
    }

    /// The product-specific rules of origin of one of `importer`'s schemes, in published order
    /// (none when the scheme has no rules loaded).
    public func originRuleSets(importer: CountryCode, scheme: String) throws -> [OriginRuleSet] {
        try fetch(
            "SELECT document FROM origin_rule_set WHERE importer = ? AND scheme = ? ORDER BY position", [.text(importer.rawValue), .text(scheme)]
        ).map { try StoreDecoding.json(OriginRuleSet.self, try $0.text("document")) }
    }

    /// The chapter 99 scope list entries that name `code`, a code above it (`covering`) or a
    /// code below it (`partial`): none before the lists are loaded.
    public func chapter99Scope(for code: TariffCode) throws -> Chapter99Scope {
        let digits = code.digits
        let above = (4...digits.count).map { String(digits.prefix($0)) }
        let marks = above.map { _ in "?" }.joined(separator: ", ")
        let covering = try fetch(
            "SELECT list, prefix, valid_from, valid_through, source, detail FROM chapter99_scope WHERE prefix IN (\(marks))", above.map { .text($0) }
        ).map(Self.scopeRow)
        let partial = try fetch(
            "SELECT list, prefix, valid_from, valid_through, source, detail FROM chapter99_scope WHERE prefix > ? AND prefix < ? AND length(prefix) > ?",
            [.text(digits), .text(digits + ":"), .integer(Int64(digits.count))]
        ).map(Self.scopeRow)
        return Chapter99Scope(covering: covering, partial: partial)
    }

    /// The tariff-rate quotas of `importer` written on `code`, a code above it, or (at most 200) below it.
    public func quotas(importer: CountryCode, code: TariffCode) throws -> [TariffQuota] {
        let digits = code.digits
        let above = (2...max(2, digits.count)).map { String(digits.prefix($0)) }
        let marks = above.map { _ in "?" }.joined(separator: ", ")
        let covering = try fetch(
            "SELECT document FROM tariff_quota WHERE importer = ? AND prefix IN (\(marks)) ORDER BY agreement, prefix", [.text(importer.rawValue)] + above.map { .text($0) })
        let below = try fetch(
            "SELECT document FROM tariff_quota WHERE importer = ? AND prefix > ? AND prefix < ? ORDER BY agreement, prefix LIMIT 200",
            [.text(importer.rawValue), .text(digits), .text(digits + ":")])
        return try (covering + below).map { try StoreDecoding.json(TariffQuota.self, try $0.text("document")) }
    }

    /// How many tariff-rate quotas are loaded for `importer`.
    public func quotaCount(importer: CountryCode) throws -> Int {
        Int(try fetch("SELECT count(*) AS n FROM tariff_quota WHERE importer = ?", [.text(importer.rawValue)]).first?.integer("n") ?? 0)
    }

    /// Every chapter 99 scope list entry loaded.
    public func allChapter99Scope() throws -> [Chapter99ScopeRow] {
        try fetch("SELECT list, prefix, valid_from, valid_through, source, detail FROM chapter99_scope ORDER BY list, prefix", []).map(Self.scopeRow)
    }

    static func scopeRow(_ r: StoreRow) throws -> Chapter99ScopeRow {
        Chapter99ScopeRow(
            list: try r.text("list"), prefix: try r.text("prefix"), from: try r.optionalText("valid_from").map { try Day(iso: $0) },
            through: try r.optionalText("valid_through").map { try Day(iso: $0) }, source: try r.text("source"),
            detail: try r.text("detail"))
    }

    /// The names of the chapter 99 scope lists loaded.
    public func chapter99ScopeLists() throws -> Set<String> {
        Set(try fetch("SELECT DISTINCT list FROM chapter99_scope", []).map { try $0.text("list") })
    }

    /// The schemes of `importer` with product-specific rules loaded, with their rows.
    public func originRuleSchemes(importer: CountryCode) throws -> [(scheme: String, ruleSets: Int)] {
        try fetch(
            "SELECT scheme, count(*) AS n FROM origin_rule_set WHERE importer = ? GROUP BY scheme ORDER BY scheme", [.text(importer.rawValue)]
        ).map { (try $0.text("scheme"), try $0.int("n")) }
    }

    /// The WTO RTA database's records, by RTA ID (none before the export is loaded).
    public func rtaRecords() throws -> [RTARecord] {
        try fetch("SELECT document FROM rta_record ORDER BY id", []).map { try StoreDecoding.json(RTARecord.self, try $0.text("document")) }
    }

    /// What identifies the loaded data: the format and content hash of every source file in
    /// force, in load order. Two databases built from the same files give the same list; a
    /// load that changes what is in force changes it (HTTP ETags are made from it).
    public func sourceFingerprint() throws -> [String] {
        // The time of loading too: a file loaded again after another one replaced it has the same
        // content but new rows (new schedule ids), so answers computed before are stale (A-B-A).
        try fetch("SELECT format, content_hash, loaded_at FROM source_file WHERE superseded_at IS NULL ORDER BY id", []).map {
            "\(try $0.text("format")):\(try $0.text("content_hash")):\(try $0.optionalText("loaded_at") ?? "")"
        }
    }

    /// Every MFN rate of every schedule version, for the in-memory ``RateIndex``.
    public func mfnRateIndex() throws -> RateIndex {
        var builder = RateIndex.Builder()
        var expressions = StoreDecoding.Expressions()
        for schedule in try schedules() {
            let filter = schedule.rowFilter()
            let rows = try fetch("SELECT code, expression FROM rate WHERE \(filter.sql) AND kind = 'mfn'", filter.arguments)
            var rates: [TariffCode: DutyExpression] = [:]
            rates.reserveCapacity(rows.count)
            for row in rows {
                rates[try TariffCode(try row.text("code"))] = try expressions.decode(try row.text("expression"))
            }
            builder.add(
                importer: schedule.info.importer, series: schedule.info.series, validFrom: schedule.info.validFrom,
                currency: schedule.info.currency, rates: rates, validUntil: schedule.info.validUntil)
        }
        return builder.build()
    }

    /// The staged preferential schedules loaded, with counts.
    public func stagedSchedules() throws -> [StagedScheduleSummary] {
        try fetch(
            """
            SELECT s.*, count(DISTINCT r.code) AS lines, count(r.code) AS stages, min(r.valid_from) AS first, max(r.valid_from) AS last
            FROM staged_schedule s LEFT JOIN staged_rate r ON r.staged_schedule_id = s.id
            GROUP BY s.id ORDER BY s.importer, s.agreement, s.partner, s.id
            """, []
        ).map { row in
            StagedScheduleSummary(
                schedule: try StoreDecoding.stagedSchedule(from: row), lines: try row.int("lines"), stages: try row.int("stages"),
                firstStage: try row.optionalText("first").flatMap { try? Day(iso: $0) },
                lastStage: try row.optionalText("last").flatMap { try? Day(iso: $0) })
        }
    }

    /// For each staged schedule of `importer` with stages on `code` or the nearest line
    /// above it that has some: the stage in force on `day`, or the first stage when none has started.
    public func stagedRates(importer: CountryCode, code: TariffCode, on day: Day) throws -> [StagedRateFound] {
        var prefixes: [SQLValue] = []
        var c: TariffCode? = code
        while let p = c, p.length >= 4 {
            prefixes.append(.text(p.digits))
            c = p.parent
        }
        guard !prefixes.isEmpty else { return [] }
        let rows = try fetch(
            """
            SELECT s.*, r.code AS rcode, r.valid_from, r.text, r.expression, r.base_rate, r.staging
            FROM staged_rate r JOIN staged_schedule s ON s.id = r.staged_schedule_id
            WHERE s.importer = ? AND r.code IN (\(prefixes.map { _ in "?" }.joined(separator: ",")))
            ORDER BY s.id, length(r.code) DESC, r.valid_from, r.rowid
            """,
            [.text(importer.rawValue)] + prefixes)
        var bySchedule: [Int64: [StoreRow]] = [:]
        var order: [Int64] = []
        for row in rows {
            let id = try row.integer("id")
            if bySchedule[id] == nil { order.append(id) }
            // Keep only the longest code with stages in each schedule.
            if let first = bySchedule[id]?.first, try first.text("rcode").count != row.text("rcode").count { continue }
            bySchedule[id, default: []].append(row)
        }
        var expressions = StoreDecoding.Expressions()
        return try order.map { id in
            let stages = bySchedule[id]!
            let schedule = try StoreDecoding.stagedSchedule(from: stages[0])
            let days = try stages.map { try Day(iso: try $0.text("valid_from")) }
            let i = days.lastIndex(where: { $0 <= day }) ?? 0
            let rate = try StoreDecoding.stagedRate(from: stages[i], schedule: schedule, expressions: &expressions)
            return StagedRateFound(schedule: schedule, rate: rate, validUntil: i + 1 < days.count ? days[i + 1] : nil)
        }
    }

    /// Every stage of every staged schedule of `importer`, for the in-memory index.
    public func allStagedRates(importer: CountryCode) throws -> [(StagedSchedule, StagedRate)] {
        var expressions = StoreDecoding.Expressions()
        return try fetch(
            """
            SELECT s.*, r.code AS rcode, r.valid_from, r.text, r.expression, r.base_rate, r.staging
            FROM staged_rate r JOIN staged_schedule s ON s.id = r.staged_schedule_id
            WHERE s.importer = ? ORDER BY s.id, r.code, r.valid_from, r.rowid
            """, [.text(importer.rawValue)]
        ).map { row in
            let s = try StoreDecoding.stagedSchedule(from: row)
            return (s, try StoreDecoding.stagedRate(from: row, schedule: s, expressions: &expressions))
        }
    }

    /// The lines whose code starts with `prefix` and their rates, in two reads (chapter 99 of a version).
    public func linesAndRates(under prefix: TariffCode, in schedule: StoredSchedule, limit: Int = 10_000) throws -> (lines: [TariffLine], rates: [LineRate]) {
        let rows = schedule.rowFilter()
        let range: [SQLValue] = [.text(prefix.digits), .text(prefix.digits + "~")]
        let lines = try fetch(
            "SELECT \(StoreDecoding.lineColumns) FROM tariff_line WHERE \(rows.sql) AND code >= ? AND code < ? ORDER BY code LIMIT ?",
            rows.arguments + range + [.integer(Int64(limit))]
        ).map(StoreDecoding.line(from:))
        var expressions = StoreDecoding.Expressions()
        let rates = try fetch(
            "SELECT code, kind, program, text, expression FROM rate WHERE \(rows.sql) AND code >= ? AND code < ? ORDER BY code, kind, program NULLS FIRST, id",
            rows.arguments + range
        ).map { row in try StoreDecoding.rate(from: row, code: try TariffCode(try row.text("code")), expressions: &expressions) }
        return (lines, rates)
    }

    /// Every line of a schedule with its rates and notes, for in-memory indexes.
    public func allLines(in schedule: StoredSchedule) throws -> (lines: [TariffLine], rates: [LineRate], notes: [LineNote]) {
        let rows = schedule.rowFilter()
        let lines = try fetch("SELECT \(StoreDecoding.lineColumns) FROM tariff_line WHERE \(rows.sql) ORDER BY code", rows.arguments)
            .map(StoreDecoding.line(from:))
        var expressions = StoreDecoding.Expressions()
        let rates = try fetch(
            "SELECT code, kind, program, text, expression FROM rate WHERE \(rows.sql) ORDER BY code, kind, program NULLS FIRST, id", rows.arguments
        ).map { row in try StoreDecoding.rate(from: row, code: try TariffCode(try row.text("code")), expressions: &expressions) }
        let notes = try fetch("SELECT * FROM line_note WHERE \(rows.sql) ORDER BY code, rowid", rows.arguments).map(StoreDecoding.note(from:))
        return (lines, rates, notes)
    }
}

extension TariffStore {
    /// The codes whose rows differ between two versions of one history, table by table: a row
    /// live on one version's first day and not on the other's (rows hold from `valid_from` until
    /// `valid_until`, and a history writes a row only where something changed). Only these
    /// lines can differ, so a comparison reads them alone. `nil` when the two versions do not
    /// share their rows (schedules loaded alone): compare them whole.
    public func changedCodes(from a: StoredSchedule, to b: StoredSchedule) throws -> ChangedCodes? {
        guard a.rowsOwner == b.rowsOwner, a.rowsOf != nil || b.rowsOf != nil || a.id == b.id else { return nil }
        let (x, y) = a.info.validFrom <= b.info.validFrom ? (a.info.validFrom.description, b.info.validFrom.description)
            : (b.info.validFrom.description, a.info.validFrom.description)
        var found = ChangedCodes()
        if x == y { return found }
        // Live on x and ended by y, or started after x and live on y (each through its partial index).
        let ended = "schedule_id = ? AND valid_until IS NOT NULL AND valid_until > ? AND valid_until <= ? AND valid_from <= ?"
        let started = "schedule_id = ? AND valid_from <> '' AND valid_from > ? AND valid_from <= ? AND (valid_until IS NULL OR valid_until > ?)"
        for table in ["tariff_line", "rate", "line_note"] {
            var codes: Set<String> = []
            for (condition, last) in [(ended, x), (started, y)] {
                let arguments: [SQLValue] = [.integer(a.rowsOwner), .text(x), .text(y), .text(last)]
                for row in try fetch("SELECT DISTINCT code FROM \(table) WHERE \(condition)", arguments) { codes.insert(try row.text("code")) }
            }
            switch table {
            case "tariff_line": found.lines = codes
            case "rate": found.rates = codes
            default: found.notes = codes
            }
        }
        return found
    }

    /// The lines with changed rows as two versions of one history hold them (what
    /// ``changedCodes(from:to:)`` found), read once: a row live on both days is read once and
    /// given to both. Rates are read where they changed or the line was added or removed, notes
    /// where they changed (elsewhere both sides are alike, so nothing is lost), and rates come
    /// without their expressions (a comparison of published texts needs none).
    public func lines(in a: StoredSchedule, and b: StoredSchedule, codes changed: ChangedCodes) throws -> (
        before: (lines: [TariffLine], rates: [LineRate], notes: [LineNote]), after: (lines: [TariffLine], rates: [LineRate], notes: [LineNote])
    ) {
        let (x, y) = (a.info.validFrom.description, b.info.validFrom.description)
        let (low, high) = x <= y ? (x, y) : (y, x)
        func live(_ row: StoreRow, _ day: String) throws -> Bool {
            let until = try row.optionalText("valid_until")
            return try row.text("valid_from") <= day && (until == nil || until! > day)
        }
        var before: (lines: [TariffLine], rates: [LineRate], notes: [LineNote]) = ([], [], [])
        var after = before
        // Each table in chunks of codes, rows live on the one day or on the other (a row live only
        // between them is not read).
        func read(_ codes: [String], _ select: (String) -> String, _ each: (StoreRow, Bool, Bool) throws -> Void) throws {
            var start = 0
            while start < codes.count {
                let chunk = codes[start..<min(codes.count, start + 500)]
                start += chunk.count
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let filter = """
                    schedule_id = ? AND code IN (\(marks)) AND ((valid_from <= ? AND (valid_until IS NULL OR valid_until > ?)) \
                    OR (valid_from <= ? AND (valid_until IS NULL OR valid_until > ?)))
                    """
                let arguments = [SQLValue.integer(a.rowsOwner)] + chunk.map { SQLValue.text($0) } + [.text(low), .text(low), .text(high), .text(high)]
                for row in try fetch(select(filter), arguments) {
                    let (inA, inB) = (try live(row, x), try live(row, y))
                    if inA || inB { try each(row, inA, inB) }
                }
            }
        }
        var present: [String: (Bool, Bool)] = [:]
        try read(changed.all, { "SELECT \(StoreDecoding.lineColumns), valid_from, valid_until FROM tariff_line WHERE \($0) ORDER BY code" }) { row, inA, inB in
            let line = try StoreDecoding.line(from: row)
            if inA { before.lines.append(line) }
            if inB { after.lines.append(line) }
            let code = try row.text("code")
            let was = present[code] ?? (false, false)
            present[code] = (was.0 || inA, was.1 || inB)
        }
        // Rates where they changed, and of a line added or removed (its answer prints the MFN rate).
        var rateCodes = changed.rates
        for (code, (inA, inB)) in present where inA != inB { rateCodes.insert(code) }
        try read(rateCodes.sorted(), { "SELECT code, kind, program, text, valid_from, valid_until FROM rate WHERE \($0) ORDER BY code, kind, program NULLS FIRST, id" }) {
            row, inA, inB in
            let rate = LineRate(
                code: try TariffCode(try row.text("code")), kind: RateKind(rawValue: try row.text("kind")) ?? .mfn, program: try row.optionalText("program"),
                text: try row.text("text"), expression: nil)
            if inA { before.rates.append(rate) }
            if inB { after.rates.append(rate) }
        }
        try read(changed.notes.sorted(), { "SELECT * FROM line_note WHERE \($0) ORDER BY code, rowid" }) { row, inA, inB in
            let note = try StoreDecoding.note(from: row)
            if inA { before.notes.append(note) }
            if inB { after.notes.append(note) }
        }
        return (before, after)
    }
}

/// The codes whose rows of each table differ between two versions of one history.
public struct ChangedCodes: Sendable, Hashable {
    public var lines: Set<String> = []
    public var rates: Set<String> = []
    public var notes: Set<String> = []

    public init() {}

    /// Every code with a changed row, in order.
    public var all: [String] { lines.union(rates).union(notes).sorted() }
}

extension StoredSchedule {
    /// The condition that selects this version's rows of a line table (aliased `alias`),
    /// with its arguments: the rows it owns, or those of its history live on its first day.
    public func rowFilter(_ alias: String = "") -> (sql: String, arguments: [SQLValue]) {
        let a = alias.isEmpty ? "" : alias + "."
        let day = SQLValue.text(info.validFrom.description)
        return (
            "\(a)schedule_id = ? AND \(a)valid_from <= ? AND (\(a)valid_until IS NULL OR \(a)valid_until > ?)",
            [.integer(rowsOwner), day, day]
        )
    }
}
