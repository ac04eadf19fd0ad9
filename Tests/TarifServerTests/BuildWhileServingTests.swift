import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TarifCore
import TarifKit
import TarifServer
import TarifStore
import TarifTesting
import Testing

/// While loads replace the schedule a server reads, every answer is a whole one: 200 with
/// the same duty, never "no line" for a line that exists before and after.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct BuildWhileServingTests {
    @Test func answersDuringLoadsComeFromWholeData() async throws {
        let directory = try TestData.temporaryDirectory()
        let path = directory.appendingPathComponent("served.sqlite").path
        let tarif = try Tarif(path: path)
        let database = try #require(tarif.database)
        let catalog = try Catalog.bundled()
        let wanted = ["hs/hs2022_sections.csv", "hs/hs2022_harmonized-system.csv", "countries/country-codes.csv", "tariffs_mfn/idn_btki2022_mfn.csv",
            "tariffs_mfn/gbr_ukgt_2021_vs_eu_cet.csv",  // loaded after the BTKI: a reloaded BTKI gets another id
        ]
        let subset = Catalog(publications: catalog.publications.filter { wanted.contains($0.path) })
        _ = try DataBuilder(database: database).build(from: TestData.directory, catalog: subset)
        // A second copy of the BTKI with other bytes (a blank line more) and the same lines:
        // loading the two in turn replaces the schedule (a new id each time) again and again.
        let btki = try #require(subset.publications.first { $0.path.hasSuffix("btki2022_mfn.csv") })
        let other = directory.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other.appendingPathComponent("tariffs_mfn"), withIntermediateDirectories: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: TestData.path(btki.path)))
        bytes.append(contentsOf: Array("\n".utf8))
        try bytes.write(to: other.appendingPathComponent(btki.path))

        let codes = try tarif.lines(importer: .indonesia, under: try TariffCode("84"), on: try Day(iso: "2024-01-01"), limit: 5_000).1
            .filter { $0.code.length == 8 }.map(\.code.formatted)
        #expect(codes.count > 500)
        let api = TarifAPI(
            service: try DutyService(tarif: tarif), options: ServerOptions(rateLimit: 0, refreshInterval: 0, responseCacheBytes: 0))  // no timed reload: only a stale answer reloads
        let done = DoneFlag()
        let serving = DoneFlag()
        let loader = Task.detached {
            defer { done.set() }
            // The loads start once the server has answered (starting it can take longer than six loads).
            while !serving.value { try await Task.sleep(for: .milliseconds(5)) }
            for round in 0..<6 {
                _ = try DataBuilder(database: database).build(from: round % 2 == 0 ? other : TestData.directory, catalog: Catalog(publications: [btki]))
            }
        }
        try await ServerFixture.live(api) { client in
            var asked = 0
            var i = 0
            while !done.value, asked < 20_000 {
                let code = codes[i % codes.count]
                i += 7
                try await client.execute(uri: "/v1/duty?importer=IDN&code=\(code)&on=2024-01-01&value=1000", method: .get) { r throws in
                    #expect(r.status == .ok, "\(code) during a load: \(r.status) \(String(buffer: r.body).prefix(200))")
                }
                asked += 1
                serving.set()
            }
            print("BuildWhileServingTests: \(asked) answers during six loads")
            #expect(asked >= 2, "no question was answered while the loads ran")
        }
        try await loader.value
    }
}

/// Set once, read from any thread.
final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func set() { lock.withLock { done = true } }
    var value: Bool { lock.withLock { done } }
}
