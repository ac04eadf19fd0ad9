import Foundation
import TarifCore
import TarifStore
import TarifTesting
import Testing

@testable import TarifKit

/// Versions of a schedule, re-imports, and loads that fail halfway.
struct LoadingTests {
    static let header = "hs_code,chapter,description_id,description_en,import_duty,export_duty,ppn,ppnbm,hs_level\n"

    static func btki(riceRate: String, extraRows: String = "") -> String {
        header + """
            10.06,10,Beras.,Rice.,,,,,4
            10.06.30.99,10,- - - Lain-lain,- - - Other,"\(riceRate)",-,-,-,8
            \(extraRows)
            09.01.21.10,09,- - - Kopi,- - - Coffee,5,-,11,-,8

            """
    }

    func load(_ tarif: Tarif, _ text: String, validFrom: String, name: String = "btki.csv") throws -> LoadReport {
        let path = try TestData.fixture(name, text)
        return try DataBuilder(database: try #require(tarif.database)).load(path: path, displayName: name, format: "btki-csv") { hash in
            [
                "mfn": ScheduleInfo(
                    series: "IDN-MFN", importer: .indonesia, title: "BTKI from \(validFrom)", nomenclature: "AHTN 2022",
                    currency: .idr, validFrom: try Day(iso: validFrom), legalSource: "PMK test \(validFrom)", sourceFile: name,
                    contentHash: hash)
            ]
        }
    }

    func riceRate(_ tarif: Tarif, on day: String) throws -> String? {
        try tarif.rate(importer: .indonesia, code: try TariffCode("1006.30.99"), on: try Day(iso: day)).rates.first { $0.kind == .mfn }?.text
    }

    @Test func questionsAsOfADayUseTheVersionInForce() throws {
        let tarif = Tarif(database: try .inMemory())
        _ = try load(tarif, Self.btki(riceRate: "450,-/kg"), validFrom: "2022-04-01")
        _ = try load(tarif, Self.btki(riceRate: "550,-/kg"), validFrom: "2025-01-01")
        #expect(try riceRate(tarif, on: "2022-04-01") == "450,-/kg")
        #expect(try riceRate(tarif, on: "2024-12-31") == "450,-/kg")
        #expect(try riceRate(tarif, on: "2025-01-01") == "550,-/kg")
        let versions = try tarif.store.schedules()
        #expect(versions.map(\.validity) == [
            Validity(start: try Day(iso: "2022-04-01"), end: try Day(iso: "2025-01-01")), Validity(start: try Day(iso: "2025-01-01")),
        ])
        #expect {
            try riceRate(tarif, on: "2021-12-31")
        } throws: { ($0 as? TarifError)?.code == .notFound }

        let duty = try tarif.duty(
            importer: .indonesia, code: try TariffCode("10063099"), on: try Day(iso: "2025-06-01"), customsValue: 1_000_000,
            quantities: [try Quantity(parsing: "1000 kg")])
        #expect(duty.appliedTreatment?.duty == Money(550_000, .idr))
        #expect(duty.appliedTreatment?.legalBasis.instrument == "PMK test 2025-01-01")
    }

    @Test func reimportingTheSameFileChangesNothing() throws {
        let tarif = Tarif(database: try .inMemory())
        let first = try load(tarif, Self.btki(riceRate: "450,-/kg"), validFrom: "2022-04-01")
        #expect(!first.alreadyLoaded)
        #expect(first.schedules.first?.lines == 3)
        let before = try tarif.store.referenceCounts()
        let again = try load(tarif, Self.btki(riceRate: "450,-/kg"), validFrom: "2022-04-01", name: "copy.csv")
        #expect(again.alreadyLoaded)
        #expect(try tarif.store.referenceCounts() == before)
    }

    @Test func aFileCorruptedHalfwayLeavesTheDatabaseUnchanged() throws {
        let tarif = Tarif(database: try .inMemory())
        _ = try load(tarif, Self.btki(riceRate: "450,-/kg"), validFrom: "2022-04-01")
        let before = try tarif.store.referenceCounts()
        let schedulesBefore = try tarif.store.schedules()
        // A newer version whose third data row is broken, after two good rows were already written.
        let broken = Self.btki(riceRate: "550,-/kg", extraRows: "XX.YY,10,rusak,broken,5,-,-,-,8")
        #expect {
            try load(tarif, broken, validFrom: "2025-01-01")
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return e.code == .badCode && e.location?.line == 4
        }
        #expect(try tarif.store.referenceCounts() == before)
        #expect(try tarif.store.schedules() == schedulesBefore)
        // The same version replaced by a broken file keeps the old one whole too.
        #expect(throws: TarifError.self) { try load(tarif, broken, validFrom: "2022-04-01") }
        #expect(try riceRate(tarif, on: "2023-01-01") == "450,-/kg")
    }

    @Test func unknownImporterAndLineSayWhatThereIs() throws {
        let tarif = Tarif(database: try .inMemory())
        #expect {
            try riceRate(tarif, on: "2023-01-01")
        } throws: { ($0 as? TarifError)?.message.contains("tarif data build") == true }
        _ = try load(tarif, Self.btki(riceRate: "450,-/kg"), validFrom: "2022-04-01")
        #expect {
            try tarif.rate(importer: try CountryCode("VNM"), code: try TariffCode("1006"), on: try Day(iso: "2023-01-01"))
        } throws: { ($0 as? TarifError)?.message.contains("importers with schedules: IDN") == true }
        #expect {
            try tarif.rate(importer: .indonesia, code: try TariffCode("1006.30"), on: try Day(iso: "2023-01-01"))
        } throws: { ($0 as? TarifError)?.message.contains("lines under it: 1006.30.99") == true }
        #expect {
            try tarif.rate(importer: .indonesia, code: try TariffCode("1006.30.11"), on: try Day(iso: "2023-01-01"))
        } throws: { ($0 as? TarifError)?.message.contains("nearby lines: 1006.30.99") == true }
    }
}
