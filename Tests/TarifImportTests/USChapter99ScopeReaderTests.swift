import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// The reader of the chapter 99 scope lists: a directory of CSV files, each read whole or
/// refused with the file and line at fault.
struct USChapter99ScopeReaderTests {
    func directory(_ files: [String: String]) throws -> String {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("ch99-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir.path
    }

    func read(_ path: String) throws -> (rows: [Chapter99ScopeRow], skipped: [String]) {
        var rows: [Chapter99ScopeRow] = []
        var skipped: [String] = []
        try USChapter99ScopeReader().read(directory: path, displayName: "scope", progress: { _ in }) { event in
            switch event {
            case .chapter99Scope(let r): rows.append(r)
            case .skipped(let at, let why): skipped.append("\(at): \(why)")
            default: Issue.record("unexpected event \(event)")
            }
        }
        return (rows, skipped)
    }

    @Test func theSection232ListsKeepWhatDecidesTheirHeading() throws {
        let dir = try directory([
            "s232_metal_chapter_products.csv": "hts_prefix,metal_type,kind,effective_date,source\n7208,steel,mill,,note_16(b); Proc 9705 (2018)\n7326,steel,derivative,2025-03-12,note_16(m); Proc 10896 Annex I\n",
            "s232_derivative_products.csv": "hts_prefix,ch99_code,derivative_type,effective_date\n84031000,9903.81.91,steel,2025-08-18\n",
            "s232_annex_products.csv": "hts_prefix,annex,metal_type,source,effective_date\n7208,1a,steel,us_note_16,2026-04-06\n22030000,2,aluminum,proclamation,2026-04-06\n",
        ])
        let (rows, _) = try read(dir)
        let mill = try #require(rows.first { $0.prefix == "7208" && $0.from == nil })
        #expect(mill.detail == "steel mill" && mill.through == Day(year: 2026, month: 4, day: 5) && mill.source.hasSuffix("note_16(b); Proc 9705 (2018)"))
        #expect(rows.first { $0.prefix == "7326" }?.detail == "steel derivative")
        let derivative = try #require(rows.first { $0.list == "section-232-derivative" })
        #expect(derivative.detail == "9903.81.91 steel" && derivative.through == Day(year: 2026, month: 4, day: 5))
        let annex = try #require(rows.first { $0.prefix == "7208" && $0.from == Day(year: 2026, month: 4, day: 6) })
        #expect(annex.list == "section-232" && annex.detail == "1a steel" && annex.through == nil)
        // Annex II: taken out of Section 232, a list of its own.
        #expect(rows.first { $0.prefix == "22030000" }?.list == "section-232-removed")
        // A detail beyond its bound is refused, naming the line.
        let long = try directory([
            "s232_annex_products.csv": "hts_prefix,annex,metal_type,source,effective_date\n7208,\(String(repeating: "x", count: 300)),steel,s,2026-04-06\n"
        ])
        #expect { try read(long) } throws: { ($0 as? TarifError)?.description.contains("s232_annex_products.csv:2") == true }
    }

    @Test func readsEachFileUnderTheListItMeans() throws {
        let dir = try directory([
            "ieepa_exempt_products.csv": "hts10,effective_date_start,effective_date_end\n0901210000,2025-11-13,NA\n2709001000,NA,2025-10-13\n",
            "country_eo_exempt_products.csv": """
                # a comment, with a comma
                # ch99_code: the heading
                ch99_code,hts10,effective_date_start,effective_date_end,source,note
                9903.01.77,0801.21.00,2025-08-06,,"EO 14323 Annex I (original, pre-Nov-13)",covered

                """,
            "s232_copper_products.csv": "hts10,ch99_code\n74061000,9903.78.01\n",
            "s301_product_lists.csv": "hts8,list,ch99_code\n01012100,4A,9903.88.15\n",
        ])
        let (rows, skipped) = try read(dir)
        #expect(skipped.isEmpty)
        #expect(rows.count == 4)
        let annex = rows.filter { $0.list == "annex-ii" }
        #expect(annex.map(\.prefix) == ["0901210000", "2709001000"])
        #expect(annex[0].from == Day(year: 2025, month: 11, day: 13) && annex[0].through == nil)
        #expect(annex[1].from == nil && annex[1].through == Day(year: 2025, month: 10, day: 13))
        let brazil = try #require(rows.first { $0.list == "exempt-from:9903.01.77" })
        #expect(brazil.prefix == "08012100" && brazil.source.hasSuffix("EO 14323 Annex I (original, pre-Nov-13)"))
        // Copper from the proclamation's day; the Section 301 lists are not read.
        #expect(rows.first { $0.list == "section-232" }?.from == Day(year: 2025, month: 8, day: 1))
        #expect(!rows.contains { $0.prefix == "01012100" })
        // It ends the day before the annexes of 6 April 2026, and keeps its heading.
        let copper = try #require(rows.first { $0.list == "section-232" })
        #expect(copper.through == Day(year: 2026, month: 4, day: 5) && copper.detail == "9903.78.01")
        // The hash covers the files read: changing one changes it.
        let before = try USChapter99ScopeReader.contentHash(of: dir, displayName: "scope")
        try Data("hts10,ch99_code\n74061000,9903.78.01\n74062000,9903.78.01\n".utf8).write(to: URL(fileURLWithPath: dir + "/s232_copper_products.csv"))
        #expect(try USChapter99ScopeReader.contentHash(of: dir, displayName: "scope") != before)
    }

    @Test func aCodeLongerThanAnyLineIsListedNotLoaded() throws {
        let dir = try directory(["ieepa_exempt_products.csv": "hts10,effective_date_start,effective_date_end\n850511007000,2025-09-08,NA\n8505110070,2025-09-08,NA\n"])
        let (rows, skipped) = try read(dir)
        #expect(rows.map(\.prefix) == ["8505110070"])
        #expect(skipped.count == 1 && skipped[0].contains("ieepa_exempt_products.csv:2") && skipped[0].contains("850511007000"))
    }

    @Test(arguments: [
        ("hts10,effective_date_start,effective_date_end\nABCD,NA,NA\n", "ieepa_exempt_products.csv:2", "not an HTS code"),
        ("hts10,effective_date_start,effective_date_end\n090121,13/11/2025,NA\n", "ieepa_exempt_products.csv:2", "not a date"),
        ("hts10,effective_date_start,effective_date_end\n090121,2025-11-13,2025-11-01\n", "ieepa_exempt_products.csv:2", "ends"),
        ("hts10,effective_date_start\n090121,2025-11-13\n", "ieepa_exempt_products.csv:1", "lacks column effective_date_end"),
        ("hts10,effective_date_start,effective_date_end\n090121,2025-11-13\n", "ieepa_exempt_products.csv:2", "fields"),
        ("", "ieepa_exempt_products.csv", "empty"),
        ("hts10,effective_date_start,effective_date_end\n123,NA,NA\n", "ieepa_exempt_products.csv:2", "4 to 10 digits"),
    ])
    func badRowsAreErrorsNamingFileAndLine(content: String, place: String, words: String) throws {
        let dir = try directory(["ieepa_exempt_products.csv": content])
        let error = try #require(throws: TarifError.self) { try read(dir) }
        #expect(error.description.contains(place), "\(error)")
        #expect(error.description.contains(words), "\(error)")
    }

    @Test func aBadHeadingInTheListColumnIsAnError() throws {
        let dir = try directory(["fentanyl_carveout_products.csv": "hts8,ch99_code,category\n31042000,9903.1.05,potash\n"])
        let error = try #require(throws: TarifError.self) { try read(dir) }
        #expect(error.description.contains("fentanyl_carveout_products.csv:2") && error.description.contains("not a chapter 99 heading"))
    }

    @Test func aDirectoryWithoutScopeFilesIsRefused() throws {
        let dir = try directory(["notes.txt": "nothing"])
        let error = try #require(throws: TarifError.self) { try read(dir) }
        #expect(error.description.contains("none of the scope files"))
    }
}

/// Hostile scope files: too many rows, a 100 KB field. Each is refused with where and why, and
/// what the error echoes is bounded.
struct USChapter99ScopeHostileTests {
    func directory(_ name: String, _ text: String) throws -> String {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("ch99h-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        return dir.path
    }

    func read(_ path: String) throws -> Int {
        var n = 0
        try USChapter99ScopeReader().read(directory: path, displayName: "scope", progress: { _ in }) { _ in n += 1 }
        return n
    }

    @Test func moreRowsThanTheBoundAreRefused() throws {
        var text = "hts8\n"
        text.reserveCapacity((USChapter99ScopeReader.maxRows + 2) * 9)
        for _ in 0...USChapter99ScopeReader.maxRows { text += "01012100\n" }
        let dir = try directory("s122_exempt_products.csv", text)
        let error = try #require(throws: TarifError.self) { _ = try read(dir) }
        #expect(error.description.contains("more than \(USChapter99ScopeReader.maxRows) scope rows"))
    }

    @Test func aHugeFieldIsEchoedBounded() throws {
        let huge = String(repeating: "9", count: 100_000)
        let dir = try directory("s122_exempt_products.csv", "hts8\n\(huge)\n")
        let error = try #require(throws: TarifError.self) { _ = try read(dir) }
        #expect(error.description.contains("s122_exempt_products.csv:2"))
        #expect(error.description.utf8.count < 1_000)
    }

    @Test func aHugeHeadingInTheListColumnIsRefused() throws {
        let dir = try directory("fentanyl_carveout_products.csv", "hts8,ch99_code,category\n31042000,\(String(repeating: "9903.", count: 20_000)),x\n")
        let error = try #require(throws: TarifError.self) { _ = try read(dir) }
        #expect(error.description.contains("not a chapter 99 heading") && error.description.utf8.count < 1_000)
    }
}
