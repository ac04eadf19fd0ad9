import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// Australia's Working Tariff reader on a small Schedule 3 and FTA file written here, and on
/// broken variants.
struct AustralianTariffReaderTests {
    static func row(_ ref: String, _ stat: String, _ desc: String, _ rate: String, unit: String = "kg") -> String {
        #"{"referenceNumber": "\#(ref)", "statisticalCode": "\#(stat)", "unit": "\#(unit)", "description": "\#(desc)", "dutyRate": "\#(rate)", "tcoReferences": []}"#
    }

    static let schedule3 = """
        [{"number": "I", "title": "", "chapters": [{"number": 4, "title": "Chapter 4", "headings": [
          {"code": "0403", "description": "", "classifications": [
            \(row("0403.20", "", "- Yogurt", "", unit: "")),
            \(row("0403.20.10", "10", "--- Containing chocolate", "5% DCS 4% DCT 5%")),
            \(row("0403.20.90", "90", "--- Other", "Free\\u200b"))
          ]},
          {"code": "0406", "description": "", "classifications": [
            \(row("0406.10.00", "", "- Fresh cheese", "$1.220/kg DC$1.220/kg, less 5%")),
            \(row("0406.10.00", "01", "-- Curd", "")),
            \(row("0406.90.00", "", "- Other cheese", "5% From1July2018 3.75% From1July2019 2.5%")),
            \(row("2707.10.00*", "", "- Benzol", "$0.526/L NZ/PG/FI/DC/LDC/SG $0.526/L", unit: "L"))
          ]}
        ]}]},
        {"number": "II", "title": "", "chapters": [{"number": 4, "title": "Chapter 4 again", "headings": [
          {"code": "0403", "description": "", "classifications": [\(row("0403.20.10", "10", "--- Containing chocolate", "5% DCS 4% DCT 5%"))]}
        ]}]}]
        """

