import Foundation
import TarifCore
import TarifImport
import TarifStore
import TarifTesting
import Testing

@testable import TarifKit

/// A schedule loaded with its history: revisions as versions sharing their unchanged lines.
struct HistoryTests {
    /// One HTS JSON row.
    static func row(_ code: String, _ description: String, general: String = "5%", special: String = "Free (AU,KR)", footnote: String? = nil)
        -> String
    {
        let notes = footnote.map { #"[{"columns":["general"],"value":"\#($0)","type":"endnote"}]"# } ?? "[]"
        return #"{"htsno":"\#(code)","indent":"1","description":"\#(description)","superior":null,"units":["kg"],"general":"\#(general)","special":"\#(special)","other":"35%","footnotes":\#(notes),"quotaQuantity":"","additionalDuties":""}"#
    }

    /// Lines every revision holds alike (enough that one line more or less is no shrinking).
    static let unchanged = (1...8).map { row("0902.10.\($0)0", "Green tea \($0)") }

    static func file(_ rows: [String], unchanged: [String] = unchanged) -> String {
        let heading = #"{"htsno":"0901","indent":"0","description":"Coffee:","superior":null,"units":[],"general":"","special":"","other":"","footnotes":[],"quotaQuantity":"","additionalDuties":""}"#
        return "[" + ([heading] + rows + unchanged).joined(separator: ",\n") + "]"
    }

    static let basic = file([row("0901.11.00", "Not decaffeinated"), row("0901.12.00", "Decaffeinated"), row("0901.21.00", "Roasted")])
    /// rev 1: 0901.12 re-rated, a heading of chapter 99 added.
    static let rev1 = file([
        row("0901.11.00", "Not decaffeinated"), row("0901.12.00", "Decaffeinated", general: "7%"), row("0901.21.00", "Roasted"),
        row("9903.01.61", "Products of Indonesia", general: "The duty provided in the applicable subheading + 32%", special: ""),
    ])
    /// rev 2: 0901.21 re-described and given a footnote, the chapter 99 heading ended.
    static let rev2 = file([
        row("0901.11.00", "Not decaffeinated"), row("0901.12.00", "Decaffeinated", general: "7%"),
        row("0901.21.00", "Roasted, in bulk", footnote: "See 9903.88.15."),
    ])

    static let calendar = """
        revision,effective_date,policy_effective_date,tpc_date,policy_event,tpc_policy_revision,needs_review
        basic,2025-01-01,NA,NA,Baseline,NA,NA
        rev_1,2025-04-05,2025-04-09,NA,Reciprocal duties,NA,NA
        rev_2,2025-07-01,NA,NA,"Annual update; 2025_rev_3 was editorial and is left out",NA,NA

        """

    /// A directory with the calendar and the files it names (and a rev 3 it does not date).
    static func directory(calendar: String = calendar, files: [String: String]? = nil) throws -> URL {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("usa_hts")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try calendar.write(to: dir.appendingPathComponent("revision_dates.csv"), atomically: true, encoding: .utf8)
        let files = files ?? ["hts_2025_basic.json": basic, "hts_2025_rev_1.json": rev1, "hts_2025_rev_2.json": rev2, "hts_2025_rev_3.json": rev2]
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static let entry = Catalog.HistoryEntry(
        series: "USA-MFN", importer: .unitedStates, titlePrefix: "HTSUS", nomenclature: "HTSUS", currency: .usd, legalSource: "19 U.S.C. 1202",
        minimumLines: nil)

    func loadHistory(_ database: TarifDatabase, _ dir: URL) throws -> LoadReport {
        try DataBuilder(database: database).loadHistory(
            calendar: dir.appendingPathComponent("revision_dates.csv").path, displayName: "usa_hts/revision_dates.csv", entry: Self.entry)
    }

    func mfn(_ tarif: Tarif, _ code: String, on day: String) throws -> String? {
        try tarif.rate(importer: .unitedStates, code: try TariffCode(code), on: try Day(iso: day)).rates.first { $0.kind == .mfn }?.text
    }

    @Test func revisionsAreVersionsFromTheirDaysAndShareUnchangedLines() throws {
        let database = try TarifDatabase.inMemory()
        let tarif = Tarif(database: database)
        let report = try loadHistory(database, try Self.directory())
        #expect(report.revisions.map(\.validFrom.description) == ["2025-01-01", "2025-04-05", "2025-07-01"])
        // 37 lines over three revisions are 15 states: the heading, the 8 unchanged lines and 0901.11
        // once each, 0901.12 and 0901.21 twice, 9903.01.61 once.
        #expect(report.historySpans == 15)
        #expect(try database.fetch("SELECT count(*) AS n FROM tariff_line", []).first?.int("n") == 15)
        #expect(report.excluded.count == 1)
        #expect(report.excluded.first?.contains("hts_2025_rev_3.json: the calendar has no row for revision 2025_rev_3") == true)
        #expect(report.excluded.first?.contains("the calendar's note on 2025_rev_2 says: Annual update") == true)

        let versions = try tarif.store.schedules()
        #expect(versions.map(\.revision) == ["2025_basic", "2025_rev_1", "2025_rev_2"])
        #expect(versions.map(\.lineCount) == [12, 13, 12])
        #expect(versions[1].info.title == "HTSUS 2025 rev 1 (policy change dated 2025-04-09)")
        #expect(try mfn(tarif, "0901.12.00", on: "2025-04-04") == "5%")
        #expect(try mfn(tarif, "0901.12.00", on: "2025-04-05") == "7%")
        #expect(try mfn(tarif, "0901.11.00", on: "2026-01-01") == "5%")
        let basicLines = try tarif.lines(importer: .unitedStates, under: try TariffCode("99"), on: try Day(iso: "2025-03-01")).1
        #expect(basicLines.isEmpty)
        let rev1Lines = try tarif.lines(importer: .unitedStates, under: try TariffCode("99"), on: try Day(iso: "2025-05-01")).1
        #expect(rev1Lines.map(\.code.digits) == ["99030161"])
        #expect(try tarif.lines(importer: .unitedStates, under: try TariffCode("99"), on: try Day(iso: "2025-07-01")).1.isEmpty)
        // Search and notes see the version of the day.
        #expect(try tarif.search(importer: .unitedStates, "bulk", on: try Day(iso: "2025-07-01")).1.count == 1)
        #expect(try tarif.search(importer: .unitedStates, "bulk", on: try Day(iso: "2025-06-30")).1.isEmpty)
        let notes = try tarif.rate(importer: .unitedStates, code: try TariffCode("0901.21.00"), on: try Day(iso: "2025-07-01")).notes
        #expect(notes.map(\.text) == ["See 9903.88.15."])
        #expect(try tarif.rate(importer: .unitedStates, code: try TariffCode("0901.21.00"), on: try Day(iso: "2025-06-30")).notes.isEmpty)
        #expect {
            try mfn(tarif, "0901.11.00", on: "2024-12-31")
        } throws: { e in
            let e = e as? TarifError
            return e?.code == .notFound && e?.message.contains("2024-12-31 is before the first version loaded; loaded: 3 versions from HTSUS 2025 basic, 2025-01-01") == true
        }
    }

    @Test func loadingTheSameHistoryOrOneOfItsRevisionsAgainChangesNothing() throws {
        let database = try TarifDatabase.inMemory()
        let dir = try Self.directory()
        _ = try loadHistory(database, dir)
        let fingerprint = try database.sourceFingerprint()
        #expect(try loadHistory(database, dir).alreadyLoaded)
        // The last revision's file loaded alone (as the catalog's usa_hts_2026_rev10 is) is the same content.
        let alone = try DataBuilder(database: database).load(
            path: dir.appendingPathComponent("hts_2025_rev_2.json").path, displayName: "usa_rev2.json", format: "hts-json"
        ) { hash in
            ["mfn": ScheduleInfo(
                series: "USA-MFN", importer: .unitedStates, title: "alone", nomenclature: "HTSUS", currency: .usd,
                validFrom: try Day(iso: "2025-07-01"), legalSource: "x", sourceFile: "usa_rev2.json", contentHash: hash)]
        }
        #expect(alone.alreadyLoaded)
        #expect(try database.sourceFingerprint() == fingerprint)
        // Another file onto a revision's day would cut the history's shared rows: refused, nothing written.
        let other = try TestData.fixture("other.json", Self.basic.replacingOccurrences(of: "Roasted", with: "Toasted"))
        #expect {
            try DataBuilder(database: database).load(path: other, displayName: "other.json", format: "hts-json") { hash in
                ["mfn": ScheduleInfo(
                    series: "USA-MFN", importer: .unitedStates, title: "other", nomenclature: "HTSUS", currency: .usd,
                    validFrom: try Day(iso: "2025-01-01"), legalSource: "x", sourceFile: "other.json", contentHash: hash)]
            }
        } throws: { ($0 as? TarifError)?.code == .refused && "\($0)".contains("is revision 2025_basic of a history") }
        #expect(try database.sourceFingerprint() == fingerprint)
        #expect(try database.schedules().count == 3)
    }

