import Foundation
import TarifCore
import TarifImport
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// Australia's Working Tariff (April 2026) as loaded by `tarif data build`.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct AustraliaRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }
    let day = try! Day(iso: "2026-08-01")
    let aus = try! CountryCode("AUS")

    @Test func theScheduleLoadsWithItsCountsAndListsWhatItCannotRead() throws {
        let schedule = try #require(try tarif().store.schedules().first { $0.info.importer == aus })
        // 4,956 rated 8-digit classifications, their 6-digit subheadings and the statistical codes under them.
        #expect(schedule.lineCount == 5_526)
        #expect(schedule.info.currency == .aud)
        let unparsed = try tarif().store.unparsed(in: schedule)
        #expect(unparsed.count == schedule.unparsedCount)
        // The scrape lacks 25 chapters of Schedule 3 (28, 30, … 83): the FTA schedules' rows for
        // those lines have no general rate beside them and are listed, each with its place.
        let withoutLine = unparsed.filter { $0.reason.contains("has no rate for it") }
        #expect(withoutLine.count > 800)
        #expect(withoutLine.allSatisfy { $0.location.description.contains("tariff-schedules-fta.json.gz (Schedule ") })
        // Every other rate string is read, or listed with its reason: under 0.5%.
        let rest = unparsed.count - withoutLine.count
        #expect(Double(rest) / Double(schedule.rateCount + rest) < 0.005, "\(rest) of \(schedule.rateCount)")
        #expect(unparsed.allSatisfy { !$0.reason.isEmpty })
    }

    /// No stage of a phased rate starts after the edition: the last stage is the one in force.
    @Test func everyPhaseInThePublicationStartsBeforeTheEdition() throws {
        let directory = TestData.directory.appendingPathComponent("tariffs_national/aus_working_tariff_2026-04")
        let edition = try Day(iso: "2026-04-01")
        for name in ["tariff-schedule3.json.gz", "tariff-schedules-fta.json.gz"] {
            let source = try ByteSource(path: directory.appendingPathComponent(name).path, displayName: name, hashing: false)
            defer { source.close() }
            var bytes: [UInt8] = []
            while case let chunk = try source.read(), !chunk.isEmpty { bytes += chunk }
            let text = AustralianRateParser.clean(String(decoding: bytes, as: UTF8.self))
            var rest = Substring(text)
            var found = 0
            while let r = rest.firstRange(of: "From") {
                if let (dayFound, _) = try? AustralianRateParser.leadingDate(rest[r.lowerBound...]) {
                    #expect(dayFound <= edition, "\(name): a stage from \(dayFound)")
                    found += 1
                }
                rest = rest[r.upperBound...]
            }
            #expect(found > 10)
        }
    }

    /// Yogurt with chocolate, 0403.20.10: general 5%, DCS 4%; an Indonesian originating good
    /// is Free under IA-CEPA, AANZFTA and RCEP (none of their schedules lists the line).
    @Test func indonesianYogurtIsFreeUnderThreeAgreements() throws {
        let r = try tarif().duty(importer: aus, origin: .indonesia, code: try TariffCode("0403.20.10"), on: day, customsValue: 10_000)
        let mfn = try #require(r.treatments.first { $0.kind == .mfn })
        #expect(mfn.rateText == "5%")
        #expect(mfn.duty == Money(500, .aud))
        let applied = try #require(r.appliedTreatment)
        #expect(applied.duty == Money(0, .aud))
        #expect(["IACEPA", "AANZFTA", "RCEP"].contains(applied.program ?? ""))
        let iacepa = try #require(r.treatments.first { $0.program == "IACEPA" })
        #expect(iacepa.isAvailable)
        // The rate says why it is Free.
        let rates = try tarif().rate(importer: aus, code: try TariffCode("0403.20.10"), on: day).rates
        #expect(rates.contains { $0.program == "IACEPA" && $0.text == "Free (not listed in Schedule 9A)" })
        // Indonesia is in Part 4 of Schedule 1: DCS 4% is available, DCT (Part 5 only) is not.
        #expect(r.treatments.first { $0.program == "DCS" }?.isAvailable == true)
        #expect(r.treatments.first { $0.program == "DCT" }?.isAvailable == false)
    }

    /// Cheese 0406.10.00 from the United Kingdom: A-UKFTA's dated $1.02/kg, CPTPP's $0.998/kg for the
    /// UK (Rate No. 002), and the lower applies; from Canada, CPTPP's own (not listed: Free).
    @Test func partyRatesInTheCPTPPScheduleGoToTheirParty() throws {
        let answer = try tarif().rate(importer: aus, code: try TariffCode("0406.10.00"), on: day)
        let cptppUK = try #require(answer.rates.first { $0.program == "CPTPP-GBR" })
        #expect(cptppUK.text.contains("2024-12-24"))
        #expect(answer.rates.first { $0.program == "AUKFTA" }?.text == "From 2023-05-31: $1.02/kg")
        let uk = try tarif().duty(
            importer: aus, origin: try CountryCode("GBR"), code: try TariffCode("0406.10.00"), on: day, customsValue: 10_000,
            quantities: [try Quantity(parsing: "1000kg")])
        // 1,000 kg: general $1.220/kg = 1,220; A-UKFTA 1,020; CPTPP for the UK 998 — the lowest applies.
        #expect(uk.treatments.first { $0.kind == .mfn }?.duty == Money(1_220, .aud))
        #expect(uk.appliedTreatment?.program == "CPTPP-GBR")
        #expect(uk.appliedTreatment?.duty == Money(998, .aud))
        #expect(uk.treatments.first { $0.program == "CPTPP-GBR" }?.isAvailable == true)
        #expect(uk.treatments.first { $0.program == "CPTPP" }?.isAvailable == false)
        let canada = try tarif().duty(importer: aus, origin: try CountryCode("CAN"), code: try TariffCode("0406.10.00"), on: day, customsValue: 10_000)
        #expect(canada.treatments.first { $0.program == "CPTPP" }?.isAvailable == true)
        #expect(canada.treatments.first { $0.program == "CPTPP-GBR" }?.isAvailable == false)
    }

    /// s. 16: a least developed country's goods are Free where Schedule 3 sets out no LDC rate.
    @Test func leastDevelopedCountriesAreFreeUnlessARateIsSetOut() throws {
        let r = try tarif().duty(importer: aus, origin: try CountryCode("KHM"), code: try TariffCode("0403.20.10"), on: day, customsValue: 10_000)
        #expect(r.appliedTreatment?.duty == Money(0, .aud))
        #expect(r.treatments.contains { $0.program == "LDC" && $0.isAvailable })
    }

    @Test func marketsForIndonesianCoffeeRankAllFourImporters() throws {
        let index = try tarif().resolutionIndex(origins: [.indonesia])
        let ranking = try index.markets(from: .indonesia, product: try TariffCode("0901.21"), on: day)
        #expect(Set(ranking.map(\.importer.rawValue)) == ["AUS", "GBR", "JPN", "USA"])
        #expect(!ranking.contains { $0.importer == .indonesia })
    }

    @Test func theAuditOfAustraliaRuns() throws {
        let report = try tarif().audit(importer: aus, on: day)
        #expect(report.linesScanned > 4_000)
        // Developing-country rates granted to Members that are developed (Schedule 1 Part 4
        // still names Poland, Hungary…): no GSP covers them.
        let poland = try CountryCode("POL")
        #expect(report.programs.contains { $0.measure.name == "DCS" && $0.status == .unjustified && $0.origins.contains(poland) })
    }

    /// The registry's Schedule 1 parts (curated) are the publication's, in order.
    @Test func scheduleOnePartsMatchThePublication() throws {
        let path = TestData.directory.appendingPathComponent("tariffs_national/aus_working_tariff_2026-04/tariff-schedule1.json.gz").path
        let source = try ByteSource(path: path, displayName: "tariff-schedule1.json.gz", hashing: false)
        defer { source.close() }
        let reader = JSONArrayReader(source: source)
        var abbreviations: [String] = []
        while let row = try reader.next() { abbreviations.append(row["abbreviation"]?.text ?? "") }
        #expect(abbreviations.count == 246)
        let alpha3 = Dictionary(try tarif().store.countries().map { ($0.alpha2, $0.code) }, uniquingKeysWith: { a, _ in a })
        let extra: [String: String] = ["PO": "POL", "XA": "UMI", "XB": "UMI", "WK": "UMI"]
        func part(_ range: Range<Int>) -> [String] {
            var out: [String] = []
            for a in abbreviations[range] {
                guard let c = extra[a] ?? alpha3[a]?.rawValue else { continue }
                if !out.contains(c) { out.append(c) }
            }
            return out
        }
        let registry = try tarif().registry()
        func only(_ code: String) -> [String] { registry.program(importer: aus, code: code)?.only?.map(\.rawValue) ?? [] }
        func beneficiaries(_ agreement: String) -> [String] {
            registry.agreements.first { $0.id == agreement }?.parties.filter { $0.role == .beneficiary }.compactMap { $0.party.country?.rawValue } ?? []
        }
        #expect(beneficiaries("SPARTECA") == part(0..<13))  // Part 1: Forum Island Countries
        #expect(beneficiaries("AU-LDC") == part(13..<63))  // Part 2: Least Developed Countries
        #expect(only("DC") == part(63..<132))  // Part 3: DC
        #expect(only("DCT") == part(242..<246))  // Part 5: DCT (SGP, KOR, HKG, TWN)
        #expect(only("DCS") == part(132..<242).filter { !part(242..<246).contains($0) })  // Part 4 less Part 5
    }
}
