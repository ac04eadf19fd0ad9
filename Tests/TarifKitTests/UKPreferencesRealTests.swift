import Foundation
import TarifCore
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// The UK's preferential rates of 2022 (DIT working workbooks) as loaded by `tarif data build`.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct UKPreferencesRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    @Test func everyPartnerIsAStagedScheduleOfItsScheme() throws {
        let staged = try tarif().store.stagedSchedules().filter { $0.schedule.importer == .unitedKingdom }
        // 44 partner names in the rates workbook, one schedule each.
        #expect(staged.count == 44)
        #expect(staged.allSatisfy { $0.schedule.agreement.hasPrefix("GBR-") })
        // 23,887 rows less the 11 cells listed unparsed, less duplicates; staged lines add their years.
        #expect(staged.map(\.stages).reduce(0, +) == 28_693)
        let japan = try #require(staged.first { $0.schedule.partner == (try? CountryCode("JPN")) })
        #expect(japan.schedule.agreement == "GBR-japan")
    }

    /// The FTA tariff-rate quotas (`trq_data4.xlsx`): every row of the TRQs sheet, less those printed twice alike.
    @Test func theQuotasAreLoadedAndShownBesideThePreference() throws {
        let count = try tarif().store.quotaCount(importer: .unitedKingdom)
        #expect(count > 3_500 && count <= 3_620)
        // Albania, quota 05.1500: fish of 0301.91 free within 7 tonnes a calendar year, on a line under 0301.91.90.
        let r = try tarif().duty(
            importer: .unitedKingdom, origin: try CountryCode("ALB"), code: try TariffCode("0301.91.90"), on: try Day(iso: "2022-06-01"),
            customsValue: 1_000)
        let q = try #require(r.quotas.first { $0.orderNumber == "05.1500" })
        #expect(q.agreement == "GBR-albania" && q.volumeText == "7 tonnes a calendar year" && q.inQuotaText == "0%")
        #expect(r.notes.contains { $0.contains("Tariff-rate quota 05.1500") && $0.contains("7 tonnes a calendar year") })
        // Not open to goods of a country outside the agreement.
        let japan = try tarif().duty(
            importer: .unitedKingdom, origin: try CountryCode("JPN"), code: try TariffCode("0301.91.90"), on: try Day(iso: "2022-06-01"),
            customsValue: 1_000)
        #expect(!japan.quotas.contains { $0.orderNumber == "05.1500" })
        #expect(String(decoding: JSONWriter.encode(r), as: UTF8.self).contains("\"orderNumber\":\"05.1500\""))
    }

    /// The workbook's TRQ_staging sheet: the UK–SACUM EPA's quota 05.1822 stages its in-quota
    /// rate 2022–2026 on 72 codes (all of them quota rows). Pears 2008.40.51 from South Africa:
    /// 3.10% in 2022, 1.50% in 2024, 0.00% from 2026; the SACUM preference has no rate of the
    /// line loaded, and the quota is still shown.
    @Test func stagedInQuotaRatesFollowTheYear() throws {
        func pears(_ day: String) throws -> DutyResolution {
            try tarif().duty(
                importer: .unitedKingdom, origin: try CountryCode("ZAF"), code: try TariffCode("2008.40.51"), on: try Day(iso: day), customsValue: 1_000)
        }
        let q = try #require(try pears("2024-06-01").quotas.first { $0.orderNumber == "05.1822" })
        #expect(q.stages?.map(\.year) == [2022, 2023, 2024, 2025, 2026])
        #expect(try pears("2024-06-01").notes.contains { $0.contains("05.1822") && $0.contains("1.50% (the in-quota rate staged for 2024)") })
        #expect(try pears("2022-06-01").notes.contains { $0.contains("05.1822") && $0.contains("3.10%") })
        #expect(try pears("2027-06-01").notes.contains { $0.contains("05.1822") && $0.contains("0.00% (the 2026 stage, the last published: it continues)") })
        #expect(String(decoding: JSONWriter.encode(try pears("2024-06-01")), as: UTF8.self).contains("\"stages\":[{"))
    }

    /// Live ornamental fish from Japan in June 2022: 4.7% under the UK–Japan CEPA against 6% MFN.
    @Test func japaneseFishIn2022() throws {
        let r = try tarif().duty(
            importer: .unitedKingdom, origin: try CountryCode("JPN"), code: try TariffCode("0301.19.00"), on: try Day(iso: "2022-06-01"),
            customsValue: 1_000)
        #expect(r.treatments.first { $0.kind == .mfn }?.duty == Money(60, .gbp))
        #expect(r.appliedTreatment?.agreement == "GBR-japan")
        #expect(r.appliedTreatment?.duty == Money(47, .gbp))
    }

    /// Singapore's staging: live cattle 0102.29.10, 5.1% + £38/100 kg in 2022, 1.7% + £12/100 kg from 2024.
    @Test func singaporesStagingByYear() throws {
        func duty(_ day: String) throws -> Money? {
            try tarif().duty(
                importer: .unitedKingdom, origin: try CountryCode("SGP"), code: try TariffCode("0102.29.10"), on: try Day(iso: day),
                customsValue: 1_000, quantities: [try Quantity(parsing: "100kg")]
            ).appliedTreatment?.duty
        }
        #expect(try duty("2022-06-01") == Money(89, .gbp))  // 51 + 38
        #expect(try duty("2024-06-01") == Money(29, .gbp))  // 17 + 12
    }
}