    @Test func aRevisionCutShortOrOutOfOrderOrMissingIsRefusedWhole() throws {
        let database = try TarifDatabase.inMemory()
        _ = try loadHistory(database, try Self.directory())
        let before = try database.sourceFingerprint()
        // rev 2 holding one line of three: refused, with the counts.
        let short = try Self.directory(files: [
            "hts_2025_basic.json": Self.basic, "hts_2025_rev_1.json": Self.rev1, "hts_2025_rev_2.json": Self.file([Self.row("0901.11.00", "x")], unchanged: []),
        ])
        #expect {
            try loadHistory(database, short)
        } throws: { ($0 as? TarifError)?.code == .refused && "\($0)".contains("revision 2025_rev_2 would have 2 lines where 2025_rev_1 has 13") }
        // A calendar out of order names the row.
        let swapped = Self.calendar.replacingOccurrences(of: "rev_1,2025-04-05", with: "rev_1,2025-08-05")
        #expect {
            try loadHistory(database, try Self.directory(calendar: swapped))
        } throws: { e in
            let e = e as? TarifError
            return e?.code == .badFile && e?.location?.line == 4 && e?.message.contains("takes effect on 2025-07-01, not after 2025_rev_1 (2025-08-05)") == true
        }
        // A dated revision without its file.
        #expect {
            try loadHistory(database, try Self.directory(files: ["hts_2025_basic.json": Self.basic, "hts_2025_rev_1.json": Self.rev1]))
        } throws: { e in
            let e = e as? TarifError
            return e?.code == .notFound && e?.location?.line == 4 && e?.message.contains("hts_2025_rev_2.json.gz is not there") == true
        }
        // A bad day and a bad name, each with line and field.
        for (bad, field) in [("rev_1,2025-13-05", "effective_date"), ("rev 1,2025-04-05", "revision")] {
            #expect {
                try loadHistory(database, try Self.directory(calendar: Self.calendar.replacingOccurrences(of: "rev_1,2025-04-05", with: bad)))
            } throws: { ($0 as? TarifError)?.location?.field == field && ($0 as? TarifError)?.location?.line == 3 }
        }
        // A file that is not JSON.
        #expect {
            try loadHistory(database, try Self.directory(files: ["hts_2025_basic.json": Self.basic, "hts_2025_rev_1.json": "[{\"htsno\": ", "hts_2025_rev_2.json": Self.rev2]))
        } throws: { ($0 as? TarifError)?.location?.file.contains("hts_2025_rev_1.json") == true }
        #expect(try database.sourceFingerprint() == before)
        #expect(try database.schedules().map(\.lineCount) == [12, 13, 12])
    }

    @Test func changesBetweenTwoDaysOrRevisions() throws {
        let database = try TarifDatabase.inMemory()
        let tarif = Tarif(database: database)
        _ = try loadHistory(database, try Self.directory())
        let c = try tarif.changes(importer: .unitedStates, from: "2025-01-01", to: "rev_2")
        #expect(c.between.compactMap(\.revision) == ["2025_rev_1", "2025_rev_2"])
        #expect(c.changes.changes.map { "\($0.code.digits) \($0.kind.rawValue)" } == ["09011200 mfn_rate", "09012100 redescribed", "09012100 notes"])
        #expect(c.changes.changes[0].before == "5%" && c.changes.changes[0].after == "7%")
        let d = try tarif.changes(importer: .unitedStates, from: "2025_basic", to: "2025-05-01")
        #expect(d.changes.chapter99.added.map(\.code.digits) == ["99030161"])
        #expect(d.changes.byChapter.map(\.chapter) == ["09", "99"])
        let e = try tarif.changes(importer: .unitedStates, from: "2025_rev_1", to: "2025_rev_2")
        #expect(e.changes.chapter99.ended.map(\.code.digits) == ["99030161"])
        #expect {
            try tarif.changes(importer: .unitedStates, from: "rev_9", to: "rev_2")
        } throws: { ($0 as? TarifError)?.code == .notFound && "\($0)".contains("its revisions: 2025_basic, 2025_rev_1, 2025_rev_2") }
    }

    /// Hostile calendars: a name that reaches outside the directory, too many revisions, too many bytes.
    @Test func hostileCalendarsAreRefusedAtTheEdge() throws {
        let database = try TarifDatabase.inMemory()
        for name in ["../../etc/passwd", "rev 1", String(repeating: "r", count: 100), "rev_1;rm"] {
            let calendar = Self.calendar.replacingOccurrences(of: "rev_1,2025-04-05", with: "\(name),2025-04-05")
            #expect {
                try loadHistory(database, try Self.directory(calendar: calendar))
            } throws: { ($0 as? TarifError)?.location?.field == "revision" }
        }
        // More revisions than a calendar may list: refused at the row past the limit.
        var rows = ["revision,effective_date,policy_effective_date,policy_event"]
        var files: [String: String] = [:]
        let start = try Day(iso: "2000-01-01")
        for i in 0...HTSHistoryReader.maxRevisions {
            let day = start.adding(days: i)
            rows.append("\(day.year)_r\(i),\(day),NA,NA")
            files["hts_\(day.year)_r\(i).json"] = "[]"
        }
        #expect {
            try loadHistory(database, try Self.directory(calendar: rows.joined(separator: "\n"), files: files))
        } throws: { ($0 as? TarifError)?.code == .tooLarge && ($0 as? TarifError)?.location?.line == HTSHistoryReader.maxRevisions + 2 }
        // A calendar of more than 4 MiB.
        let huge = Self.calendar + String(repeating: "x", count: 5 << 20)
        #expect {
            try loadHistory(database, try Self.directory(calendar: huge))
        } throws: { ($0 as? TarifError)?.code == .tooLarge || ($0 as? TarifError)?.code == .badFile }
        #expect(try database.schedules().isEmpty)
    }
}
