import Foundation
import TarifCore
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// Japan's Customs Tariff Schedule (edition of 2026-07-09) as loaded by `tarif data build`.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct JapanRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }
    let day = try! Day(iso: "2026-08-01")

    @Test func theScheduleLoadsWithItsCountsAndFewUnparsedRates() throws {
        let japan = try #require(try tarif().store.schedules().first { $0.info.importer.rawValue == "JPN" })
        // 12,594 coded nodes in the 96 chapters, one of them without a code; codes printed twice are one line.
        #expect(japan.lineCount == 12_593)
        #expect(japan.info.currency == .jpy)
        // 201,100 non-empty rate cells; those that are not one rate (ranges over sub-items,
        // "not conceded") are listed, under 0.5%.
        #expect(japan.unparsedCount > 0)
        #expect(Double(japan.unparsedCount) / 201_100 < 0.005)
        let unparsed = try tarif().store.unparsed(in: japan)
        #expect(unparsed.allSatisfy { $0.location.description.contains("(rate.") && $0.location.description.contains("j_") && !$0.reason.isEmpty })
    }

    /// The spot check: Indonesian roasted coffee — WTO 12%, GSP 10%, AJCEP 12%,
    /// RCEP 7.5%, no IJEPA rate: RCEP applies, the lowest the origin is entitled to.
    @Test func indonesianRoastedCoffee() throws {
        let r = try tarif().duty(
            importer: try CountryCode("JPN"), origin: .indonesia, code: try TariffCode("0901.21.000"), on: day, customsValue: 1_000_000)
        let applied = try #require(r.appliedTreatment)
        #expect(applied.program == "RCEP")
        #expect(applied.agreement == "RCEP")
        #expect(applied.rateText == "7.5%")
        #expect(applied.duty == Money(75_000, .jpy))
        let mfn = try #require(r.treatments.first { $0.kind == .mfn })
        #expect(mfn.rateText == "12%")
        #expect(mfn.rateSource?.contains("WTO") == true)
        #expect(r.treatments.first { $0.program == "GSP" }?.rateText == "10%")
        #expect(r.treatments.first { $0.program == "GSP" }?.isAvailable == true)
        #expect(r.treatments.first { $0.program == "ASEAN" }?.rateText == "12%")
        let ijepa = try #require(r.treatments.first { $0.agreement == "IJEPA" })
        #expect(ijepa.rate == nil)
        #expect(applied.legalBasis.article.contains("XXIV"))
        #expect(r.line.descriptionEnglish.contains("Coffee; roasted"))
        // A day before the edition: no Japanese schedule is claimed.
        #expect(throws: TarifError.self) {
            try tarif().duty(
                importer: try CountryCode("JPN"), origin: .indonesia, code: try TariffCode("0901.21.000"), on: try Day(iso: "2026-07-08"),
                customsValue: 1)
        }
    }

    @Test func marketsForIndonesianCoffeeIncludeJapanWithItsMargin() throws {
        let index = try tarif().resolutionIndex(origins: [.indonesia])
        let ranking = try index.markets(from: .indonesia, product: try TariffCode("0901.21"), on: day)
        let japan = try #require(ranking.first { $0.importer.rawValue == "JPN" })
        #expect(japan.lines == 1)
        #expect(japan.averageRate == ExactDecimal("7.5"))
        #expect(japan.averageFloorRate == 12)
        #expect(japan.treatments == ["RCEP": 1])
        #expect(!ranking.contains { $0.importer == .indonesia })
        // The quick resolution agrees with the full one.
        let quick = try #require(
            try index.resolve(
                importer: try CountryCode("JPN"), origin: .indonesia, code: try TariffCode("0901.21.000"), day: day,
                context: DutyContext(currency: .jpy, customsValue: Money(1_000_000, .jpy), day: day)))
        #expect(quick.program == "RCEP")
        #expect(quick.duty == Money(75_000, .jpy))
    }

    @Test func originsIntoJapanCompareAgreements() throws {
        let index = try tarif().resolutionIndex()
        let jpn = try CountryCode("JPN")
        let ranking = try index.origins(
            to: jpn, code: try TariffCode("0901.21.000"), on: day, context: DutyContext(currency: .jpy, customsValue: Money(1_000_000, .jpy), day: day))
        func row(_ c: String) throws -> OriginRanking? { let code = try CountryCode(c); return ranking.first { $0.origin == code } }
        #expect(try row("IDN")?.treatment.contains("RCEP") == true)
        #expect(try row("VNM")?.rate == "Free")  // Japan–Viet Nam EPA and CPTPP: free
        #expect(try row("BRA")?.kind == .mfn)  // graduated from Japan's GSP in 2019; no agreement
        #expect(try row("COL")?.kind == .mfn)
        #expect(try row("KHM")?.rate == "Free")  // least developed: 特別特恵
        // Japan's GSP list is recorded in part: an origin not on it is told it may still be a beneficiary,
        // unless the sources say it was graduated.
        func notes(_ origin: String) throws -> [String] {
            try tarif().duty(importer: jpn, origin: try CountryCode(origin), code: try TariffCode("0901.21.000"), on: day, customsValue: 1_000).notes
        }
        #expect(try notes("COL").contains { $0.hasPrefix("Japan GSP: COL is not among the beneficiaries Tarif records") && $0.contains("Official Gazette") })
        #expect(try !notes("BRA").contains { $0.contains("Official Gazette") })
        #expect(try !notes("IDN").contains { $0.contains("Official Gazette") })
    }

    /// CPTPP's tariff differentials (TPP Annex 2-D, Japan, Appendix C): plywood 4412.31.118
    /// prints 3% for Malaysia, 2.6% for Viet Nam and 1% for the other parties. Each origin gets
    /// its own row, the other parties' rate is set aside for the named ones, and the quick
    /// resolution (rankings, batches) agrees with the full one.
    @Test func cptppRatesForNamedPartiesGoToThoseParties() throws {
        let jpn = try CountryCode("JPN")
        let plywood = try TariffCode("4412.31.118")
        let index = try tarif().resolutionIndex(importers: [jpn], origins: [try CountryCode("MYS"), try CountryCode("MEX"), try CountryCode("NZL")])
        func cptpp(_ origin: String) throws -> (full: [Treatment], quick: QuickDuty?) {
            let o = try CountryCode(origin)
            let r = try tarif().duty(importer: jpn, origin: o, code: plywood, on: day, customsValue: 10_000)
            let quick = try index.resolve(
                importer: jpn, origin: o, code: plywood, day: day, context: DutyContext(currency: .jpy, customsValue: Money(10_000, .jpy), day: day))
            return (r.treatments.filter { $0.agreement == "CPTPP" }, quick)
        }
        let malaysia = try cptpp("MYS")
        #expect(malaysia.full.first { $0.program == "TPP-MYS" }?.isAvailable == true)
        #expect(malaysia.full.first { $0.program == "TPP-MYS" }?.rateText == "(マレーシアに対する待遇) 3%")
        #expect(malaysia.full.first { $0.program == "TPP" }?.excludedBecause?.contains("TPP-MYS") == true)
        #expect(!malaysia.full.contains { $0.program == "TPP-VNM" })
        #expect(malaysia.quick?.program == "TPP-MYS")
        #expect(malaysia.quick?.duty == Money(300, .jpy))
        // Mexico is one of "the other parties": 1%.
        let mexico = try cptpp("MEX")
        #expect(mexico.full.map(\.program) == ["TPP"])
        #expect(mexico.full.first?.isAvailable == true)
        #expect(mexico.quick?.program == "TPP")
        #expect(mexico.quick?.duty == Money(100, .jpy))
        // Ferro-manganese 7202.11.000, a cell written with CR LF: Free for the others, 1.1% for New Zealand.
        let ferro = try tarif().duty(importer: jpn, origin: try CountryCode("NZL"), code: try TariffCode("7202.11.000"), on: day, customsValue: 10_000)
        #expect(ferro.treatments.first { $0.program == "TPP-NZL" }?.rate?.adValoremRate?.value == ExactDecimal("1.1"))
        #expect(ferro.treatments.first { $0.program == "TPP" }?.isAvailable == false)
        let others = try tarif().rate(importer: jpn, code: try TariffCode("7202.11.000"), on: day)
        #expect(others.rates.first { $0.program == "TPP" }?.text == "(他の締約国に対する待遇) 無税")
    }

    @Test func rice1006IsAQuotaLineWithAlternatives() throws {
        // Japan's rice: the schedule states the tariff-quota and out-of-quota rates as conditions.
        let answer = try tarif().rate(importer: try CountryCode("JPN"), code: try TariffCode("1006.30.090"), on: day)
        #expect(answer.rates.first { $0.kind == .mfn }?.text == "49円/kg")
        #expect(answer.rates.first { $0.kind == .mfn }?.program == "temporary")
    }
}