    static let fta = #"""
        {"Schedule 4": [{"schedule": "Schedule 4", "ftaName": "CONCESSIONAL", "hsCode": "9999.32.04", "description": "x", "dutyRate": "Free"}],
         "Schedule 9A": [{"schedule": "Schedule 9A", "ftaName": "IA-CEPA", "hsCode": "0406.90.00", "description": "0406.90.00", "dutyRate": "From 5 July 2020&#58; 1%"}],
         "Schedule 8B": [
           {"schedule": "Schedule 8B", "ftaName": "CPTPP", "hsCode": "0406.90.00", "description": "0406.90.00 (Rate No. 002) United Kingdom&#58;", "dutyRate": "From 24 December 2024&#58; $0.998/kg"},
           {"schedule": "Schedule 8B", "ftaName": "CPTPP", "hsCode": "0403.20.10", "description": "0403.20.10", "dutyRate": "2%"},
           {"schedule": "Schedule 8B", "ftaName": "CPTPP", "hsCode": "7209.16.00", "description": "7209.16.00 (Rate No. 002)", "dutyRate": "From 24 December 2024&#58; 5%"}
         ]}
        """#

    func directory(schedule3: String = Self.schedule3, fta: String? = Self.fta) throws -> String {
        let dir = try TestData.temporaryDirectory()
        try Data(schedule3.utf8).write(to: dir.appendingPathComponent("tariff-schedule3.json"))
        if let fta { try Data(fta.utf8).write(to: dir.appendingPathComponent("tariff-schedules-fta.json")) }
        return dir.appendingPathComponent("tariff-schedule3.json").path
    }

    func events(_ path: String) throws -> [ImportEvent] {
        var out: [ImportEvent] = []
        try AustralianTariffReader().read(try ByteSource(path: path, displayName: "aus/tariff-schedule3.json")) { out.append($0) }
        return out
    }

    func rates(_ events: [ImportEvent], _ code: String) throws -> [String: LineRate] {
        let c = try TariffCode(code)
        var out: [String: LineRate] = [:]
        for case .rate(_, let r) in events where r.code == c { out[r.kind == .mfn ? "MFN" : r.program ?? "?"] = r }
        return out
    }

    @Test func readsLinesGeneralAndSpecialRates() throws {
        let events = try events(try directory())
        let lines = events.compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        // The chapter printed twice gives its lines once; a statistical code under a rated classification is a line of its own.
        #expect(lines.map(\.code.formatted) == ["0403.20", "0403.20.10", "0403.20.90", "0406.10.00", "0406.10.00.01", "0406.90.00", "2707.10.00"])
        #expect(lines[1].path == ["Yogurt"])
        #expect(lines[1].descriptionEnglish == "Containing chocolate")
        let yogurt = try rates(events, "0403.20.10")
        #expect(yogurt["MFN"]?.text == "5%")
        #expect(yogurt["MFN"]?.program == "general")
        #expect(yogurt["DCS"]?.text == "4%")
        #expect(yogurt["DCT"]?.text == "5%")
        // s. 16: New Zealand, Papua New Guinea, Forum Island and Least Developed Countries pay Free where no rate is set out.
        for cls in ["NZ", "PG", "FI", "LDC"] { #expect(yogurt[cls]?.text == "Free (no \(cls) rate set out: s. 16)") }
        // An FTA schedule that lists the line gives its rate; one that does not gives Free, and says why.
        #expect(yogurt["CPTPP"]?.text == "2%")
        #expect(yogurt["CPTPP-GBR"]?.text == "2%")
        #expect(yogurt["IACEPA"]?.text == "Free (not listed in Schedule 9A)")
        #expect(yogurt["SAFTA"]?.text == "Free (not listed in Schedule 4A)")
        // The rates were emitted once though the chapter is printed twice.
        let c = try TariffCode("0403.20.10")
        #expect(events.filter { if case .rate(_, let r) = $0 { r.code == c && r.kind == .mfn } else { false } }.count == 1)
    }

    @Test func phasingDatedFTARowsAndPartyRates() throws {
        let events = try events(try directory())
        let cheese = try rates(events, "0406.90.00")
        // The last stage is in force; the whole cell is kept as a note.
        #expect(cheese["MFN"]?.text == "2.5%")
        let notes = events.compactMap { if case .note(_, let n) = $0 { n } else { nil } }
        #expect(notes.contains { $0.kind == "phasing" && $0.text.contains("From1July2019") })
        #expect(cheese["IACEPA"]?.text == "From 2020-07-05: 1%")
        // 8B's Rate No. 002 is the United Kingdom's; the other CPTPP parties keep Free on a line listed only for it.
        #expect(cheese["CPTPP-GBR"]?.text == "From 2024-12-24: $0.998/kg")
        #expect(cheese["CPTPP"]?.text == "Free (not listed in Schedule 8B)")
        // Singapore's class in Schedule 3 is not read (s. 14(1)(j) repealed); the others are.
        let benzol = try rates(events, "2707.10.00")
        #expect(benzol["SG"] == nil)
        #expect(benzol["LDC"]?.text == "$0.526/L")
        #expect(notes.contains { $0.kind == "mark" && $0.code == (try? TariffCode("2707.10.00")) })
    }

    @Test func whatCannotBeReadIsListedWithItsPlace() throws {
        let events = try events(try directory())
        let unparsed = events.compactMap { if case .unparsed(_, let u) = $0 { u } else { nil } }
        // "less 5%" is not one rate.
        #expect(unparsed.contains { $0.text.contains("less 5%") && $0.location.field?.contains("classifications[0].dutyRate") == true })
        // A numbered rate whose party the scrape lost, for a line Schedule 3 does not have.
        #expect(unparsed.contains { $0.code == (try? TariffCode("7209.16.00")) && $0.location.field == "Schedule 8B[2].dutyRate" })
    }

    @Test func brokenFilesGiveErrorsThatSayWhere() throws {
        // No FTA file beside Schedule 3.
        #expect(throws: TarifError.self) { try events(try directory(fta: nil)) }
        do {
            _ = try events(try directory(fta: nil))
        } catch let e as TarifError {
            #expect(e.message.contains("tariff-schedules-fta.json"))
        }
        // A reference that is not a code.
        let bad = Self.schedule3.replacingOccurrences(of: "0403.20.90", with: "04O3.20.90")
        do {
            _ = try events(try directory(schedule3: bad))
            Issue.record("a bad reference was read")
        } catch let e as TarifError {
            #expect(e.location?.field?.hasSuffix("classifications[2].referenceNumber") == true)
            #expect(e.location?.line != nil)
        }
        // An FTA schedule Tarif does not know, and one that is not a list.
        for fta in [#"{"Schedule 99": []}"#, #"{"Schedule 9A": {"a": 1}}"#, #"[1]"#, #"{"Schedule 9A": [{"hsCode": "12", "dutyRate": "1%"}]}"#] {
            #expect(throws: TarifError.self) { try events(try directory(fta: fta)) }
        }
        // Truncated JSON.
        #expect(throws: TarifError.self) { try events(try directory(schedule3: String(Self.schedule3.prefix(200)))) }
    }

    @Test func theContentHashCoversBothFiles() throws {
        let a = try directory()
        let b = try directory(fta: Self.fta.replacingOccurrences(of: "1%", with: "2%"))
        #expect(try AustralianTariffReader.contentHash(of: a, displayName: "x") != AustralianTariffReader.contentHash(of: b, displayName: "x"))
    }
}
