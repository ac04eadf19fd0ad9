import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// The UK's FTA tariff-rate quotas on workbooks written here, and broken ones.
struct UKQuotaReaderTests {
    static let header = [
        "FTA country", "Quota number\u{A0}", "Origin Quota", "Commodity code\u{A0}", "Quota duty rate\u{A0}", "Validity of duty rate",
        "Quota volume", "Quota period", "Units\u{A0}", "Quota increase\u{A0}", "Notes", "trq country",
    ]

    /// A workbook of the sheet `TRQs` and, when given, `TRQ_staging`.
    static func book(_ rows: [[String]], staging: [[String]]?) -> [String: String] {
        var parts = UKPreferentialRatesReaderTests.book(rows)
        guard let staging else { return parts }
        let sheet2 = UKPreferentialRatesReaderTests.book(staging)["xl/worksheets/sheet1.xml"]!
        parts["xl/workbook.xml"] =
            #"<workbook><sheets><sheet name="TRQs" sheetId="1" r:id="rId1"/><sheet name="TRQ_staging" sheetId="2" r:id="rId2"/></sheets></workbook>"#
        parts["xl/_rels/workbook.xml.rels"] =
            #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>"#
        parts["xl/worksheets/sheet2.xml"] = sheet2
        return parts
    }

    static let stagingHeader = ["FTA country", "Quota number", "Commodity code"] + (2022...2026).map { "Preferential in-quota applied duty rate \($0)" }

