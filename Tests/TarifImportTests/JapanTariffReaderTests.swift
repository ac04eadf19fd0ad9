import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// Japan's schedule reader on a small directory written here, and on broken variants.
struct JapanTariffReaderTests {
    static let index = #"{"version": "2026_07_09", "chapters": [{"chapter": "09", "file_name": "j_09_tariff_data.json"}]}"#

    static func node(_ stat: String, _ national: String, _ desc: String, _ rates: [String: String], children: [String] = []) -> String {
        let r = rates.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        return #"{"level": 0, "stat_code": "\#(stat)", "hs_code": "\#(national)", "desc": "\#(desc)", "rate": {\#(r)}, "unit": {"I": "", "II": "KG"}, "law": ["FD"], "children": [\#(children.joined(separator: ","))]}"#
    }

    static let coffee = node(
        "09.01", "", "コーヒー", [:],
        children: [
            node("0901.21", "000", "カフェインを除いてないもの", ["基本": "20%", "暫定": "", "WTO協定": "12%", "特恵": "10%", "EPA_アセアン": "12%", "EPA_RCEP_アセアン豪州NZ": "7.5%"]),
            node("0901.11", "000", "生豆", ["基本": "無税", "WTO協定": "(無税)", "EPA_インドネシア": "無税"]),
            node("0901.90", "200", "その他", ["基本": "20%", "暫定": "15%", "WTO協定": "(18%)", "EPA_タイ": "●無税〜3.5%"]),
        ])

    func directory(index: String = Self.index, chapter: String) throws -> String {
        let dir = try TestData.temporaryDirectory()
        try Data(index.utf8).write(to: dir.appendingPathComponent("index.json"))
        try Data(chapter.utf8).write(to: dir.appendingPathComponent("j_09_tariff_data.json"))
        return dir.appendingPathComponent("index.json").path
    }

    func events(_ path: String) throws -> [ImportEvent] {
        var out: [ImportEvent] = []
        try JapanTariffReader().read(try ByteSource(path: path, displayName: "jpn/index.json")) { out.append($0) }
        return out
    }

    @Test func readsLinesAndChoosesTheMFNColumn() throws {
        let events = try events(try directory(chapter: "[\(Self.coffee)]"))
        let lines = events.compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        #expect(lines.map(\.code.formatted) == ["0901", "0901.21.000", "0901.11.000", "0901.90.200"])
        #expect(lines[1].descriptionLocal == "カフェインを除いてないもの")
        #expect(lines[1].path == ["コーヒー"])
        #expect(lines[1].units == ["KG"])
        let rates = events.compactMap { if case .rate(_, let r) = $0 { r } else { nil } }
        func mfn(_ code: String) throws -> LineRate? {
            let c = try TariffCode(code)
            return rates.first { $0.kind == .mfn && $0.code == c }
        }
        // The WTO rate, unbracketed, is lower than the general rate: it is the MFN rate.
        #expect(try mfn("0901.21.000")?.text == "12%")
        #expect(try mfn("0901.21.000")?.program == "WTO")
        // A bracketed WTO rate: the general rate is lower and applies.
        #expect(try mfn("0901.11.000")?.program == "general")
        // The temporary rate replaces the general one.
        #expect(try mfn("0901.90.200")?.text == "15%")
        #expect(try mfn("0901.90.200")?.program == "temporary")
        let coffee = try TariffCode("0901.21.000")
        #expect(Set(rates.filter { $0.code == coffee && $0.kind == .preferential }.compactMap(\.program)) == ["GSP", "ASEAN", "RCEP"])
        let unparsed = events.compactMap { if case .unparsed(_, let u) = $0 { u } else { nil } }
        #expect(unparsed.count == 1)
        #expect(unparsed.first?.location.field == "rate.EPA_タイ")
        #expect(unparsed.first?.location.file == "jpn/j_09_tariff_data.json")
    }

    @Test func theContentHashCoversTheChapters() throws {
        let a = try directory(chapter: "[\(Self.coffee)]")
        let b = try directory(chapter: "[\(Self.coffee.replacingOccurrences(of: "7.5%", with: "7%"))]")
        #expect(try JapanTariffReader.contentHash(of: a, displayName: "i") != JapanTariffReader.contentHash(of: b, displayName: "i"))
    }

