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

    func read(_ rows: [[String]], countries: [[String]] = UKPreferentialRatesReaderTests.countries + [["Albania", "AL", "Albania", "Albania", "", "Albania"]])
        throws -> (quotas: [TariffQuota], skipped: [String])
    {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("trq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try UKPreferentialRatesReaderTests.write(UKPreferentialRatesReaderTests.book([Self.header] + rows), to: dir.appendingPathComponent("trq_data4.xlsx"))
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
