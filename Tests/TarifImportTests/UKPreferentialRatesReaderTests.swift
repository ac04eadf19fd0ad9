import Foundation
import TarifCore
import TarifTesting
import Testing
import ZIPFoundation

@testable import TarifImport

/// The UK 2022 preferential rates reader on workbooks written here, and broken ones.
struct UKPreferentialRatesReaderTests {
    static func book(_ cells: [[String]]) -> [String: String] {
        let letters = (0..<16).map { String(UnicodeScalar(65 + $0)!) }
        let body = cells.enumerated().map { i, row in
            "<row r=\"\(i + 1)\">" + row.enumerated().map { j, v in "<c r=\"\(letters[j])\(i + 1)\" t=\"inlineStr\"><is><t>\(v)</t></is></c>" }.joined() + "</row>"
        }.joined()
        return [
            "xl/workbook.xml": #"<workbook><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            "xl/_rels/workbook.xml.rels": #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#,
            "xl/worksheets/sheet1.xml": "<worksheet><sheetData>\(body)</sheetData></worksheet>",
        ]
    }

    static func write(_ parts: [String: String], to url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                data.subdata(in: Int(p)..<(Int(p) + n))
            }
        }
    }

    static let header = ["fta country", "Commodity code", "Preferential duty rate 2022", "Validity", "Staging", "Notes", "length", "commodity code long form"]
    static let countries = [
        ["Country name", "Country iso", "FTA country list", "TRQ country list", "staging country list", "Agreement name"],
        ["Japan", "JP", "Japan", "", "Japan", "Japan"], ["Singapore", "SG", "Singapore", "Singapore", "Singapore", "Singapore"],
        ["CARIFORUM", "", "CARIFORUM - EPA", "", "", "CARIFORUM"],
    ]
    static let staging = [
        ["Country", "Commodity code", "Commodity code (long form)"] + (2022...2034).map { "staging_\($0)" },
        ["Singapore", "0102.29.10", "0102.29.10.00", "0.06", "0.04", "0.02", "0"],
        ["Japan", "0301.19.00", "0301.19.00.00", "3.7999999999999999E-2", "2.8000000000000001E-2"],
    ]

    func directory(rates: [[String]], countries: [[String]] = Self.countries, staging: [[String]]? = Self.staging) throws -> String {
        let dir = try TestData.temporaryDirectory()
        try Self.write(Self.book([Self.header] + rates), to: dir.appendingPathComponent("pref_data3.xlsx"))
        try Self.write(Self.book(countries), to: dir.appendingPathComponent("hs_2022_country_input.xlsx"))
        if let staging { try Self.write(Self.book(staging), to: dir.appendingPathComponent("staging_data4.xlsx")) }
        return dir.appendingPathComponent("pref_data3.xlsx").path
    }

    static let countryTable: [String: Country] = [
        "JP": country("JPN", "JP", "Japan"), "SG": country("SGP", "SG", "Singapore"),
    ]

    static func country(_ code: String, _ alpha2: String, _ name: String) -> Country {
        Country(
            code: try! CountryCode(code), alpha2: alpha2, numeric: "", name: name, officialName: name, region: "", subregion: "",
            isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "", independence: "Yes")
    }

    func read(_ path: String) throws -> (stages: [(StagedSchedule, StagedRate)], unparsed: [UnparsedRate]) {
        var stages: [(StagedSchedule, StagedRate)] = []
        var unparsed: [UnparsedRate] = []
        let config = StagingSource(agreement: "*", importer: .unitedKingdom, title: "UK 2022", legalSource: "DIT", sourceFile: "pref_data3.xlsx")
        try UKPreferentialRatesReader().read(
            try ByteSource(path: path, displayName: "gbr/pref_data3.xlsx"), config: config, country: { Self.countryTable[$0] },
            emit: { stages.append(($0, $1)) }, unparsed: { unparsed.append($0) })
        return (stages, unparsed)
    }

    @Test func readsRatesSeasonsGroupsAndStaging() throws {
        let path = try directory(rates: [
            // Binary floating point in the file: 4.5%.
            ["Japan", "x0101", "4.4999999999999998E-2", "-", "-", "-", "5", "x0101.00.00.00"],
            // The staging workbook disagrees on 2022 (3.8% against 4.7%): only 2022 is loaded, and said.
            ["Japan", "x0301.19.00", "4.7E-2", "-", "X", "-", "11", "x0301.19.00.00"],
            // Staged and consistent: 6% in 2022, 4% from 2023, 2% from 2024, Free from 2025.
            ["Singapore", "x0102.29.10", "0.06", "-", "X", "A", "11", "x0102.29.10.00"],
            // Seasonal: two rows, two periods; a row printed twice alike is one.
            ["Singapore", "x0702", "0.08", "15-04 to 30-11", "-", "-", "5", "x0702.00.00.00"],
            ["Singapore", "x0702", "6.0999999999999999E-2", "01-12 to 14-04", "-", "-", "5", "x0702.00.00.00"],
            ["Singapore", "x0702", "0.08", "15-04 to 30-11", "-", "-", "5", "x0702.00.00.00"],
            // A group without a code: every party of its scheme.
            ["CARIFORUM - EPA", "x0201", "0.00% + 17.00 GBP / 100 kg", "-", "-", "-", "5", "x0201.00.00.00"],
            // Not one rate: listed with its cell, the rest is read.
            ["Japan", "x0203", "1.10% + 9.70.00 GBP / 100 kg", "-", "-", "-", "5", "x0203.00.00.00"],
        ])
        let (stages, unparsed) = try read(path)
        func rates(_ code: String) -> [StagedRate] { stages.map(\.1).filter { $0.code == (try? TariffCode(code)) } }
        #expect(rates("0101").map(\.text) == ["4.5%"])
        #expect(rates("0101").first?.validFrom == Day(year: 2022, month: 1, day: 1))
        #expect(stages.first { $0.1.code == (try? TariffCode("0101")) }?.0.agreement == "GBR-japan")
        #expect(stages.first { $0.1.code == (try? TariffCode("0101")) }?.0.partner == (try? CountryCode("JPN")))
        #expect(rates("0301.19.00").map(\.text) == ["4.7%"])
        #expect(rates("0301.19.00").first?.staging?.contains("differs") == true)
        #expect(rates("0102.29.10").map(\.text) == ["6%", "4%", "2%", "0%"])
        #expect(rates("0102.29.10").map(\.validFrom.description) == ["2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01"])
        #expect(rates("0102.29.10").first?.staging == "staging X; note A")
        let seasonal = try #require(rates("0702").first)
        #expect(rates("0702").count == 1)
        guard case .seasonal(let seasons) = seasonal.expression else { Issue.record("not seasonal"); return }
        #expect(seasons.count == 2)
        let cariforum = try #require(stages.first { $0.1.code == (try? TariffCode("0201")) })
        #expect(cariforum.0.agreement == "GBR-cariforum")
        #expect(cariforum.0.partner == nil)
        #expect(unparsed.count == 1)
        #expect(unparsed.first?.location.field == "Sheet1!C9")
    }

    @Test func brokenWorkbooksSayWhere() throws {
        // A partner the country list does not have.
        do {
            _ = try read(try directory(rates: [["Atlantis", "x0101", "0", "-", "-", "-", "5", "x0101.00.00.00"]]))
            Issue.record("read")
        } catch let e as TarifError {
            #expect(e.location?.field == "Sheet1!A2")
        }
        // An agreement Tarif does not map.
        var countries = Self.countries
        countries.append(["Utopia", "UT", "Utopia", "", "", "Utopian Union"])
        #expect(throws: TarifError.self) { try read(try directory(rates: [], countries: countries)) }
        // The staging workbook missing beside the rates.
        #expect(throws: TarifError.self) { try read(try directory(rates: [], staging: nil)) }
        // A sheet that is not the rates sheet.
        let dir = try TestData.temporaryDirectory()
        try Self.write(Self.book([["a", "b"]]), to: dir.appendingPathComponent("pref_data3.xlsx"))
        try Self.write(Self.book(Self.countries), to: dir.appendingPathComponent("hs_2022_country_input.xlsx"))
        try Self.write(Self.book(Self.staging), to: dir.appendingPathComponent("staging_data4.xlsx"))
        #expect(throws: TarifError.self) { try read(dir.appendingPathComponent("pref_data3.xlsx").path) }
        // A fraction out of range is listed; a code that is not one refuses the file, saying where.
        #expect(try read(try directory(rates: [["Japan", "x0101", "1E+30", "-", "-", "-", "5", ""]])).unparsed.count == 1)
        do {
            _ = try read(try directory(rates: [["Japan", "xABC", "0", "-", "-", "-", "5", ""]]))
            Issue.record("read")
        } catch let e as TarifError {
            #expect(e.location?.field == "Sheet1!B2")
        }
    }
}
