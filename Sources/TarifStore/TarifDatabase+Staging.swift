import Foundation
import GRDB
public import TarifCore

/// A loaded staged schedule with its size.
public struct StagedScheduleSummary: Sendable, Codable, Hashable {
    public var schedule: StagedSchedule
    public var lines: Int
    public var stages: Int
    public var firstStage: Day?
    public var lastStage: Day?
}

extension TarifDatabase {
    /// The staged preferential schedules loaded, with counts.
    public func stagedSchedules() throws -> [StagedScheduleSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, count(DISTINCT r.code) AS lines, count(r.code) AS stages, min(r.valid_from) AS first, max(r.valid_from) AS last
                    FROM staged_schedule s LEFT JOIN staged_rate r ON r.staged_schedule_id = s.id
                    GROUP BY s.id ORDER BY s.importer, s.agreement, s.partner
                    """
            ).map { row in
                StagedScheduleSummary(
                    schedule: try Self.stagedSchedule(from: row), lines: row["lines"], stages: row["stages"],
                    firstStage: (row["first"] as String?).flatMap { try? Day(iso: $0) },
                    lastStage: (row["last"] as String?).flatMap { try? Day(iso: $0) })
            }
        }
    }

    static func stagedSchedule(from row: Row) throws -> StagedSchedule {
        let partner: String = row["partner"]
        return StagedSchedule(
            importer: try CountryCode(row["importer"] as String), agreement: row["agreement"],
            partner: partner.isEmpty ? nil : try CountryCode(partner), title: row["title"], legalSource: row["legal_source"],
            currency: try Currency(row["currency"] as String), sourceFile: row["source_file"])
    }

    /// For each staged schedule of `importer` with stages on `code` or the nearest line
    /// above it that has some: the stage in force on `day`, or the first stage when none has started.
    public func stagedRates(importer: CountryCode, code: TariffCode, on day: Day) throws -> [StagedRateFound] {
        let decoder = JSONDecoder()
        var prefixes: [String] = []
        var length = Int(code.length)
        while length >= 4 {
            prefixes.append(code.prefix(length).digits)
            length -= 2
        }
        return try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, r.code AS rcode, r.valid_from, r.text, r.expression, r.base_rate, r.staging
                    FROM staged_rate r JOIN staged_schedule s ON s.id = r.staged_schedule_id
                    WHERE s.importer = ? AND r.code IN (\(prefixes.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY s.id, length(r.code) DESC, r.valid_from
                    """,
                arguments: StatementArguments([importer.rawValue] + prefixes))
            var bySchedule: [Int64: [Row]] = [:]
            var order: [Int64] = []
            for row in rows {
                let id: Int64 = row["id"]
                if bySchedule[id] == nil { order.append(id) }
                // Keep only the longest code with stages in each schedule.
                if let first = bySchedule[id]?.first, (first["rcode"] as String).count != (row["rcode"] as String).count { continue }
                bySchedule[id, default: []].append(row)
            }
            return try order.compactMap { id in
                let stages = bySchedule[id]!
                let schedule = try Self.stagedSchedule(from: stages[0])
                let days = try stages.map { try Day(iso: $0["valid_from"]) }
                let i = days.lastIndex(where: { $0 <= day }) ?? 0
                let row = stages[i]
                let rate = StagedRate(
                    importer: schedule.importer, partner: schedule.partner, code: try TariffCode(row["rcode"] as String), validFrom: days[i],
                    text: row["text"], expression: try decoder.decode(DutyExpression.self, from: Data((row["expression"] as String).utf8)),
                    baseRate: row["base_rate"], staging: row["staging"])
                return StagedRateFound(schedule: schedule, rate: rate, validUntil: i + 1 < days.count ? days[i + 1] : nil)
            }
        }
    }

    /// Every stage of every staged schedule of `importer`, for the in-memory index.
    public func allStagedRates(importer: CountryCode) throws -> [(StagedSchedule, StagedRate)] {
        let decoder = JSONDecoder()
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, r.code AS rcode, r.valid_from, r.text, r.expression, r.base_rate, r.staging
                    FROM staged_rate r JOIN staged_schedule s ON s.id = r.staged_schedule_id
                    WHERE s.importer = ? ORDER BY s.id, r.code, r.valid_from
                    """, arguments: [importer.rawValue]
            ).map { row in
                let s = try Self.stagedSchedule(from: row)
                return (
                    s,
                    StagedRate(
                        importer: s.importer, partner: s.partner, code: try TariffCode(row["rcode"] as String), validFrom: try Day(iso: row["valid_from"]),
                        text: row["text"], expression: try decoder.decode(DutyExpression.self, from: Data((row["expression"] as String).utf8)),
                        baseRate: row["base_rate"], staging: row["staging"])
                )
            }
        }
    }

    /// Every line of a schedule with its rates and notes, for in-memory indexes.
    public func allLines(in schedule: StoredSchedule) throws -> (lines: [TariffLine], rates: [LineRate], notes: [LineNote]) {
        let decoder = JSONDecoder()
        return try read { db in
            let lines = try Row.fetchAll(db, sql: "SELECT * FROM tariff_line WHERE schedule_id = ? ORDER BY code", arguments: [schedule.id])
                .map(Self.line(from:))
            var cache: [String: DutyExpression] = [:]
            let rates = try Row.fetchAll(
                db, sql: "SELECT code, kind, program, text, expression FROM rate WHERE schedule_id = ? ORDER BY code, kind, program",
                arguments: [schedule.id]
            ).map { row -> LineRate in
                let json: String = row["expression"]
                let expression: DutyExpression
                if let e = cache[json] {
                    expression = e
                } else {
                    expression = try decoder.decode(DutyExpression.self, from: Data(json.utf8))
                    cache[json] = expression
                }
                return LineRate(
                    code: try TariffCode(row["code"] as String), kind: RateKind(rawValue: row["kind"]) ?? .mfn, program: row["program"],
                    text: row["text"], expression: expression)
            }
            let notes = try Row.fetchAll(db, sql: "SELECT * FROM line_note WHERE schedule_id = ?", arguments: [schedule.id]).map {
                LineNote(code: try TariffCode($0["code"] as String), kind: $0["kind"], text: $0["text"])
            }
            return (lines, rates, notes)
        }
    }
}
