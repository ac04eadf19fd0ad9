import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// The National Single Window record reader, on records written here.
struct INSWCommodityReaderTests {
    static func record(_ schemes: String, code: String = "01012100") -> String {
        #"{"code": "01", "data": [{"hs_code": "\#(code)", "preferential_tariff": [\#(schemes)]}]}"#
    }

    static func scheme(_ name: String, _ instrument: String = "PMK 43/PMK.010/2022", effective: String = "2022-04-01", years: [(Int, String)], continues: Bool = true) -> String {
        let y = years.map { #"{"tahun": "Tahun \#($0.0)", "nilai": "\#($0.1)"}"# }.joined(separator: ", ")
        return #"{"preference": "\#(name)", "no_skep": "\#(instrument)", "tgl_skep": "2022-03-30", "berlaku": "\#(effective)", "years": [\#(y)], "seterusnya": \#(continues)}"#
    }

    func read(_ text: String) throws -> [(StagedSchedule, StagedRate)] {
        let path = try TestData.fixture("insw.json", text)
        var out: [(StagedSchedule, StagedRate)] = []
        let known = ["VNM", "KOR", "BRN", "KHM", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "AUS", "CHN", "JPN", "NZL"]
        try INSWCommodityReader().read(
            try ByteSource(path: path, displayName: "insw.json"),
            config: StagingSource(agreement: "*", importer: .indonesia, title: "t", legalSource: "l", sourceFile: "insw.json"),
            country: { c in
                guard known.contains(c), let code = try? CountryCode(c) else { return nil }
                return Country(
                    code: code, alpha2: "", numeric: "", name: c, officialName: c, region: "", subregion: "", isLeastDeveloped: false,
                    isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "", independence: "")
            }
        ) { out.append(($0, $1)) }
        return out
    }

    @Test func yearsBecomeStagesFromTheInstrumentsDay() throws {
        let stages = try read(Self.record(Self.scheme("ATIGA (ASEAN Trade in Goods Agreement)", years: [(2022, "5%"), (2023, "0%")])))
        #expect(stages.count == 2)
        #expect(stages[0].0.agreement == "ATIGA")
        #expect(stages[0].0.partner == nil)
        #expect(stages[0].0.legalSource.contains("PMK 43/PMK.010/2022"))
        // 2022's rate holds from the day the PMK took effect, 2023's from 1 January.
        #expect(stages.map(\.1.validFrom.description) == ["2022-04-01", "2023-01-01"])
        #expect(stages[1].1.staging?.contains("continuing thereafter") == true)
        #expect(stages[0].1.code == (try TariffCode("0101.21.00")))
    }

    @Test func anInstrumentAfterSeveralYearsKeepsTheLatestYearsRate() throws {
        let stages = try read(
            Self.record(Self.scheme("AKFTA (ASEAN Korea Free Trade Agreement)", "PMK Nomor 152 Tahun 2023", effective: "2024-01-04", years: [(2022, "5%"), (2023, "0%")])))
        #expect(stages.count == 1)
        #expect(stages[0].1.validFrom.description == "2024-01-04")
        #expect(stages[0].1.text == "0%")
    }

    @Test func rcepSchedulesArePerPartner() throws {
        let korea = try read(Self.record(Self.scheme("RCEP-Korea (Regional Comprehensive Economic Partnership Agreement - Korea)", years: [(2023, "0%")])))
        #expect(korea.map { $0.0.partner?.rawValue } == ["KOR"])
        let asean = try read(Self.record(Self.scheme("RCEP-ASEAN (Regional Comprehensive Economic Partnership Agreement - ASEAN)", years: [(2023, "0%")])))
        #expect(asean.count == 9)
        #expect(!asean.contains { $0.0.partner == .indonesia })
    }

    @Test(arguments: [
        (record(scheme("NAFTA (North American)", years: [(2022, "0%")])), "not an agreement"),
        (record(scheme("ATIGA (x)", years: [(2022, "lima persen")])), "nilai"),
        (record(scheme("ATIGA (x)", years: [(2023, "0%"), (2022, "0%")])), "comes after"),
        (record(scheme("ATIGA (x)", years: [(22, "0%")])), "Tahun"),
        (record(scheme("ATIGA (x)", effective: "2022-13-01", years: [(2022, "0%")])), "berlaku"),
        (record(scheme("ATIGA (x)", years: [])), "no yearly rate"),
        (record(scheme("ATIGA (x)", years: [(2022, "0%")]), code: "01X12100"), "hs_code"),
        (#"{"data": []}"#, "no \"data\""),
        (#"{"data": [{"hs_code": "01012100""#, "end"),
    ])
    func brokenRecordsSayWhere(_ text: String, _ words: String) {
        #expect {
            _ = try read(text)
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return (e.message + " " + (e.location?.description ?? "")).contains(words)
        }
    }
}