/// Indonesia's WITS/TRAINS tariff lines of 2008, 2011 and 2012, as loaded by `tarif data build`.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct IndonesiaWITSRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    @Test func eachYearIsAVersionWithThePublishedCounts() throws {
        let versions = try tarif().store.schedules().filter { $0.info.importer == .indonesia && $0.info.nomenclature.hasPrefix("BTBMI") }
        #expect(versions.map(\.info.validFrom.description) == ["2008-01-01", "2011-01-01", "2012-01-01"])
        #expect(versions.map(\.lineCount) == [8_744, 8_746, 8_745])
        // Rows as published: 8,744, 43,730 and 43,725, less those with "duty rate not provided" (17, 90, 94).
        #expect(versions.map(\.rateCount) == [8_727, 43_640, 43_631])
        #expect(versions.map(\.unparsedCount) == [0, 0, 0])
        #expect(versions.map { $0.validity.end?.description } == ["2009-01-01", "2012-01-01", "2013-01-01"])
    }

    /// The documents' example: rice kept out of liberalisation — ATIGA Rp 450/kg, the same as MFN.
    @Test func riceFromVietNamIn2012() throws {
        let r = try tarif().duty(
            importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("1006.30.90.00"), on: try Day(iso: "2012-06-01"),
            customsValue: 5_000_000, quantities: [try Quantity(parsing: "1000kg")])
        let atiga = try #require(r.treatments.first { $0.agreement == "ATIGA" })
        #expect(atiga.rateText == "Rp 450/kg")
        #expect(atiga.isAvailable)
        #expect(atiga.duty == Money(450_000, .idr))
        #expect(r.appliedTreatment?.kind == .mfn)  // no preference below MFN: claiming ATIGA saves nothing
        #expect(r.treatments.first { $0.kind == .mfn }?.rateText == "Rp 450/kg")
    }

    @Test func coffeeATIGAFreeAgainstMFNFivePercent() throws {
        let r = try tarif().duty(
            importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("0901.11.10.00"), on: try Day(iso: "2012-06-01"),
            customsValue: 5_000_000)
        #expect(r.appliedTreatment?.agreement == "ATIGA")
        #expect(r.appliedTreatment?.duty == Money(0, .idr))
        #expect(r.treatments.first { $0.kind == .mfn }?.rateText == "5%")
        #expect(r.treatments.first { $0.program == "AIFTA" }?.rateText == "2%")
    }

    @Test func aDayBetweenVersionsHasNoSchedule() throws {
        #expect {
            try tarif().duty(
                importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("0901.11.10.00"), on: try Day(iso: "2015-06-01"),
                customsValue: 1)
        } throws: { ($0 as? TarifError)?.message.contains("until 2012-12-31") == true }
        // The resolution index says the same.
        let index = try tarif().resolutionIndex(importers: [.indonesia], origins: [try CountryCode("VNM")])
        let gap = try index.resolve(
            importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("0901.11.10.00"), day: try Day(iso: "2015-06-01"),
            context: DutyContext(currency: .idr, customsValue: Money(1, .idr)))
        #expect(gap == nil)
        #expect(index.currency(of: .indonesia, on: try Day(iso: "2012-06-01")) == .idr)
    }
}

