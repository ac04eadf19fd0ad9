import Foundation
import TarifCore
import TarifImport
import TarifTesting
import Testing

@testable import TarifKit

/// The WTO's RTA export of January 2026 beside the curated registry.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct RTAExportRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }
    static let path = TestData.directory.appendingPathComponent("preferences_agreements/wto_rta_is_allrtas_2026-01.xlsx").path

    @Test func theExportHolds655Agreements() throws {
        let export = try WTORTAExport(path: Self.path, displayName: "wto_rta_is_allrtas_2026-01.xlsx")
        #expect(export.records.count == 655)
        let pacer = try #require(export.records.first { $0.id == 683 })
        #expect(pacer.inForceGoods == Day(year: 2020, month: 12, day: 13))
        #expect(pacer.partyDates.first { $0.party == "Nauru" }?.pending == true)
        #expect(export.records.contains { !$0.changes.isEmpty })
    }

    /// Every disagreement is listed; the example first: Indonesia in ASEAN–Japan.
    @Test func disagreementsWithTheCuratedRegistryAreListed() throws {
        let export = try WTORTAExport(path: Self.path, displayName: "wto_rta_is_allrtas_2026-01.xlsx")
        // As `data build` stored them: the same agreements as the file.
        let records = try tarif().store.rtaRecords()
        #expect(records.map(\.id) == export.records.map(\.id).sorted())
        let comparison = RTAComparison(registry: try tarif().registry(), records: records, countries: try tarif().store.countries())
        func conflict(_ agreement: String, _ fact: String) -> RegistryConflict? {
            comparison.conflicts.first { $0.agreement == agreement && $0.fact == fact }
        }
        let ajcep = try #require(conflict("AJCEP", "IDN's entry"))
        #expect(ajcep.curated == "2018-03-01")
        #expect(ajcep.export == "2010-03-01")
        // The three documented in docs/registry.md, and ANZCERTA's signature.
        #expect(conflict("AKFTA", "entry into force (goods)")?.export == "2010-01-01")
        #expect(conflict("US-IL", "entry into force (goods)")?.export == "1985-08-19")
        #expect(conflict("AFTA-CEPT", "entry into force (goods)")?.export == "1993-01-01")
        #expect(conflict("ANZCERTA", "signature")?.export == "1982-12-14")
        // Every curated RTA ID is in the export.
        #expect(comparison.missingIDs.isEmpty)
    }

    /// The export's agreements in the registry: an EU agreement with the EU's members on their own
    /// dates, ATISA between Indonesia and Viet Nam (services: not a treatment of rice).
    @Test func theExportsAgreementsEnterTheRegistry() throws {
        let registry = try tarif().registry()
        let wto = registry.agreements.filter { $0.origin == RegistryLoader.rtaOrigin }
        // 655 less the 66 curated, the ones still under negotiation (no parties) and a few whose
        // parties Tarif cannot name (Czechoslovakia, Serbia and Montenegro, Kosovo); inactive ones
        // enter with their original signatories, ended on their inactive date.
        #expect(wto.count == 515)
        let enlargement = try #require(registry.agreements.first { $0.id == "WTO-6" })  // EC (27) Enlargement
        #expect(enlargement.parties.count > 20)
        let mexicoCostaRica = try #require(registry.agreements.first { $0.wtoRTAID == 20 })
        #expect(mexicoCostaRica.ended != nil && mexicoCostaRica.parties.count == 2)
        // A bloc the export names (the Eurasian Economic Union) is read with its members' own dates.
        #expect(registry.agreements.contains { $0.origin == RegistryLoader.rtaOrigin && $0.parties.contains { $0.party == .bloc("EAEU") } })
        // None repeats a curated agreement's RTA ID.
        let curated = Set(registry.agreements.filter { $0.origin != RegistryLoader.rtaOrigin }.compactMap(\.wtoRTAID))
        #expect(wto.allSatisfy { !curated.contains($0.wtoRTAID ?? -1) })
        let jordan = try #require(registry.agreements.first { $0.id == "WTO-68" })
        #expect(jordan.parties.contains { $0.party == .bloc("EU") })
        let day = try Day(iso: "2024-01-01")
        let shared = registry.common(.indonesia, try CountryCode("VNM"), on: day).map(\.agreement)
        #expect(shared.contains("WTO-1171"))
        let rice = try tarif().duty(
            importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("1006.30.99"), on: day, customsValue: 1_000_000)
        #expect(!rice.treatments.contains { $0.agreement == "WTO-1171" })
    }
}
