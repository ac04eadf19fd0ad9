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
}