/// Indonesia today: the PMK behind each agreement's schedule, and the one line the National
/// Single Window record gives year by year.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct IndonesiaInstrumentsRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }
    let day = try! Day(iso: "2026-03-01")

    @Test func anAnswerWithoutALoadedRateNamesThePMK() throws {
        let r = try tarif().duty(
            importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("1006.30.99"), on: day, customsValue: 5_000_000,
            quantities: [try Quantity(parsing: "1000kg")])
        let atiga = try #require(r.treatments.first { $0.agreement == "ATIGA" })
        #expect(atiga.rate == nil)
        #expect(atiga.excludedBecause?.contains("PMK 43/PMK.010/2022") == true)
        // RCEP's schedule for ASEAN Member States.
        #expect(r.treatments.first { $0.agreement == "RCEP" }?.excludedBecause?.contains("PMK 221/PMK.010/2022") == true)
        // The WITS years' program code does not stand for BTKI 2022.
        #expect(atiga.program == nil)
    }

    @Test func theRecordedLineGivesEachAgreementsRateAndInstrument() throws {
        let r = try tarif().duty(
            importer: .indonesia, origin: try CountryCode("KOR"), code: try TariffCode("0101.21.00"), on: day, customsValue: 5_000_000)
        let labels = Set(r.treatments.filter { $0.rate != nil && $0.kind == .preferential }.compactMap(\.agreement))
        #expect(labels == ["AKFTA", "RCEP", "IK-CEPA"])
        #expect(r.treatments.first { $0.agreement == "AKFTA" }?.legalBasis.instrument.contains("PMK Nomor 152 Tahun 2023") == true)
        #expect(r.treatments.first { $0.agreement == "RCEP" }?.legalBasis.instrument.contains("223/PMK.010/2022") == true)
        // Before PMK 152/2023 took effect (2024-01-04) its AKFTA stage had not started.
        let before = try tarif().duty(
            importer: .indonesia, origin: try CountryCode("KOR"), code: try TariffCode("0101.21.00"), on: try Day(iso: "2023-06-01"),
            customsValue: 5_000_000)
        #expect(before.treatments.first { $0.agreement == "AKFTA" }?.isAvailable == false)
    }
}

