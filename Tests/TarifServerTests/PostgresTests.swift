import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import TarifCore
import TarifKit
import TarifPostgres
import TarifServer
import TarifStore
import TarifTesting
import Testing

/// The real database copied into PostgreSQL once for these tests, under a schema of their own.
actor PublishedFixture {
    static let shared = PublishedFixture()
    let schema = "tarif_test_\(UInt32.random(in: 0...UInt32.max))"
    private var store: PostgresStore?

    func url() throws -> String { try TestPostgres.url(schema: schema) }

    func get() async throws -> PostgresStore {
        if let store { return store }
        let database = try #require(try ServerFixture.built.get().database)
        _ = try await PostgresPublisher.publish(database, to: try url())
        let opened = try PostgresStore(url: try url())
        store = opened
        return opened
    }
}

/// Runs blocking work on a thread of its own and waits for it without holding a thread of
/// Swift's small shared pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// The same data on SQLite and PostgreSQL give the same answers, from the store's queries
/// up to the API's bytes; a failed copy leaves the previous data in place.
@Suite(
    .enabled(if: TestData.isAvailable && TestPostgres.shouldRun, "needs ../shared/data and TARIF_TEST_POSTGRES (a PostgreSQL URL; scripts/test starts a server)"),
    .serialized)
struct PostgresTests {
    func stores() async throws -> (sqlite: TarifDatabase, postgres: PostgresStore) {
        (try #require(try ServerFixture.built.get().database), try await PublishedFixture.shared.get())
    }

    @Test func storeQueriesGiveTheSameAnswers() async throws {
        let (sqlite, postgres) = try await stores()
        // Thousands of blocking reads: on a thread of their own, not on one of the few the
        // other suites' servers run on.
        let problems = try await onThread { () throws -> [String] in
            var problems: [String] = []
            func check(_ same: Bool, _ what: @autoclosure () -> String) { if !same { problems.append(what()) } }
            check(try postgres.sourceFingerprint() == sqlite.sourceFingerprint(), "sourceFingerprint")
            check(try postgres.schedules() == sqlite.schedules(), "schedules")
            check(try postgres.importers() == sqlite.importers(), "importers")
            check(try postgres.countries() == sqlite.countries(), "countries")
            check(try postgres.preferenceSchemes() == sqlite.preferenceSchemes(), "preferenceSchemes")
            check(try postgres.stagedSchedules() == sqlite.stagedSchedules(), "stagedSchedules")
            check(try postgres.referenceCounts() == sqlite.referenceCounts(), "referenceCounts")
            for schedule in try sqlite.schedules() {
                let series = schedule.info.series
                check(try postgres.unparsed(in: schedule) == sqlite.unparsed(in: schedule), "\(series) unparsed")
                let all = try sqlite.allLines(in: schedule)
                let copy = try postgres.allLines(in: schedule)
                check(copy.lines == all.lines, "\(series) lines")
                check(copy.rates == all.rates, "\(series) rates")
                check(copy.notes == all.notes, "\(series) notes")
                // Every 211th line, one by one, as the resolution reads them.
                for line in stride(from: 0, to: all.lines.count, by: 211).map({ all.lines[$0] }) {
                    let code = line.code
                    check(try postgres.line(code, in: schedule) == sqlite.line(code, in: schedule), "\(series) \(code) line")
                    let a = try sqlite.rates(for: code, in: schedule), b = try postgres.rates(for: code, in: schedule)
                    check(a?.0 == b?.0 && a?.1 == b?.1, "\(series) \(code) rates")
                    check(try postgres.notes(for: code, in: schedule) == sqlite.notes(for: code, in: schedule), "\(series) \(code) notes")
                    check(
                        try postgres.lines(under: code.prefix(4), in: schedule, limit: 50) == sqlite.lines(under: code.prefix(4), in: schedule, limit: 50),
                        "\(series) \(code) lines under")
                    for day in [try Day(iso: "2022-06-01"), try Day(iso: "2026-03-01")] {
                        check(
                            try postgres.stagedRates(importer: schedule.info.importer, code: code, on: day)
                                == sqlite.stagedRates(importer: schedule.info.importer, code: code, on: day),
                            "\(series) \(code) staged \(day)")
                    }
                }
            }
            // `changes` between versions of one history: the changed codes and the lines read for them.
            let versions = try sqlite.schedules()
            for (a, b) in zip(versions, versions.dropFirst()) where a.rowsOwner == b.rowsOwner {
                let mine = try sqlite.changedCodes(from: a, to: b)
                check(try postgres.changedCodes(from: a, to: b) == mine, "\(a.info.series) changed codes \(a.info.validFrom)→\(b.info.validFrom)")
                if let mine {
                    let x = try sqlite.lines(in: a, and: b, codes: mine), y = try postgres.lines(in: a, and: b, codes: mine)
                    check(
                        x.before.lines == y.before.lines && x.before.rates == y.before.rates && x.before.notes == y.before.notes
                            && x.after.lines == y.after.lines && x.after.rates == y.after.rates && x.after.notes == y.after.notes,
                        "\(a.info.series) changed lines \(a.info.validFrom)→\(b.info.validFrom)")
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "differences between SQLite and PostgreSQL: \(problems.prefix(10))")
    }

    @Test func searchFindsTheSameLines() async throws {
        let (sqlite, postgres) = try await stores()
        let schedules = try sqlite.schedules()
        for (importer, query) in [("IDN", "beras"), ("IDN", "kopi"), ("USA", "coffee roasted"), ("GBR", "frozen fish"), ("USA", "cotton shirts"), ("USA", "cotton t-shirts"),
            // SQLite's index ignores case and diacritics beyond ASCII; PostgreSQL's is folded alike.
            ("GBR", "purée"), ("GBR", "PUREE"), ("GBR", "Puree fruit"), ("GBR", "musli"), ("GBR", "MÜSLI"), ("GBR", "gruyere"),
            ("GBR", "crepes"), ("GBR", "Crêpes"), ("GBR", "µm"), ("GBR", "μm"), ("USA", "okoume"), ("USA", "OKOUMÉ"), ("USA", "δ")] {
            let schedule = try #require(schedules.last { $0.info.importer.rawValue == importer })
            // The same lines in the same order, and so the same first few.
            for limit in [1_000, 5] {
                let a = try sqlite.search(query, in: schedule, limit: limit), b = try postgres.search(query, in: schedule, limit: limit)
                #expect(!a.isEmpty, "\(importer) \(query)")
                #expect(a.map(\.code) == b.map(\.code), "\(importer) \(query) limit \(limit)")
            }
        }
    }

    /// Searches made of the data's own words — whole words, prefixes, pairs, numbers written
    /// with points and commas, words beside hyphens, slashes, quotes and no-break spaces — select
    /// the same lines in the same order on both: each database's parser is made to cut words
    /// where the other does.
    @Test func searchesOfTheDatasOwnWordsFindTheSameLines() async throws {
        let (sqlite, postgres) = try await stores()
        let problems = try await onThread { () throws -> [String] in
            var problems: [String] = []
            for schedule in try sqlite.schedules() where schedule.info.series.hasSuffix("-MFN") {
                let lines = try sqlite.fetch(
                    "SELECT description_en || ' ' || coalesce(description_local, '') AS text FROM tariff_line WHERE schedule_id = ? ORDER BY id",
                    [.integer(schedule.id)])
                var queries: Set<String> = []
                for (i, line) in lines.enumerated() where i % 293 == 0 {
                    let text = try line.text("text")
                    let words = TarifDatabase.searchWords(text)
                    guard !words.isEmpty else { continue }
                    let w = words[i % words.count]
                    queries.insert(w)
                    queries.insert(String(w.prefix(3)))
                    if words.count > 1 { queries.insert(words[(i + 1) % words.count] + " " + w) }
                    // The raw text around a character that is not a letter or digit, as typed.
                    if let mark = text.firstIndex(where: { !$0.isLetter && !$0.isNumber && $0 != " " }) {
                        let start = text.index(mark, offsetBy: -min(6, text.distance(from: text.startIndex, to: mark)))
                        let end = text.index(mark, offsetBy: min(6, text.distance(from: mark, to: text.endIndex)))
                        queries.insert(String(text[start..<end]))
                    }
                }
                for query in queries.sorted() {
                    let a = try sqlite.search(query, in: schedule, limit: 200).map(\.code)
                    let b = try postgres.search(query, in: schedule, limit: 200).map(\.code)
                    if a != b { problems.append("\(schedule.info.series) '\(query)': SQLite \(a.count) lines, PostgreSQL \(b.count)") }
                }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.count) searches differ: \(problems.prefix(20))")
    }

    @Test func theAPIAnswersByteForByteTheSame() async throws {
        let (sqlite, postgres) = try await stores()
        let uris = [
            "/v1/schedules", "/v1/countries", "/v1/countries/IDN?on=2024-01-01", "/v1/institutions", "/v1/agreements",
            "/v1/agreements?country=IDN&partner=VNM&on=2024-01-01", "/v1/agreements/RCEP",
            "/v1/rates/IDN/1006.30.99?on=2024-01-01", "/v1/rates/USA/6109.10.00.12?on=2026-03-01", "/v1/rates/GBR/0901.21?on=2025-01-01",
            "/v1/lines/IDN?code=0901&on=2024-01-01", "/v1/lines/USA?code=8703.23&on=2026-03-01",
            "/v1/lines/USA?q=cotton%20shirts&on=2026-03-01&limit=10", "/v1/lines/GBR?q=kopi&on=2025-01-01&limit=5",
            "/v1/duty?importer=IDN&origin=VNM&code=1006.30.99&on=2024-01-01&value=1000000000&quantity=2000000kg",
            "/v1/duty?importer=USA&origin=MEX&code=6109.10.00&on=2026-03-01&value=10000",
            "/v1/duty?importer=USA&origin=AUS&code=0402.21&on=2026-03-01&value=10000",
            "/v1/duty?importer=USA&origin=CHN&code=8471.30.01&on=2026-03-01&value=10000",
            "/v1/duty?importer=GBR&origin=VNM&code=6109.10.00&on=2025-01-01&value=10000",
            "/v1/duty?importer=GBR&origin=KHM&code=6109.10.00&on=2025-01-01&value=10000",
            "/v1/duty?importer=IDN&origin=JPN&code=8703.23&on=2024-01-01&value=10000",
            "/v1/markets?origin=IDN&product=0901.21&on=2024-01-01", "/v1/origins?importer=USA&product=6109.10&on=2026-03-01",
            "/v1/rates/USA/0101.99?on=2026-03-01",
        ]
        let answers = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for (i, store) in [sqlite as any TariffStore, postgres].enumerated() {
                group.addTask {
                    // The rankings read every line; from PostgreSQL in a debug build that takes a while.
                    let api = try TarifAPI(tarif: Tarif(store: store), options: ServerOptions(rateLimit: 0, timeLimit: 600, refreshInterval: 0))
                    let app = Application(router: api.router())
                    let bodies = try await app.test(.router) { client in
                        var bodies: [String] = []
                        for uri in uris {
                            bodies.append(
                                try await client.execute(uri: uri, method: .get) { r in
                                    "\(r.status.code) \(r.headers[.eTag] ?? "") \(String(buffer: r.body))"
                                })
                        }
                        return bodies
                    }
                    return (i, bodies)
                }
            }
            var answers: [Int: [String]] = [:]
            for try await (i, bodies) in group { answers[i] = bodies }
            return answers
        }
        let a = try #require(answers[0]), b = try #require(answers[1])
        for (i, uri) in uris.enumerated() {
            #expect(a[i] == b[i], "\(uri)")
            #expect(!a[i].hasPrefix("5"), "\(uri): \(a[i].prefix(200))")
        }
    }

    @Test func aFailedCopyLeavesThePreviousDataInPlace() async throws {
        let (sqlite, postgres) = try await stores()
        let before = try postgres.sourceFingerprint()
        // A copy whose last line holds text where PostgreSQL wants a number: the COPY of tariff_line fails.
        let path = try TestData.temporaryDirectory().appendingPathComponent("broken.sqlite").path
        try sqlite.writer.backup(to: try DatabaseQueue(path: path))
        let broken = try TarifDatabase(path: path)
        try await broken.writer.write { db in
            try db.execute(sql: "INSERT INTO source_file (name, format, content_hash, loaded_at, item_count) VALUES ('x', 'x', 'new', 'now', 0)")
            try db.execute(sql: "UPDATE tariff_line SET indent = 'not a number' WHERE rowid = (SELECT max(rowid) FROM tariff_line)")
        }
        let url = try await PublishedFixture.shared.url()
        await #expect(throws: TarifError.self) { _ = try await PostgresPublisher.publish(broken, to: url) }
        #expect(try postgres.sourceFingerprint() == before)
        #expect(try postgres.fetch("SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name LIKE '%_build'", []).first?.int("n") == 0)

        // The servers sharing the database notice a new build, and reload.
        let api = try TarifAPI(tarif: Tarif(store: postgres), options: ServerOptions(rateLimit: 0, refreshInterval: 0))
        #expect(try api.refreshIfChanged() == false)
        try await broken.writer.write { db in try db.execute(sql: "UPDATE tariff_line SET indent = 0 WHERE indent = 'not a number'") }
        let tag = api.service.dataTag
        _ = try await PostgresPublisher.publish(broken, to: url)
        #expect(try api.refreshIfChanged() == true)
        #expect(api.service.dataTag != tag)
        // Back to the fixture's data for the other tests.
        _ = try await PostgresPublisher.publish(sqlite, to: url)
        #expect(try postgres.sourceFingerprint() == before)
    }

    @Test func aCopyOfAnotherVersionOrNoneIsRefusedWithTheReason() async throws {
        let url = try TestPostgres.url(schema: "tarif_test_empty_\(UInt32.random(in: 0...UInt32.max))")
        await #expect {
            _ = try PostgresStore(url: url)
        } throws: { error in
            "\(error)".contains("tarif data build --database-url")
        }
        _ = try await PostgresPublisher.publish(try TarifDatabase.inMemory(), to: url)
        let store = try PostgresStore(url: url)
        #expect(try store.schedules().isEmpty)
        _ = try store.fetch("UPDATE tarif_meta SET value = 'v0' WHERE key = 'schema'", [])
        await #expect {
            _ = try PostgresStore(url: url)
        } throws: { error in
            "\(error)".contains("another version of Tarif")
        }
        // Tables of this version whose search index was published without folding (before it did).
        _ = try store.fetch("UPDATE tarif_meta SET value = '\(TarifDatabase.schemaVersion)' WHERE key = 'schema'", [])
        _ = try store.fetch("DELETE FROM tarif_meta WHERE key = 'search'", [])
        await #expect {
            _ = try PostgresStore(url: url)
        } throws: { error in
            "\(error)".contains("search index does not fold diacritics") && "\(error)".contains("tarif data build --database-url")
        }
        _ = try store.fetch("DROP SCHEMA \(try PostgresLocation(url: url).schema) CASCADE", [])
    }

    @Test func badURLsAreClearErrors() {
        #expect(throws: TarifError.self) { try PostgresLocation(url: "mysql://x@y/z") }
        #expect(throws: TarifError.self) { try PostgresLocation(url: "postgres://u@h/db?sslmode=sometimes") }
        #expect(throws: TarifError.self) { try PostgresLocation(url: "postgres://u@h/db?schema=Robert'); DROP") }
        let location = try? PostgresLocation(url: "postgres://tarif:s3cret@db.internal:6543/trade?schema=live&sslmode=disable")
        #expect(location?.port == 6543 && location?.database == "trade" && location?.schema == "live" && location?.tls == .disable)
        #expect(location?.description.contains("s3cret") == false)
        #expect(PostgresLocation.redacted("postgres://tarif:s3cret@db/x") == "postgres://tarif:***@db/x")
    }
}
