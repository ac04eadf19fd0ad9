import Foundation
import GRDB
public import TarifCore

/// One publication to load: the file's identity and the schedules its rows go to.
public struct PublicationLoad: Sendable {
    public var fileName: String
    public var format: String
    public var contentHash: String
    /// The schedule each of the reader's roles fills (`mfn`, or `ukgt` and `cet`).
    public var schedules: [String: ScheduleInfo]
    /// The fewest lines each role's schedule can plausibly hold (what the catalog knows of
    /// the publication); fewer is refused unless ``allowShrink``.
    public var minimumLines: [String: Int]
    /// Accept a publication that empties or shrinks what it replaces (the user's `--force`).
    public var allowShrink: Bool

    public init(
        fileName: String, format: String, contentHash: String, schedules: [String: ScheduleInfo],
        minimumLines: [String: Int] = [:], allowShrink: Bool = false
    ) {
        self.fileName = fileName
        self.format = format
        self.contentHash = contentHash
        self.schedules = schedules
        self.minimumLines = minimumLines
        self.allowShrink = allowShrink
    }

    /// A replacement keeping fewer than this share of the rows it replaces is refused (unless forced).
    public static let shrinkThreshold = 0.9
}

/// What a load wrote.
public struct LoadReport: Sendable, Codable, Hashable {
    public struct ScheduleCounts: Sendable, Codable, Hashable {
        public var series: String
        public var validFrom: Day
        public var lines = 0
        public var rates = 0
        public var notes = 0
        public var unparsed: [UnparsedRate] = []
    }

    public var fileName: String
    public var format: String
    /// True when a file with the same content was already loaded and nothing was written.
    public var alreadyLoaded = false
    public var referenceRows = 0
    public var schedules: [ScheduleCounts] = []
    /// Stages of preferential schedules written (one per line and staging year).
    public var stagedRates = 0
    /// Cells of a staged schedule that could not be read (not written; the rest is).
    public var stagedUnparsed: [UnparsedRate] = []
    /// For a history: each revision (as ``schedules`` are for a single version), and the line
    /// states written for them all (far fewer than the revisions' lines added up).
    public var revisions: [ScheduleCounts] = []
    public var historySpans = 0
    /// Files beside the history that are not revisions of it, each with why.
    public var excluded: [String] = []

    public init(fileName: String, format: String, alreadyLoaded: Bool = false) {
        self.fileName = fileName
        self.format = format
        self.alreadyLoaded = alreadyLoaded
    }
}

/// The emit function a reader calls; rows go straight into the open transaction.
public typealias ImportEmit<Event> = (Event) throws -> Void

extension TarifDatabase {
    /// Whether a file of `format` with this content is loaded and what it wrote is still in
    /// force: a file whose schedules or reference rows a later load replaced is not.
    public func isLoaded(format: String, contentHash: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM source_file WHERE format = ? AND content_hash = ? AND superseded_at IS NULL)",
                arguments: [format, contentHash]) ?? false
        }
    }

    /// The lines of the schedule version of `series` starting on `validFrom`; nil when there is none.
    public func lineCount(series: String, validFrom: Day) throws -> Int? {
        try writer.read { db in
            guard let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM schedule WHERE series = ? AND valid_from = ?", arguments: [series, validFrom.description])
            else { return nil }
            return try Int.fetchOne(db, sql: "SELECT line_count FROM schedule WHERE id = ?", arguments: [id]) ?? 0
        }
    }

    /// Loads a publication in one transaction: either every row is written or none.
    ///
    /// A schedule of the same series and start day is replaced; one of a new start day
    /// is kept beside the earlier versions. Reference data (HS, sections, countries) is
    /// replaced whole.
    /// - Parameters:
    ///   - load: the file and the schedules it fills.
    ///   - body: runs the reader, handing each item to the sink it is given.
    /// - Throws: whatever the reader throws (the transaction is rolled back), or a database error.
    public func load(_ load: PublicationLoad, body: (inout LoadSink) throws -> Void) throws -> LoadReport {
        do {
            return try writer.write { db in
                var sink = try LoadSink(db: db, load: load)
                try body(&sink)
                return try sink.finish()
            }
        } catch let error as DatabaseError {
            throw StoreError.database(error, "loading \(load.fileName)")
        }
    }
}

