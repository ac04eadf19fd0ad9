import Hummingbird
import TarifCore
import TarifKit

/// A schedule's history over HTTP: what changed between two versions, and a line's duty through them.
extension TarifAPI {
    func addHistoryRoutes(to v1: RouterGroup<TarifRequestContext>) {
        // GET /v1/changes/{importer}?from=2025-04-01&to=2025-04-10&chapter=99
        v1.get("changes/:importer") { [self] request, context in
            let s = service
            let q = Query(request)
            let importer = try s.registry.countryCode(named: try context.parameters.require("importer"))
            let from = try q.require("from")
            let to = q["to"] ?? Day.today().description
            var comparison = try await withTimeLimit(options.timeLimit) { try s.tarif.changes(importer: importer, from: from, to: to) }
            if let chapter = q["chapter"] {
                do { try comparison.changes.keepOnly(prefixes: chapter) } catch let e as TarifError { throw e.located(SourceLocation(file: "query", field: "chapter")) }
            }
            return JSON.response(ChangesAnswer(comparison))
        }
        // GET /v1/history/{importer}/{code}?origin=CHN&since=2025-01-01&until=&value=10000
        v1.get("history/:importer/:code") { [self] request, context in
            let s = service
            let q = Query(request)
            let importer = try s.registry.countryCode(named: try context.parameters.require("importer"))
            let code = try Query.code(try context.parameters.require("code"), field: "code", from: "path")
            let origin = try q["origin"].map { try s.registry.countryCode(named: $0) }
            let since = try q["since"].map { try Self.day($0, field: "since") }
            let until = try q["until"].map { try Self.day($0, field: "until") }
            let value = try Query.amount(q["value"], field: "value", from: "query") ?? 10_000
            let history = try await withTimeLimit(options.timeLimit) {
                try s.tarif.lineHistory(importer: importer, code: code, origin: origin, from: since, to: until, customsValue: value)
            }
            return JSON.response(history)
        }
    }
}

extension TarifAPI {
    /// A date parameter other than `on`, named in its error.
    static func day(_ text: String, field: String) throws -> Day {
        do { return try Day(iso: text) } catch {
            throw TarifError(.badDate, "'\(InputLimits.echo(text))' is not a date; write YYYY-MM-DD", at: SourceLocation(file: "query", field: field))
        }
    }
}

/// The changes between two versions, with the counts the CLI's table shows.
struct ChangesAnswer: Encodable {
    var importer: CountryCode
    var from: StoredSchedule
    var to: StoredSchedule
    var between: [String]
    var totals: [String: Int]
    var byChapter: [ScheduleChanges.ChapterCount]
    var changes: [ScheduleChanges.Change]

    init(_ c: ScheduleComparison) {
        importer = c.importer
        from = c.from
        to = c.to
        between = c.between.map { $0.revision ?? $0.info.title }
        totals = Dictionary(uniqueKeysWithValues: c.changes.totals.map { ($0.key.rawValue, $0.value) })
        byChapter = c.changes.byChapter
        changes = c.changes.changes
    }
}
