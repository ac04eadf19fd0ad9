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
        #expect(!export.changes.isEmpty)
    }

    /// Every disagreement is listed; the example first: Indonesia in ASEAN–Japan.
    @Test func disagreementsWithTheCuratedRegistryAreListed() throws {
        let export = try WTORTAExport(path: Self.path, displayName: "wto_rta_is_allrtas_2026-01.xlsx")
        let comparison = RTAComparison(registry: try tarif().registry(), export: export, countries: try tarif().store.countries())
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
}
