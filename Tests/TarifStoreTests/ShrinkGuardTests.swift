import Foundation
import TarifCore
import Testing

@testable import TarifStore

/// A publication that would empty or shrink what is loaded is refused with its counts, and
/// "already loaded" means "in force": a file replaced by a bad load can be loaded again.
struct ShrinkGuardTests {
    static let day = try! Day(iso: "2022-04-01")

    static func info(_ hash: String, from day: Day = day) -> ScheduleInfo {
        ScheduleInfo(
            series: "IDN-MFN", importer: .indonesia, title: "test \(hash)", nomenclature: "AHTN", currency: .idr, validFrom: day,
            legalSource: "PMK test", sourceFile: "\(hash).csv", contentHash: hash)
    }

    /// Loads `lines` lines (codes 0101…) as the schedule from `day`, under content `hash`.
    @discardableResult
    static func load(
        _ db: TarifDatabase, lines: Int, hash: String, from day: Day = day, minimum: Int? = nil, force: Bool = false
    ) throws -> LoadReport {
        let load = PublicationLoad(
            fileName: "\(hash).csv", format: "btki-csv", contentHash: hash, schedules: ["mfn": info(hash, from: day)],
            minimumLines: minimum.map { ["mfn": $0] } ?? [:], allowShrink: force)
        return try db.load(load) { sink in
            for i in 0..<lines {
                let code = try TariffCode(String(format: "%08d", 1_000_000 + i))
                try sink.addLine(TariffLine(code: code, indent: 0, descriptionEnglish: "line \(i)"), role: "mfn")
            }
        }
    }

    func refusal(_ body: () throws -> Void) -> TarifError? {
        do { try body() } catch let e as TarifError { return e } catch { return nil }
        return nil
    }

    @Test(arguments: [0, 1, 50, 89])
    func aShorterReplacementIsRefusedAndChangesNothing(_ lines: Int) throws {
        let db = try TarifDatabase.inMemory()
        try Self.load(db, lines: 100, hash: "whole")
        let error = refusal { try Self.load(db, lines: lines, hash: "cut") }
        #expect(error?.code == .refused)
        #expect(error?.message.contains(lines == 0 ? "no lines" : "\(lines) lines where IDN-MFN from 2022-04-01") == true, "\(error?.message ?? "")")
        #expect(try db.lineCount(series: "IDN-MFN", validFrom: Self.day) == 100)
        #expect(try db.isLoaded(format: "btki-csv", contentHash: "whole"))
        #expect(try !db.isLoaded(format: "btki-csv", contentHash: "cut"))
    }

    @Test func aNewVersionIsComparedWithTheOneBeforeIt() throws {
        let db = try TarifDatabase.inMemory()
        try Self.load(db, lines: 100, hash: "v1")
        let later = try Day(iso: "2025-01-01")
        #expect(refusal { try Self.load(db, lines: 40, hash: "v2", from: later) }?.code == .refused)
        #expect(refusal { try Self.load(db, lines: 0, hash: "v2", from: later) }?.code == .refused)
        try Self.load(db, lines: 95, hash: "v2", from: later)  // within 10%: a real new version
        #expect(try db.lineCount(series: "IDN-MFN", validFrom: later) == 95)
        #expect(try db.lineCount(series: "IDN-MFN", validFrom: Self.day) == 100)
    }

    @Test func theCatalogsMinimumHoldsOnAnEmptyStore() throws {
        let db = try TarifDatabase.inMemory()
        let error = refusal { try Self.load(db, lines: 10, hash: "first", minimum: 50) }
        #expect(error?.message.contains("the catalog expects at least 50") == true)
        #expect(try db.lineCount(series: "IDN-MFN", validFrom: Self.day) == nil)
    }

    @Test func forceLoadsAndTheGoodFileCanBeLoadedAgain() throws {
        let db = try TarifDatabase.inMemory()
        try Self.load(db, lines: 100, hash: "whole")
        try Self.load(db, lines: 10, hash: "cut", force: true)
        #expect(try db.lineCount(series: "IDN-MFN", validFrom: Self.day) == 10)
        // The whole file's content is no longer what is in force, so it is not "already loaded".
        #expect(try !db.isLoaded(format: "btki-csv", contentHash: "whole"))
        let tagAfterCut = try db.sourceFingerprint()
        try Self.load(db, lines: 100, hash: "whole")
        #expect(try db.lineCount(series: "IDN-MFN", validFrom: Self.day) == 100)
        #expect(try db.isLoaded(format: "btki-csv", contentHash: "whole"))
        #expect(try !db.isLoaded(format: "btki-csv", contentHash: "cut"))
        #expect(try db.sourceFingerprint() != tagAfterCut)  // servers see the change
    }

    @Test func referenceDataAndEmptyFilesAreGuardedToo() throws {
        let db = try TarifDatabase.inMemory()
        func countries(_ n: Int, hash: String) throws {
            _ = try db.load(PublicationLoad(fileName: "c.csv", format: "country-codes-csv", contentHash: hash, schedules: [:])) { sink in
                for i in 0..<n {
                    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                    let code = String([letters[i / 26 % 26], letters[i % 26], "X"])
                    try sink.addCountry(
                        Country(
                            code: try CountryCode(code), alpha2: String(code.prefix(2)), numeric: "\(i)", name: "Land \(i)", officialName: "",
                            region: "", subregion: "", isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false,
                            currency: "", independence: ""))
                }
            }
        }
        try countries(200, hash: "all")
        #expect(refusal { try countries(120, hash: "some") }?.message.contains("country would have 120 rows where it has 200") == true)
        #expect(refusal { try countries(0, hash: "none") }?.message.contains("no rows at all") == true)
        #expect(try db.referenceCounts()["country"] == 200)
    }
}