/// Writes the rows of one publication inside the load's transaction.
public struct LoadSink {
    let db: Database
    var report: LoadReport
    var scheduleIDs: [String: Int64] = [:]
    var reportIndex: [String: Int] = [:]
    let encoder = JSONEncoder()
    var clearedReference: Set<String> = []
    var stagedIDs: [StagedSchedule: Int64] = [:]
    let load: PublicationLoad
    let fileID: Int64
    let now = {
        // Milliseconds: two loads of one file never share a time (a load takes far longer).
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }()
    /// Per role: the lines of the version this load replaces (same series and start day, or
    /// else the latest earlier version of the series), and what that version is.
    var previous: [String: (lines: Int, what: String)] = [:]
    /// Per reference table: its rows before this load cleared it.
    var referenceBefore: [String: Int] = [:]
    /// Per staged schedule: the rates of the one this load replaces.
    var stagedBefore: [StagedSchedule: Int] = [:]
    var stagedCounts: [StagedSchedule: Int] = [:]
    /// Whether ``addHistory(_:)`` wrote a history.
    var historyLoaded = false

    init(db: Database, load: PublicationLoad) throws {
        self.db = db
        self.load = load
        report = LoadReport(fileName: load.fileName, format: load.format)
        // The same content loaded before and superseded since is loaded again under its old
        // record (what it wrote and still holds is replaced below like any other version).
        if let earlier = try Int64.fetchOne(
            db, sql: "SELECT id FROM source_file WHERE format = ? AND content_hash = ?", arguments: [load.format, load.contentHash])
        {
            try db.execute(
                sql: "UPDATE source_file SET name = ?, loaded_at = ?, superseded_at = NULL, item_count = 0 WHERE id = ?",
                arguments: [load.fileName, now, earlier])
            fileID = earlier
        } else {
            try db.execute(
                sql: "INSERT INTO source_file (name, format, content_hash, loaded_at, item_count) VALUES (?, ?, ?, ?, 0)",
                arguments: [load.fileName, load.format, load.contentHash, now])
            fileID = db.lastInsertedRowID
        }
        for (role, info) in load.schedules.sorted(by: { $0.key < $1.key }) {
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT s.valid_from AS valid_from, s.title AS title, s.line_count AS lines
                    FROM schedule s WHERE s.series = ? AND s.valid_from <= ? ORDER BY s.valid_from DESC LIMIT 1
                    """,
                arguments: [info.series, info.validFrom.description])
            {
                let from: String = row["valid_from"]
                let title: String = row["title"]
                previous[role] = (row["lines"], "\(info.series) from \(from) (\(title))")
            }
            if let revision = try String.fetchOne(
                db,
                sql: """
                    SELECT coalesce(s.revision, '') FROM schedule s WHERE s.series = ? AND s.valid_from = ?
                        AND (s.rows_of IS NOT NULL OR EXISTS (SELECT 1 FROM schedule h WHERE h.rows_of = s.id))
                    """,
                arguments: [info.series, info.validFrom.description])
            {
                throw TarifError(
                    .refused,
                    "refused: \(info.series) from \(info.validFrom) is revision \(revision) of a history loaded whole, whose later revisions share its rows; "
                        + "load the history again (tarif data build) or give this publication a day of its own. Nothing was changed.",
                    at: SourceLocation(file: load.fileName))
            }
            try db.execute(
                sql: """
                    UPDATE source_file SET superseded_at = ? WHERE superseded_at IS NULL AND id <> ? AND id IN
                        (SELECT source_file_id FROM schedule WHERE series = ? AND valid_from = ?)
                    """,
                arguments: [now, fileID, info.series, info.validFrom.description])
            try db.execute(
                sql: "DELETE FROM schedule WHERE series = ? AND valid_from = ?",
                arguments: [info.series, info.validFrom.description])
            try db.execute(
                sql: """
                    INSERT INTO schedule (series, importer, title, nomenclature, currency, valid_from, legal_source,
                        source_file_id, content_hash, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    info.series, info.importer.rawValue, info.title, info.nomenclature, info.currency.code,
                    info.validFrom.description, info.legalSource, fileID, info.contentHash, info.validUntil?.description,
                ])
            scheduleIDs[role] = db.lastInsertedRowID
            reportIndex[role] = report.schedules.count
            report.schedules.append(LoadReport.ScheduleCounts(series: info.series, validFrom: info.validFrom))
        }
    }

    func scheduleID(_ role: String) throws -> Int64 {
        guard let id = scheduleIDs[role] else {
            throw TarifError(.badFile, "the reader produced rows for schedule '\(role)', which the catalog entry does not define")
        }
        return id
    }

    mutating func clearOnce(_ table: String) throws {
        guard clearedReference.insert(table).inserted else { return }
        referenceBefore[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
        try db.execute(
            sql: "UPDATE source_file SET superseded_at = ? WHERE superseded_at IS NULL AND format = ? AND id <> ?",
            arguments: [now, load.format, fileID])
        try db.execute(sql: "DELETE FROM \(table)")
    }

    public mutating func addSection(_ s: HSSection) throws {
        try clearOnce("hs_section")
        try db.cachedStatement(sql: "INSERT INTO hs_section (numeral, name) VALUES (?, ?)").execute(arguments: [s.numeral, s.name])
        report.referenceRows += 1
    }

    public mutating func addHSEntry(_ e: HSEntry) throws {
        try clearOnce("hs_entry")
        try db.cachedStatement(sql: "INSERT INTO hs_entry (code, level, section, parent, description) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [e.code.digits, Int(e.code.length), e.section, e.parent?.digits, e.description])
        report.referenceRows += 1
    }

    public mutating func addCountry(_ c: Country) throws {
        try clearOnce("country")
        try db.cachedStatement(
            sql: """
                INSERT INTO country (code, alpha2, numeric, name, official_name, region, subregion, ldc, lldc, sids,
                    currency, independence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            c.code.rawValue, c.alpha2, c.numeric, c.name, c.officialName, c.region, c.subregion, c.isLeastDeveloped,
            c.isLandlockedDeveloping, c.isSmallIslandDeveloping, c.currency, c.independence,
        ])
        report.referenceRows += 1
    }

    public mutating func addPreferenceScheme(_ s: PreferenceScheme) throws {
        try db.execute(sql: "DELETE FROM preference_scheme WHERE importer = ? AND code = ?", arguments: [s.importer.rawValue, s.code])
        try db.cachedStatement(
            sql: "INSERT INTO preference_scheme (importer, code, title, valid_from, document) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [s.importer.rawValue, s.code, s.title, s.validFrom.description, String(decoding: try encoder.encode(s), as: UTF8.self)])
        report.referenceRows += 1
    }

    /// An item the reader left out: listed in the report under "not loaded".
    public mutating func skip(_ at: SourceLocation, _ why: String) {
        report.excluded.append("\(at): \(why)")
    }

    /// One row of a scheme's product-specific rules. The publication holds every scheme, so
    /// its first row replaces all rows loaded before (refused if it would hold far fewer).
    public mutating func addOriginRuleSet(_ r: OriginRuleSet) throws {
        try clearOnce("origin_rule_set")
        try db.cachedStatement(
            sql: "INSERT INTO origin_rule_set (importer, scheme, position, low, high, document) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            r.importer.rawValue, r.scheme, r.position, r.low.digits, r.high.digits, String(decoding: try encoder.encode(r), as: UTF8.self),
        ])
        report.referenceRows += 1
    }

    /// One product of a chapter 99 scope list. The publication holds every list, so its first
    /// row replaces all rows loaded before (refused if it would hold far fewer).
    public mutating func addChapter99Scope(_ r: Chapter99ScopeRow) throws {
        try clearOnce("chapter99_scope")
        try db.cachedStatement(
            sql: "INSERT INTO chapter99_scope (list, prefix, valid_from, valid_through, source, detail) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [r.list, r.prefix, r.from?.description, r.through?.description, r.source, r.detail])
        report.referenceRows += 1
    }

    /// One tariff-rate quota. The publication holds every quota of its importer, so its first
    /// row replaces all loaded before (refused if it would hold far fewer).
    public mutating func addQuota(_ q: TariffQuota) throws {
        try clearOnce("tariff_quota")
        try db.cachedStatement(sql: "INSERT INTO tariff_quota (importer, agreement, prefix, document) VALUES (?, ?, ?, ?)")
            .execute(arguments: [q.importer.rawValue, q.agreement, q.code.digits, String(decoding: try encoder.encode(q), as: UTF8.self)])
        report.referenceRows += 1
    }

    public mutating func addRTARecord(_ r: RTARecord) throws {
        try db.execute(sql: "DELETE FROM rta_record WHERE id = ?", arguments: [r.id])
        try db.cachedStatement(sql: "INSERT INTO rta_record (id, name, document) VALUES (?, ?, ?)")
            .execute(arguments: [r.id, r.name, String(decoding: try encoder.encode(r), as: UTF8.self)])
        report.referenceRows += 1
    }

    public mutating func addLine(_ line: TariffLine, role: String) throws {
        var line = line
        if line.descriptionEnglish.isEmpty, let english = try englishFromHS(line.code) {
            // A schedule published in another language only (Japan's): the HS text of the
            // subheading (or heading) the line sits under, labelled as such.
            line.descriptionEnglish = english
        }
        try insert(line, schedule: try scheduleID(role))
        report.schedules[reportIndex[role]!].lines += 1
    }

    /// The span a row holds over in a history (`valid_from`, `valid_until`); rows of a
    /// version loaded alone hold throughout.
    typealias RowSpan = (from: String, until: String?)
    static let throughout: RowSpan = ("", nil)

    func insert(_ line: TariffLine, schedule: Int64, span: RowSpan = throughout) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO tariff_line (schedule_id, code, digits, hs6, indent, description_en, description_local, units, path,
                    valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            schedule, line.code.digits, Int(line.code.length), line.hs6?.digits, line.indent,
            line.descriptionEnglish, line.descriptionLocal, line.units.joined(separator: "|"), line.path.joined(separator: " > "),
            span.from, span.until,
        ])
    }

    /// Writes a rate with an expression; false for one without (nothing to store).
    @discardableResult
    func insert(_ rate: LineRate, schedule: Int64, span: RowSpan = throughout) throws -> Bool {
        guard let expression = rate.expression else { return false }
        let json = String(decoding: try encoder.encode(expression), as: UTF8.self)
        try db.cachedStatement(
            sql: "INSERT INTO rate (schedule_id, code, kind, program, text, form, expression, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [schedule, rate.code.digits, rate.kind.rawValue, rate.program, rate.text, expression.form, json, span.from, span.until])
        return true
    }

    func insert(_ note: LineNote, schedule: Int64, span: RowSpan = throughout) throws {
        try db.cachedStatement(sql: "INSERT INTO line_note (schedule_id, code, kind, text, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [schedule, note.code.digits, note.kind, note.text, span.from, span.until])
    }

    func insert(_ u: UnparsedRate, schedule: Int64, span: RowSpan = throughout) throws {
        try db.cachedStatement(
            sql: "INSERT INTO unparsed_rate (schedule_id, code, kind, text, reason, location, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [schedule, u.code.digits, u.kind.rawValue, u.text, u.reason, u.location.description, span.from, span.until])
    }

    /// `HS 0901.21: Coffee; roasted, not decaffeinated` for a line without English text.
    func englishFromHS(_ code: TariffCode) throws -> String? {
        let hs = code.length >= 6 ? code.prefix(6) : code
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT description FROM hs_entry WHERE code = ?"), arguments: [hs.digits])
        else { return nil }
        return "HS \(hs.formatted): \(text)"
    }

    public mutating func addRate(_ rate: LineRate, role: String) throws {
        if try insert(rate, schedule: try scheduleID(role)) { report.schedules[reportIndex[role]!].rates += 1 }
    }

    public mutating func addNote(_ note: LineNote, role: String) throws {
        try insert(note, schedule: try scheduleID(role))
        report.schedules[reportIndex[role]!].notes += 1
    }

    public mutating func addUnparsed(_ u: UnparsedRate, role: String) throws {
        try insert(u, schedule: try scheduleID(role))
        report.schedules[reportIndex[role]!].unparsed.append(u)
    }

    /// Writes one stage of a preferential schedule; the first stage of a schedule replaces
    /// any schedule of the same importer, agreement, partner and title loaded before.
    public mutating func addStagedRate(_ rate: StagedRate, schedule: StagedSchedule) throws {
        let id: Int64
        if let known = stagedIDs[schedule] {
            id = known
        } else {
            let partner = schedule.partner?.rawValue ?? ""
            let same = "importer = ? AND agreement = ? AND partner = ? AND title = ?"
            let key: StatementArguments = [schedule.importer.rawValue, schedule.agreement, partner, schedule.title]
            stagedBefore[schedule] = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM staged_rate WHERE staged_schedule_id IN (SELECT id FROM staged_schedule WHERE \(same))",
                arguments: key)
            try db.execute(
                sql: "UPDATE source_file SET superseded_at = ? WHERE superseded_at IS NULL AND id <> ? AND id IN (SELECT source_file_id FROM staged_schedule WHERE \(same))",
                arguments: [now, fileID] + key)
            try db.execute(sql: "DELETE FROM staged_schedule WHERE \(same)", arguments: key)
            try db.execute(
                sql: """
                    INSERT INTO staged_schedule (source_file_id, importer, agreement, partner, title, legal_source, currency, source_file)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    fileID,
                    schedule.importer.rawValue, schedule.agreement, partner, schedule.title, schedule.legalSource, schedule.currency.code,
                    schedule.sourceFile,
                ])
            id = db.lastInsertedRowID
            stagedIDs[schedule] = id
        }
        try db.cachedStatement(
            sql: "INSERT INTO staged_rate (staged_schedule_id, code, valid_from, text, expression, base_rate, staging) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            id, rate.code.digits, rate.validFrom.description, rate.text, String(decoding: try encoder.encode(rate.expression), as: UTF8.self),
            rate.baseRate, rate.staging,
        ])
        report.stagedRates += 1
        stagedCounts[schedule, default: 0] += 1
    }

    mutating func finish() throws -> LoadReport {
        try refuseShrinking()
        for (role, id) in scheduleIDs {
            guard let i = reportIndex[role] else { continue }
            let counts = report.schedules[i]
            try db.execute(
                sql: "UPDATE schedule SET line_count = ?, rate_count = ?, unparsed_count = ? WHERE id = ?",
                arguments: [counts.lines, counts.rates, counts.unparsed.count, id])
        }
        if !scheduleIDs.isEmpty || historyLoaded {
            try db.execute(sql: "INSERT INTO line_search (line_search) VALUES ('rebuild')")
        }
        let items = report.referenceRows + report.stagedRates + report.schedules.reduce(0) { $0 + $1.lines + $1.rates } + report.historySpans
        try db.execute(sql: "UPDATE source_file SET item_count = ? WHERE id = ?", arguments: [items, fileID])
        return report
    }
}

