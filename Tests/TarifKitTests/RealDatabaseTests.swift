import Foundation
import TarifCore
import TarifSimulation
import TarifStore
import TarifTesting
import Testing

@testable import TarifKit

/// The whole catalog loaded from ../shared/data, and real questions on it.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct RealDatabaseTests {
    static let built: Result<Tarif, any Error> = Result {
        let path = try TestData.temporaryDirectory().appendingPathComponent("tarif.sqlite").path
        let tarif = try Tarif(path: path)
        _ = try DataBuilder(database: try #require(tarif.database)).build(from: TestData.directory, catalog: try Catalog.bundled())
        return tarif
    }

    func tarif() throws -> Tarif { try Self.built.get() }

    @Test func loadsEveryPublicationWithThePublishedCounts() throws {
        let db = try tarif().store
        let counts = try db.referenceCounts()
        #expect(counts["hs_section"] == 21)
        #expect(counts["hs_entry"] == 97 + 1_229 + 5_613)
        #expect(counts["country"] == 249)
        let schedules = try db.schedules()
        #expect(
            schedules.map(\.info.series) == [
                "AUS-MFN", "GBR-MFN", "GBR-MFN", "IDN-BOUND", "IDN-MFN", "IDN-MFN", "IDN-MFN", "IDN-MFN", "JPN-MFN",
            ] + Array(repeating: "USA-MFN", count: 43))
        let idn = try #require(schedules.last { $0.info.series == "IDN-MFN" })
        #expect(idn.lineCount == 14_631)  // 11,552 eight-digit lines + 2,009 subheadings + 1,070 headings
        let idnAll = try db.lines(under: try TariffCode("01"), in: idn, limit: 100_000)
        #expect(idnAll.allSatisfy { $0.code.chapter.digits == "01" })
        #expect(try db.lines(under: try TariffCode("01"), in: idn, limit: 10_000).filter { $0.code.length == 8 }.count == 53)  // chapter 01 of the BTKI
        // Australia's FTA rows for the chapters its scrape lacks are listed too: AustraliaRealTests counts them apart.
        for s in schedules where s.info.importer.rawValue != "AUS" {
            #expect(Double(s.unparsedCount) / Double(s.rateCount + s.unparsedCount) < 0.005, "\(s.info.title)")
        }
    }

    @Test func indonesiasRiceDuty() throws {
        let r = try tarif().duty(
            importer: .indonesia, code: try TariffCode("1006.30.99"), on: try Day(iso: "2023-01-15"), customsValue: 1_000_000_000,
            quantities: [try Quantity(parsing: "2000000kg")])
        let applied = try #require(r.appliedTreatment)
        #expect(applied.rateText == "450,-/kg")
        #expect(applied.duty == Money(900_000_000, .idr))
        #expect(applied.adValoremEquivalent == 90)
        #expect(applied.legalBasis.article.contains("Art. I:1"))
        #expect(applied.legalBasis.instrument.contains("26/PMK.010/2022"))
        #expect(r.explanation.indonesian.contains("900.000.000,00 IDR"))
    }

    @Test func theUKScheduleInForceDependsOnTheDay() throws {
        let code = try TariffCode("0101.29.90")
        let before = try tarif().rate(importer: .unitedKingdom, code: code, on: try Day(iso: "2020-06-01"))
        let after = try tarif().rate(importer: .unitedKingdom, code: code, on: try Day(iso: "2021-06-01"))
        #expect(before.rates.first?.text == "11.5%")
        #expect(before.schedule.info.currency == .eur)
        #expect(after.rates.first?.text == "10.0%")
        #expect(after.schedule.info.validity(in: try tarif().store) != nil)
    }

    @Test func aUSStatisticalLineTakesItsRateLineRates() throws {
        let answer = try tarif().rate(importer: .unitedStates, code: try TariffCode("6109.10.00.12"), on: try Day(iso: "2026-03-01"))
        #expect(answer.publishedOn.formatted == "6109.10.00")
        #expect(answer.rates.first { $0.kind == .mfn }?.text == "16.5%")
        #expect(answer.rates.first { $0.kind == .nonMFN }?.text == "90%")
        #expect(answer.rates.contains { $0.kind == .preferential && $0.program == "AU" })
    }

    @Test func searchFindsBothLanguages() throws {
        let t = try tarif()
        let day = try Day(iso: "2023-01-01")
        let beras = try t.search(importer: .indonesia, "beras", on: day).1
        #expect(beras.contains { $0.code.digits == "1006" })
        let rice = try t.search(importer: .indonesia, "rice", on: day).1
        #expect(rice.contains { $0.code.digits.hasPrefix("1006") })
        let us = try t.search(importer: .unitedStates, "basmati", on: try Day(iso: "2026-02-01")).1
        #expect(us.contains { $0.code.digits.hasPrefix("1006") })

        // Everyday words the BTKI writes otherwise: "kaos katun" is its "kaus … dari kapas".
        let shirts = try t.findLines(importer: .indonesia, "kaos katun", on: day)
        #expect(shirts.lines.contains { $0.code.formatted == "6109.10" }, "\(shirts.lines.map(\.code))")
        #expect(shirts.replaced.map(\.by) == ["kaus", "kapas"] && shirts.via == nil)
        #expect(shirts.how == "read kaos as kaus, katun as kapas")
        // Words found as given are not rewritten; 2+ Indonesian words on one line.
        let broken = try t.findLines(importer: .indonesia, "beras pecah", on: day)
        #expect(broken.lines.map(\.code.formatted) == ["1006.40"] && broken.replaced.isEmpty)
        // In the US tariff, through the BTKI's Indonesian: the US lines under 6109.10.
        let usShirts = try t.findLines(importer: .unitedStates, "kaos katun", on: try Day(iso: "2026-03-01"), limit: 100)
        #expect(usShirts.via?.info.importer == .indonesia)
        #expect(usShirts.lines.contains { $0.code.digits.hasPrefix("610910") })
        #expect(usShirts.lines.allSatisfy { $0.code.digits.hasPrefix("61") || $0.code.digits.hasPrefix("62") })
        // Nothing anywhere: no lines, no rewriting claimed.
        let none = try t.findLines(importer: .unitedStates, "qqqzzz xxyyz", on: try Day(iso: "2026-03-01"))
        #expect(none.lines.isEmpty && none.replaced.isEmpty && none.via == nil)
    }

    /// SMART's "what an agreement's preference does", rates from the engine: cotton T-shirts
    /// (HTSUS 6109.10.00, MFN 16.5%) are free under USMCA for Mexico; Viet Nam keeps MFN.
    @Test func smartScenarioTakesTheAgreementsRateFromTheEngine() throws {
        let db = try self.tarif()
        let registry = try db.registry()
        let rows: [(product: String, flow: SMARTFlow, newTariff: Double?)] = [
            ("6109.10.00", SMARTFlow(partner: try CountryCode("MEX"), imports: 800, tariffBefore: 0, tariffAfter: 0), nil),
            ("6109.10.00", SMARTFlow(partner: try CountryCode("VNM"), imports: 1_500, tariffBefore: 0, tariffAfter: 0), nil),
        ]
        let scenario = try SimulationData.agreementScenario(rows, tarif: db, importer: try CountryCode("USA"), agreement: "USMCA", on: try Day(iso: "2026-03-01"), registry: registry)
        #expect(scenario.rows.count == 2 && scenario.notes.isEmpty)
        #expect(abs(scenario.rows[0].flow.tariffBefore - 0.165) < 1e-12 && scenario.rows[0].flow.tariffAfter == 0)
        #expect(abs(scenario.rows[1].flow.tariffBefore - 0.165) < 1e-12 && abs(scenario.rows[1].flow.tariffAfter - 0.165) < 1e-12)
        let result = try SMART.simulate(scenario.rows.map { $0.flow }, parameters: SMARTParameters(importDemandElasticity: -1.5))
        #expect(result.partners[0].totalEffect > 0 && result.partners[1].tradeDiversion < 0)
        #expect(throws: TarifError.self) {
            try SimulationData.agreementScenario(rows, tarif: db, importer: try CountryCode("USA"), agreement: "NO-SUCH", on: try Day(iso: "2026-03-01"), registry: registry)
        }
    }
}

extension ScheduleInfo {
    /// The stored span of this schedule version (test helper).
    func validity(in db: any TariffStore) -> Validity? {
        try? db.schedules().first { $0.info == self }?.validity
    }
}