    func read(
        _ rows: [[String]], staging: [[String]]? = nil,
        countries: [[String]] = UKPreferentialRatesReaderTests.countries + [["Albania", "AL", "Albania", "Albania", "", "Albania"]]
    )
        throws -> (quotas: [TariffQuota], skipped: [String])
    {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("trq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try UKPreferentialRatesReaderTests.write(Self.book([Self.header] + rows, staging: staging), to: dir.appendingPathComponent("trq_data4.xlsx"))
        try UKPreferentialRatesReaderTests.write(UKPreferentialRatesReaderTests.book(countries), to: dir.appendingPathComponent("hs_2022_country_input.xlsx"))
        let source = try ByteSource(path: dir.appendingPathComponent("trq_data4.xlsx").path, displayName: "trq_data4.xlsx")
        defer { source.close() }
        var quotas: [TariffQuota] = []
        var skipped: [String] = []
        try UKQuotaReader().read(source) { event in
            switch event {
            case .quota(let q): quotas.append(q)
            case .skipped(let at, let why): skipped.append("\(at): \(why)")
            default: Issue.record("unexpected \(event)")
            }
        }
        return (quotas, skipped)
    }

    @Test func eachRowIsAQuotaOfThePartnersScheme() throws {
        let (quotas, skipped) = try read([
            ["Albania", "05.1500", "No", "0301.91.00.00", "0", "-", "7", "CY", "tonnes", "-", "-", "Albania"],
            ["Albania", "05.1500", "No", "0301.91.00.00", "0", "-", "7", "CY", "tonnes", "-", "-", "Albania"],  // printed twice
            ["Singapore", "05.1822", "Yes", "204.42", "5.5E-2", "01-06 to 31-10", "2082.8000000000002", "01-07 to 30-06", "Tonnes", "8", "A", "x"],
            ["Central America - Costa Rica", "05.9001", "No", "1701.14.10", "2.00% + 15.00 GBP / 100 kg", "-", "1000", "CY", "tonnes", "-", "-", "x"],
            ["Central America ex Panama", "05.9002", "No", "1701", "see note", "-", "500", "CY", "tonnes", "-", "-", "x"],
        ])
        #expect(quotas.count == 4)
        let albania = quotas[0]
        #expect(albania.agreement == "GBR-albania" && albania.partnerAlpha2 == "AL" && albania.orderNumber == "05.1500")
        // 0301.91.00.00 names all of 0301.91.
        #expect(albania.code == (try TariffCode("0301.91")) && albania.inQuotaText == "0%" && albania.volumeText == "7 tonnes a calendar year")
        // A code stored as a number gets its leading zero back; a fraction is a percentage.
        let singapore = quotas[1]
        #expect(singapore.code == (try TariffCode("0204.42")) && singapore.inQuotaText == "5.5%" && singapore.ratePeriod == "01-06 to 31-10")
        #expect(singapore.originQuota && singapore.increase == "8" && singapore.unit == "tonnes" && singapore.agreement == "GBR-singapore")
        #expect(singapore.volume == "2082.8" && singapore.volumeText == "2082.8 tonnes in each period 01-07 to 30-06")
        // Partners the country list lacks: Central America's members and the group less Panama.
        #expect(quotas[2].agreement == "GBR-central-america" && quotas[2].partnerAlpha2 == "CR" && quotas[2].inQuota != nil)
        #expect(quotas[3].partnerAlpha2 == nil && quotas[3].exceptAlpha2 == ["PA"] && quotas[3].inQuota == nil)
        #expect(skipped.count == 1 && skipped[0].contains("see note"))
    }

    /// The staging sheet's rows (the UK–SACUM EPA's quota 05.1822, as in the workbook) stage
    /// the in-quota rate of the quota with that order number and code; the last stage holds after.
    @Test func stagedInQuotaRatesFollowTheYears() throws {
        let row = ["Albania", "05.1500", "No", "2008.40.51.00", "4%", "-", "18181", "CY", "tonnes", "-", "-", "x"]
        let staging = [
            Self.stagingHeader,
            ["Albania", "05.1500", "2008.40.51.00", "3.10%\u{A0}", "2.40%", "1.50%", "0.80%", "0.00%"],
            ["Albania", "05.1500", "2008.40.59.00", "2.80%", "2.20%", "1.40%", "0.80%", "0.00%"],  // no quota row
            ["Albania", "05.1500", "2007.99.39.16", "9.10% MAX 3.60% + 3.40 GBP / 100 kg", "", "", "", "see the regulation"],
        ]
        let (quotas, skipped) = try read([row, ["Albania", "05.1500", "No", "2007.99.39.16", "0", "-", "5", "CY", "tonnes", "-", "-", "x"]], staging: staging)
        #expect(quotas.count == 2)
        let pears = quotas[0]
        #expect(pears.stages?.map(\.year) == [2022, 2023, 2024, 2025, 2026])
        #expect(pears.inQuota(on: try Day(iso: "2021-06-30")).text == "4%")
        #expect(pears.inQuota(on: try Day(iso: "2024-01-01")).text == "1.50%")
        #expect(pears.inQuota(on: try Day(iso: "2024-01-01")).year == 2024)
        #expect(pears.inQuota(on: try Day(iso: "2030-01-01")).year == 2026)
        #expect(pears.inQuota(on: try Day(iso: "2030-01-01")).expression?.adValoremRate?.value == 0)
        let fruit = quotas[1]
        #expect(fruit.stages?.count == 2)
        #expect(fruit.stages?.first?.expression != nil)
        #expect(fruit.stages?.last?.expression == nil && fruit.stages?.last?.text == "see the regulation")
        #expect(skipped.contains { $0.contains("TRQ_staging!H4") && $0.contains("see the regulation") })
        #expect(skipped.contains { $0.contains("TRQ_staging!A3") && $0.contains("no quota row") })
    }

    @Test(arguments: [
        (["FTA country", "Quota number", "Commodity code", "Preferential in-quota applied duty rate 20x2"], [String](), "does not end in a year", "TRQ_staging!D1"),
        (
            ["FTA country", "Quota number", "Commodity code", "Preferential in-quota applied duty rate 2023", "Preferential in-quota applied duty rate 2022"],
            [String](), "must rise", "TRQ_staging!E1"
        ),
        (["FTA country", "Commodity code", "Preferential in-quota applied duty rate 2022"], [String](), "no column 'Quota number'", "TRQ_staging!1"),
        (["FTA country", "Quota number", "Commodity code"], [String](), "no column", "TRQ_staging!1"),
        (stagingHeader, ["Albania", "5.1500", "0301.91", "1%"], "not a quota order number", "TRQ_staging!B2"),
        (stagingHeader, ["Albania", "05.1500", "03x1.91", "1%"], "not a tariff code", "TRQ_staging!C2"),
        (stagingHeader, ["Albania", "05.1500", "0301.91.00.00", "1%"], "staged twice", "TRQ_staging!A3"),
        // A 30,000-character order number (the XLSX reader refuses cells over 32,767) is refused at its cell, the echo bounded.
        (stagingHeader, ["Albania", String(repeating: "9", count: 30_000), "0301.91", "1%"], "not a quota order number", "TRQ_staging!B2"),
    ])
    func badStagingSheetsAreErrorsNamingTheCell(header: [String], row: [String], words: String, cell: String) throws {
        let good = ["Albania", "05.1500", "0301.91", "1%"]
        var rows = [header]
        if !row.isEmpty { rows += [row] }
        if words == "staged twice" { rows = [header, good, row] }
        let error = try #require(throws: TarifError.self) {
            try read([["Albania", "05.1500", "No", "0301.91.00.00", "0", "-", "7", "CY", "tonnes", "-", "-", "Albania"]], staging: rows)
        }
        #expect(error.message.contains(words))
        #expect(error.location?.description.contains(cell) == true)
        #expect(error.message.utf8.count < 2_000)
    }

