import Foundation
import TarifCore
import Testing

@testable import TarifStore

/// The store on an in-memory database: loads through ``LoadSink`` and reads back.
struct StoreTests {
    func loaded() throws -> (TarifDatabase, StoredSchedule) {
        let db = try TarifDatabase.inMemory()
        let info = ScheduleInfo(
            series: "IDN-MFN", importer: .indonesia, title: "test", nomenclature: "AHTN 2022", currency: .idr,
            validFrom: try Day(iso: "2022-04-01"), legalSource: "PMK test", sourceFile: "t.csv", contentHash: "abc")
        let load = PublicationLoad(fileName: "t.csv", format: "btki-csv", contentHash: "abc", schedules: ["mfn": info])
        _ = try db.load(load) { sink in
            try sink.addLine(TariffLine(code: try TariffCode("1006"), indent: 0, descriptionEnglish: "Rice.", descriptionLocal: "Beras."), role: "mfn")
            try sink.addLine(
                TariffLine(code: try TariffCode("10063099"), indent: 3, descriptionEnglish: "Other", descriptionLocal: "Lain-lain", path: ["Rice.", "Semi-milled rice"]),
                role: "mfn")
            let rate = try DutyExpressionParser(dialect: .btki).parse("450,-/kg")
            try sink.addRate(LineRate(code: try TariffCode("10063099"), kind: .mfn, text: "450,-/kg", expression: rate), role: "mfn")
        }
        return (db, try #require(try db.schedules().first))
    }

    /// A line's stored path is split as Foundation's `components(separatedBy:)` splits it.
    @Test func pathsSplitAsFoundationSplitsThem() {
        for text in ["", "a", " > ", "a > b", "a > > b", "a >  > b > ", " > a", "a>b > c", "é > 中 > ", "> >", "a > b > c > d"] {
            #expect(text.parts(separatedBy: " > ") == text.components(separatedBy: " > "), "\(text)")
        }
    }

    @Test func linesRatesAndSearchReadBack() throws {
        let (db, schedule) = try loaded()
        #expect(schedule.lineCount == 2)
        #expect(schedule.rateCount == 1)
        #expect(try db.line(try TariffCode("1006.30.99"), in: schedule)?.path == ["Rice.", "Semi-milled rice"])
        #expect(try db.lines(under: try TariffCode("10"), in: schedule).map(\.code.digits) == ["1006", "10063099"])
        #expect(try db.search("beras", in: schedule).map(\.code.digits) == ["1006"])
        #expect(try db.search("semi milled", in: schedule).map(\.code.digits) == ["10063099"])
        #expect(try db.search("  ", in: schedule).isEmpty)
        #expect(try db.search("r", in: schedule).isEmpty)  // one letter is a word of its own, not the r of rice
        #expect(try db.search("ri", in: schedule).map(\.code.digits) == ["1006", "10063099"])
        let (publishedOn, rates) = try #require(try db.rates(for: try TariffCode("1006.30.99"), in: schedule))
        #expect(publishedOn.digits == "10063099")
        #expect(rates.first?.expression?.summary == "450 IDR / kg")
    }

    @Test func theIndexAnswersByDayAndWalksUp() throws {
        let (db, _) = try loaded()
        let index = try db.mfnRateIndex()
        let statistical = try TariffCode("1006.30.99.10")
        #expect(index.mfnRate(importer: .indonesia, code: statistical, on: try Day(iso: "2023-01-01"))?.code.digits == "10063099")
        #expect(index.mfnRate(importer: .indonesia, code: statistical, on: try Day(iso: "2022-03-31")) == nil)
        #expect(index.mfnRate(importer: .unitedStates, code: statistical, on: try Day(iso: "2023-01-01")) == nil)
    }

    /// Words spread over a line and its headings find the line ("kopi arabika": kopi is in
    /// the heading's Indonesian text, arabika in the line's), the deepest lines only.
    @Test func wordsAcrossLevelsFindTheLine() throws {
        let db = try TarifDatabase.inMemory()
        let info = ScheduleInfo(
            series: "IDN-MFN", importer: .indonesia, title: "t", nomenclature: "AHTN", currency: .idr, validFrom: try Day(iso: "2022-04-01"),
            legalSource: "PMK", sourceFile: "t.csv", contentHash: "k")
        _ = try db.load(PublicationLoad(fileName: "t.csv", format: "btki-csv", contentHash: "k", schedules: ["mfn": info])) { sink in
            let lines: [(String, String, String, [String])] = [
                ("0901", "Coffee.", "Kopi.", []), ("090111", "Not decaffeinated", "Tidak dihilangkan kafeinnya", ["Coffee."]),
                ("09011120", "Arabica", "Arabika", ["Coffee.", "Not decaffeinated"]), ("09011190", "Other", "Lain-lain", ["Coffee.", "Not decaffeinated"]),
                ("1801", "Cocoa beans, Arabika style", "Biji kakao", []),
            ]
            for (code, en, id, path) in lines {
                try sink.addLine(
                    TariffLine(code: try TariffCode(code), indent: path.count, descriptionEnglish: en, descriptionLocal: id, path: path), role: "mfn")
            }
        }
        let schedule = try #require(try db.schedules().first)
        #expect(try db.search("kopi arabika", in: schedule, limit: 50).isEmpty)
        #expect(try db.searchAcrossLevels("kopi arabika", in: schedule, limit: 50).map(\.code.digits) == ["09011120"])
        #expect(try db.searchAcrossLevels("arabika", in: schedule, limit: 50).map(\.code.digits) == ["09011120", "1801"])
        #expect(try db.searchAcrossLevels("kopi lain", in: schedule, limit: 50).map(\.code.digits) == ["09011190"])
        #expect(try db.searchAcrossLevels("kopi teh", in: schedule, limit: 50).isEmpty)
    }

    @Test func aRowForAnUndescribedScheduleFailsTheLoad() throws {
        let db = try TarifDatabase.inMemory()
        let load = PublicationLoad(fileName: "x", format: "btki-csv", contentHash: "h", schedules: [:])
        #expect(throws: TarifError.self) {
            try db.load(load) { sink in try sink.addLine(TariffLine(code: try TariffCode("1006"), indent: 0, descriptionEnglish: "Rice"), role: "mfn") }
        }
        #expect(try db.isLoaded(format: "btki-csv", contentHash: "h") == false)
    }
}