/// Indonesia's WTO Schedule XXI (CTS) and the Art. II:1(b) part of the audit.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct IndonesiaBindingsRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    @Test func theScheduleLoadsWithThePublishedCounts() throws {
        let bound = try #require(try tarif().store.schedules().first { $0.info.series == "IDN-BOUND" })
        #expect(bound.lineCount == 7_975)  // 8,386 rows: 7,838 whole lines (7,457 bound, 381 unbound), the rest ex items and sub-items
        #expect(bound.rateCount == 7_457)
    }

    @Test func riceIsBoundAt160AndCarsAreUnbound() throws {
        let day = try Day(iso: "2023-01-01")
        let rice = try #require(try tarif().rate(importer: .indonesia, code: try TariffCode("1006.30.99"), on: day).bindings)
        #expect(!rice.sameNomenclature)
        #expect(rice.lines.map(\.bound) == ["160%"])
        let car = try #require(try tarif().rate(importer: .indonesia, code: try TariffCode("8703.23.61"), on: day).bindings)
        #expect(!car.lines.isEmpty && car.lines.allSatisfy { $0.bound == "unbound" })
    }

    @Test func theAuditComparesEveryLineAndFindsNothingItCannotProve() throws {
        let report = try tarif().audit(importer: .indonesia, on: try Day(iso: "2022-06-01"), origins: [.indonesia, try CountryCode("VNM")])
        let b = try #require(report.bindings)
        #expect(!b.sameNomenclature)
        #expect(b.counts.values.reduce(0, +) == 11_552)  // every BTKI 2022 rate line
        #expect(b.counts[.exceeds] == nil)  // HS 2022 against HS96/HS02: indicative only
        #expect((b.undeterminedByKind["apparently above the binding"] ?? 0) > 0)
        #expect((b.undeterminedByKind["apparently within the binding"] ?? 0) > 7_000)
        // The audit page shows the check, the indicative rows and no finding.
        let html = AuditHTML.render(report)
        #expect(html.contains("id=\"bindings\"") && html.contains("apparently above the binding") && !html.contains(">finding</td>"))
    }
}
