import Foundation
import TarifCore
import TarifStore
import TarifTesting
import Testing

@testable import TarifKit

/// A data build killed at any moment leaves the store with each publication either as it
/// was or wholly loaded, never half; the next build finishes the work.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct FaultTests {
    /// The `tarif` binary of this build.
    static var binary: String { TestData.binary }

    /// Every schedule in the store is whole: as many lines as the catalog's publication holds.
    static func checkWhole(_ path: String) throws -> (schedules: Int, lines: [String: Int]) {
        let database = try TarifDatabase(path: path)
        let integrity = try database.fetch("PRAGMA integrity_check", []).first?.text("integrity_check")
        #expect(integrity == "ok")
        let whole = [
            "IDN-MFN 2022-04-01": 14_631, "IDN-MFN 2008-01-01": 8_744, "IDN-MFN 2011-01-01": 8_746, "IDN-MFN 2012-01-01": 8_745,
            "GBR-MFN": 11_830, "JPN-MFN": 12_593, "IDN-BOUND": 7_975, "AUS-MFN": 5_526,
            // The US HTS history: 43 revisions (RealDatabaseTests counts some of them); the last is usa_hts_2026_rev10.
            "USA-MFN 2025-01-01": 29_842, "USA-MFN 2025-04-02": 29_920, "USA-MFN 2026-01-01": 29_675, "USA-MFN 2026-06-08": 29_597,
        ]
        var lines: [String: Int] = [:]
        let schedules = try database.schedules()
        for s in schedules {
            if let expected = whole[s.info.series + " " + s.info.validFrom.description] ?? whole[s.info.series] {
                #expect(s.lineCount == expected, "\(s.info.series) from \(s.info.validFrom) has \(s.lineCount) lines")
            } else {
                #expect(s.info.series == "USA-MFN" && s.revision != nil && s.lineCount > 29_500, "\(s.info.series) from \(s.info.validFrom) has \(s.lineCount) lines")
            }
            lines[s.info.series + " " + s.info.validFrom.description] = s.lineCount
        }
        let counts = try database.referenceCounts()
        for (table, n) in [("hs_entry", 6_939), ("country", 249)] where (counts[table] ?? 0) > 0 {
            #expect(counts[table] == n, "\(table) has \(counts[table] ?? 0) rows")
        }
        return (schedules.count, lines)
    }

    @Test func aBuildKilledAtAnyMomentLeavesWholePublications() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build tarif first (swift build): \(Self.binary)")
        let path = try TestData.temporaryDirectory().appendingPathComponent("killed.sqlite").path
        // Kill points spread over a whole build (a debug build takes some 30 s here).
        var rng = SystemRandomNumberGenerator()
        let delays = [0.3, 1.0, 2.5] + (0..<4).map { _ in Double.random(in: 3...25, using: &rng) }
        for delay in delays {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = ["data", "build", "--db", path, "--data", TestData.directory.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard FileManager.default.fileExists(atPath: path) else { continue }
            _ = try Self.checkWhole(path)
        }
        // The next build completes what the killed ones left, and the whole is loaded.
        let database = try TarifDatabase(path: path)
        _ = try DataBuilder(database: database).build(from: TestData.directory, catalog: try Catalog.bundled())
        let (schedules, _) = try Self.checkWhole(path)
        #expect(schedules == 9 + 43)
        let entries = try DataBuilder(database: database).verify(from: TestData.directory, catalog: try Catalog.bundled(), repair: false)
        #expect(entries.allSatisfy { $0.status == .ok }, "\(entries.filter { $0.status != .ok })")
    }

    /// The files a user may break: a BTKI cut at a line boundary, header-only BTKI and UKGT
    /// files, an HTS file `[]`. Each is refused with its counts, the store keeps its data, and
    /// `data verify` finds nothing to repair.
    @Test func cutAndEmptyPublicationsAreRefused() throws {
        let directory = try TestData.temporaryDirectory()
        let path = directory.appendingPathComponent("guarded.sqlite").path
        let database = try TarifDatabase(path: path)
        let catalog = try Catalog.bundled()
        let builder = DataBuilder(database: database)
        _ = try builder.build(from: TestData.directory, catalog: catalog)
        let before = try Self.checkWhole(path)

        // A data directory of broken copies, under the catalog's names.
        let broken = directory.appendingPathComponent("broken")
        for folder in ["tariffs_mfn"] {
            try FileManager.default.createDirectory(at: broken.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let btki = try String(contentsOfFile: TestData.path("tariffs_mfn/idn_btki2022_mfn.csv"), encoding: .utf8)
        let btkiLines = btki.split(separator: "\n", omittingEmptySubsequences: false)
        let ukgt = try String(contentsOfFile: TestData.path("tariffs_mfn/gbr_ukgt_2021_vs_eu_cet.csv"), encoding: .utf8)
        let cases: [(file: String, content: String)] = [
            ("tariffs_mfn/idn_btki2022_mfn.csv", btkiLines.prefix(btkiLines.count / 2).joined(separator: "\n") + "\n"),
            ("tariffs_mfn/idn_btki2022_mfn.csv", String(btkiLines[0]) + "\n"),
            ("tariffs_mfn/gbr_ukgt_2021_vs_eu_cet.csv", String(ukgt.prefix { $0 != "\n" }) + "\n"),
            ("tariffs_mfn/usa_hts_2026_rev10.json.gz", "[]"),
        ]
        for (file, content) in cases {
            let target = broken.appendingPathComponent(file)
            try? FileManager.default.removeItem(at: target)
            try Data(content.utf8).write(to: target)
            let publication = try #require(catalog.publications.first { $0.path == file })
            #expect {
                _ = try builder.build(from: broken, catalog: Catalog(publications: [publication]))
            } throws: { error in
                let e = error as? TarifError
                // (The HTS file's day is a revision of the history loaded whole: refused before its lines are counted.)
                return e?.code == .refused && (e?.message.contains("lines") == true || e?.message.contains("of a history loaded whole") == true)
            }
        }
        let after = try Self.checkWhole(path)
        #expect(after.lines == before.lines)
        // Still "already loaded": nothing was replaced.
        let again = try builder.build(from: TestData.directory, catalog: catalog)
        #expect(again.allSatisfy { $0.alreadyLoaded })
    }
}