    @Test(arguments: [
        (Self.index, "[{\"stat_code\": \"09.01\", \"rate\": {\"基本\": \"無税\", \"新税率\": \"1%\"}}]", "新税率"),
        (Self.index, "[{\"stat_code\": \"0901.21\", \"hs_code\": \"0000\", \"rate\": {}}]", "0901.21"),
        (Self.index, "[{\"stat_code\": \"09.01\"", "end"),
        (Self.index, "{\"stat_code\": \"09.01\"}", "array"),
        (Self.index, "[" + String(repeating: "[", count: 100) + "]", "nested"),
        (#"{"chapters": []}"#, "[]", "no chapter"),
        (#"{"chapters": [{"file_name": "../../etc/passwd"}]}"#, "[]", "not the name of a file"),
        (#"{"chapters": [{"file_name": "j_10_tariff_data.json"}]}"#, "[]", "not beside it"),
        (#"{"chapters": [{"file_name": "j_09_tariff_data.json"}, {"file_name": "j_09_tariff_data.json"}]}"#, "[]", "twice"),
    ])
    func brokenFilesAreErrorsThatSayWhere(_ index: String, _ chapter: String, _ words: String) throws {
        let path = try directory(index: index, chapter: chapter)
        #expect {
            _ = try events(path)
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return (e.message + " " + (e.location?.description ?? "")).contains(words) && e.location != nil
        }
    }

    /// CPTPP cells that set a rate for some parties (the schedule's own forms, from 4412.31,
    /// 7202.11, 0404.10 and 1108.20 of the 2026-07-09 edition) become one program per party
    /// beside the other parties' rate.
    @Test func cptppRatesForNamedPartiesBecomeTheirOwnPrograms() throws {
        let plywood = Self.node(
            "0901.21", "000", "合板",
            ["基本": "10%", "EPA_CPTPP": #"（マレーシアに対する待遇）\u30003%\n（ベトナムに対する待遇）\u30002.6%\n（他の締約国に対する待遇）\u30001%"#])
        let ferro = Self.node(
            "0901.22", "000", "フェロマンガン",
            ["基本": "7.7%", "EPA_CPTPP": #"（オーストラリア、カナダ及びニュージーランドに対する待遇）\u30001.1%\r\n（他の締約国に対する待遇）\u3000無税"#])
        let whey = Self.node("0901.90", "100", "ホエイ", ["基本": "10%", "EPA_CPTPP": #"（オーストラリア及びニュージーランドに対する待遇）\u3000無税"#])
        let starch = Self.node(
            "0901.90", "200", "でん粉",
            ["基本": "119円/kg", "EPA_CPTPP": #"関税割当数量以内のもの\u300025%\n関税割当数量以内のもの（チリに対する待遇）\u3000無税\n関税割当数量以外のもの\u3000119円/kg"#])
        let events = try events(try directory(chapter: "[\(plywood), \(ferro), \(whey), \(starch)]"))
        let rates = events.compactMap { if case .rate(_, let r) = $0 { r } else { nil } }
        func cptpp(_ code: String) throws -> [String: LineRate] {
            let c = try TariffCode(code)
            return Dictionary(uniqueKeysWithValues: rates.filter { $0.code == c && $0.program?.hasPrefix("TPP") == true }.map { ($0.program!, $0) })
        }
        let p = try cptpp("0901.21.000")
        #expect(p.keys.sorted() == ["TPP", "TPP-MYS", "TPP-VNM"])
        #expect(p["TPP"]?.expression?.adValoremRate?.value == ExactDecimal("1"))
        #expect(p["TPP-MYS"]?.expression?.adValoremRate?.value == ExactDecimal("3"))
        #expect(p["TPP-VNM"]?.expression?.adValoremRate?.value == ExactDecimal("2.6"))
        #expect(p["TPP-MYS"]?.text == "(マレーシアに対する待遇) 3%")
        let f = try cptpp("0901.22.000")
        #expect(f.keys.sorted() == ["TPP", "TPP-AUS", "TPP-CAN", "TPP-NZL"])
        #expect(f["TPP"]?.expression == .free(condition: nil))
        #expect(f["TPP-NZL"]?.expression?.adValoremRate?.value == ExactDecimal("1.1"))
        // Only two parties named and no rate for the others: the others have no CPTPP rate on the line.
        #expect(try cptpp("0901.90.100").keys.sorted() == ["TPP-AUS", "TPP-NZL"])
        // Chile's quota beside the quota and the out-of-quota rate every party has.
        let s = try cptpp("0901.90.200")
        #expect(s.keys.sorted() == ["TPP", "TPP-CHL"])
        guard case .alternatives(let common)? = s["TPP"]?.expression, case .alternatives(let chile)? = s["TPP-CHL"]?.expression else {
            Issue.record("expected alternatives")
            return
        }
        #expect(common.count == 2)
        #expect(chile.count == 3)
    }

    @Test func aCPTPPCellNamingAnUnknownPartyIsListedUnparsed() throws {
        let odd = Self.node("0901.21", "000", "合板", ["基本": "10%", "EPA_CPTPP": #"（アトランティスに対する待遇）\u30003%\n（他の締約国に対する待遇）\u30001%"#])
        let events = try events(try directory(chapter: "[\(odd)]"))
        let unparsed = events.compactMap { if case .unparsed(_, let u) = $0 { u } else { nil } }
        #expect(unparsed.count == 1)
        #expect(unparsed.first?.reason.contains("アトランティス") == true)
        #expect(unparsed.first?.location.field == "rate.EPA_CPTPP")
        #expect(!events.contains { if case .rate(_, let r) = $0 { r.program?.hasPrefix("TPP") == true } else { false } })
    }
}