    @Test(arguments: [
        (["Atlantis", "05.1500", "No", "0301", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "partner 'Atlantis'", "!A2"),
        (["Albania", "5.1500", "No", "0301", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "order number", "!B2"),
        (["Albania", "05.1500", "No", "03X1", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "tariff code", "!D2"),
        (["Albania", "05.1500", "No", "0301", "0", "-", "", "CY", "tonnes", "-", "-", ""], "no volume", "!G2"),
        (["Albania", "05.1500", "No", "0301", "0", "-", String(repeating: "9", count: 300), "CY", "tonnes", "-", "-", ""], "300 bytes", "!G2"),
        // A 100 KB name or order number: beyond what a spreadsheet cell holds, refused at its cell.
        ([String(repeating: "A", count: 100_000), "05.1500", "No", "0301", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "at most 32767", "!A2"),
        (["Albania", String(repeating: "5", count: 100_000), "No", "0301", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "at most 32767", "!B2"),
        // 30,000 characters, within a cell: refused by the reader, the echo bounded.
        ([String(repeating: "A", count: 30_000), "05.1500", "No", "0301", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "partner", "!A2"),
        (["Albania", String(repeating: "5", count: 30_000), "No", "0301", "0", "-", "7", "CY", "tonnes", "-", "-", ""], "order number", "!B2"),
    ])
    func badRowsAreErrorsNamingTheCell(row: [String], words: String, cell: String) throws {
        #expect {
            try read([["Albania", "05.1500", "No", "0301.91.00.00", "0", "-", "7", "CY", "tonnes", "-", "-", ""], row.map { $0 }])
        } throws: { e in
            let d = (e as? TarifError)?.description ?? ""
            return d.contains(words) && d.contains(cell.replacingOccurrences(of: "2", with: "3")) && d.utf8.count < 2_000
        }
    }

    @Test func aWorkbookWithoutQuotasIsRefused() throws {
        #expect { try read([]) } throws: { ($0 as? TarifError)?.description.contains("holds no quota") == true }
        #expect { try read([["", "", "", "", "", "", "", "", "", "", "", ""]]) } throws: { ($0 as? TarifError)?.description.contains("holds no quota") == true }
    }

    @Test func aWorkbookWithoutTheColumnsOrTheCountryListIsRefused() throws {
        #expect { try read([["Albania"]].map { $0 }, countries: [["Country name"]]) } throws: { _ in true }
        let dir = try TestData.temporaryDirectory().appendingPathComponent("trq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try UKPreferentialRatesReaderTests.write(UKPreferentialRatesReaderTests.book([["a", "b"]]), to: dir.appendingPathComponent("trq_data4.xlsx"))
        let source = try ByteSource(path: dir.appendingPathComponent("trq_data4.xlsx").path, displayName: "trq_data4.xlsx")
        defer { source.close() }
        #expect { try UKQuotaReader().read(source) { _ in } } throws: { ($0 as? TarifError)?.description.contains("hs_2022_country_input.xlsx") == true }
    }
}