extension LoadSink {
    /// Refuses (and so rolls back) a load that would empty a schedule, keep fewer lines than
    /// the catalog expects, or keep fewer than ``PublicationLoad/shrinkThreshold`` of the rows
    /// of what it replaces: a file cut short must never replace a good one.
    /// - Throws: ``TarifError`` `.refused` with the counts, unless the load allows shrinking.
    func refuseShrinking() throws {
        guard !load.allowShrink else { return }
        var problems: [String] = []
        if reportIndex.isEmpty && report.referenceRows == 0 && report.stagedRates == 0 && !historyLoaded {
            problems.append("the file holds no rows at all")
        }
        func shrinks(_ new: Int, _ old: Int) -> Bool { Double(new) < Double(old) * PublicationLoad.shrinkThreshold }
        for (role, i) in reportIndex.sorted(by: { $0.key < $1.key }) {
            let counts = report.schedules[i]
            let new = counts.lines
            if new == 0 {
                problems.append("schedule \(counts.series) from \(counts.validFrom) would have no lines")
            } else if let minimum = load.minimumLines[role], new < minimum {
                problems.append("schedule \(counts.series) from \(counts.validFrom) would have \(new) lines; the catalog expects at least \(minimum)")
            } else if let old = previous[role], shrinks(new, old.lines) {
                problems.append("schedule \(counts.series) from \(counts.validFrom) would have \(new) lines where \(old.what) has \(old.lines)")
            }
        }
        for (table, old) in referenceBefore.sorted(by: { $0.key < $1.key }) {
            let new = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            if shrinks(new, old) { problems.append("\(table) would have \(new) rows where it has \(old)") }
        }
        for (schedule, old) in stagedBefore.sorted(by: { $0.key.title < $1.key.title }) {
            let new = stagedCounts[schedule] ?? 0
            if shrinks(new, old) { problems.append("staged schedule '\(schedule.title)' would have \(new) rates where it has \(old)") }
        }
        try refuse(problems, because: "A file cut short or emptied must not replace a good one; if this publication really is smaller")
    }

    /// Throws `.refused` listing `problems`, when there are any (the load is then rolled back).
    func refuse(_ problems: [String], because reason: String) throws {
        guard problems.isEmpty else {
            throw TarifError(
                .refused, "refused: \(problems.joined(separator: "; ")). \(reason), load it with --force. Nothing was changed.",
                at: SourceLocation(file: load.fileName))
        }
    }
}
