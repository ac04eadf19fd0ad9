import Foundation
import TarifCore
import TarifImport
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// The valuation and the border taxes (TarifRules, no I/O), each case worked by hand.
struct LandedCostTests {
    /// Which US importations are exempt from the MPF, and why: an exempt FTA's SPI among the
    /// applied treatments wins; Jordan's (JO), Morocco's (MA), GSP (A) do not exempt; the origin's
    /// least-developed (A+) or CBERA (E) status does.
    @Test func mpfExemptionByProgramAndOrigin() throws {
        let none: (String) -> Bool = { _ in false }
        #expect(BorderTaxes.mpfExemption(programs: ["S"], origin: try CountryCode("MEX"), eligible: none)?.contains("SPI S") == true)
        #expect(BorderTaxes.mpfExemption(programs: ["A", "AU"], origin: try CountryCode("AUS"), eligible: none)?.contains("SPI AU") == true)
        for spi in ["JO", "MA", "A", "A*", "D", "JP", "C"] {
            #expect(BorderTaxes.mpfExemption(programs: [spi], origin: try CountryCode("JOR"), eligible: none) == nil, "\(spi)")
        }
        #expect(BorderTaxes.mpfExemption(programs: [], origin: try CountryCode("BGD"), eligible: { $0 == "A+" })?.contains("least-developed") == true)
        #expect(BorderTaxes.mpfExemption(programs: [], origin: try CountryCode("JAM"), eligible: { $0 == "E" })?.contains("Caribbean Basin") == true)
        #expect(BorderTaxes.mpfExemption(programs: [], origin: nil, eligible: { _ in true }) == nil)
        // Exempt: the fee is zero whatever the value, formal or informal.
        var inputs = BorderTaxInputs()
        inputs.mpfExemption = "exempt: test"
        for value in [ExactDecimal(1_000), 10_000_000] {
            let items = try BorderTaxes.items(
                importer: .unitedStates, day: day, code: try TariffCode("6109.10.00"),
                valuation: try CustomsValuation.value(of: ConsignmentPrice(amount: value, currency: .usd, incoterm: .fob), importer: .unitedStates, currency: .usd),
                duty: Money(0, .usd), additional: nil,
                scheduleRates: [], inputs: inputs)
            #expect(items.first { $0.key == "mpf" }?.amount == Money(0, .usd))
        }
    }

    let idn = CountryCode.indonesia
    let day = Day(year: 2026, month: 3, day: 1)!

    func price(_ amount: ExactDecimal, _ currency: Currency = .idr, _ term: Incoterm, freight: ExactDecimal? = nil, insurance: ExactDecimal? = nil, fx: ExactDecimal? = nil)
        -> ConsignmentPrice
    {
        ConsignmentPrice(amount: amount, currency: currency, incoterm: term, freight: freight, insurance: insurance, exchangeRate: fx)
    }

    @Test func fobIntoACIFImporterAddsFreightAndInsuranceAfterConversion() throws {
        // (500,000 + 20,000 + 1,500) USD × 16,250 = 8,474,375,000 IDR.
        let v = try CustomsValuation.value(of: price(500_000, .usd, .fob, freight: 20_000, insurance: 1_500, fx: 16_250), importer: idn, currency: .idr)
        #expect(v.basis == "CIF")
        #expect(v.customsValue == Money(8_474_375_000, .idr))
        #expect(v.freight == Money(325_000_000, .idr) && v.insurance == Money(24_375_000, .idr))
        #expect(v.steps.contains { $0.contains("Kurs Menteri Keuangan") })
    }

    @Test func cifIntoAFOBImporterTakesCarriageAway() throws {
        // 10,000 CIF − 800 freight − 50 insurance = 9,150 USD.
        let v = try CustomsValuation.value(of: price(10_000, .usd, .cif, freight: 800, insurance: 50), importer: .unitedStates, currency: .usd)
        #expect(v.basis == "FOB" && v.customsValue == Money(9_150, .usd))
        // CFR takes away freight only.
        let cfr = try CustomsValuation.value(of: price(10_000, .usd, .cfr, freight: 800), importer: .unitedStates, currency: .usd)
        #expect(cfr.customsValue == Money(9_200, .usd))
    }

    @Test(arguments: [
        (Incoterm.fob, nil as ExactDecimal?, ExactDecimal(10) as ExactDecimal?, Currency.idr, nil as ExactDecimal?, "--freight is needed"),
        (Incoterm.fob, ExactDecimal(10), nil, Currency.idr, nil, "--insurance is needed"),
        (Incoterm.cfr, ExactDecimal(10), nil, Currency.idr, nil, "--insurance is needed"),
        (Incoterm.cif, nil, nil, Currency.usd, nil, "--fx USD=RATE is needed"),
        (Incoterm.ddp, nil, nil, Currency.idr, nil, "delivered price"),
        (Incoterm.dap, nil, nil, Currency.idr, nil, "delivered price"),
        (Incoterm.cif, ExactDecimal(-5), nil, Currency.idr, nil, "--freight is negative"),
        (Incoterm.cif, nil, nil, Currency.usd, ExactDecimal(-1), "--fx is negative"),
        (Incoterm.cif, nil, nil, Currency.usd, ExactDecimal(0), "--fx USD=RATE is needed"),
    ])
    func badValuationInputsNameTheField(term: Incoterm, freight: ExactDecimal?, insurance: ExactDecimal?, currency: Currency, fx: ExactDecimal?, words: String) {
        #expect {
            _ = try CustomsValuation.value(of: price(1_000, currency, term, freight: freight, insurance: insurance, fx: fx), importer: idn, currency: .idr)
        } throws: { ($0 as? TarifError)?.message.contains(words) == true }
    }

    @Test func carriageLargerThanTheCIFPriceIsRefused() throws {
        #expect {
            _ = try CustomsValuation.value(of: price(100, .usd, .cif, freight: 90, insurance: 20), importer: .unitedStates, currency: .usd)
        } throws: { ($0 as? TarifError)?.message.contains("exceed") == true }
        #expect(throws: TarifError.self) { _ = try Incoterm(parsing: "FOO") }
        let cif = try Incoterm(parsing: "cif")
        #expect(cif == .cif)
    }

    func valuation(_ importer: CountryCode, _ value: ExactDecimal, _ currency: Currency, freight: ExactDecimal? = nil, insurance: ExactDecimal? = nil) throws -> Valuation {
        let basis = CustomsValuation.basis(of: importer)!.basis
        return try CustomsValuation.value(
            of: price(value, currency, basis == "FOB" ? .fob : .cif, freight: freight, insurance: insurance), importer: importer, currency: currency)
    }

    func rate(_ kind: RateKind, _ text: String) throws -> LineRate {
        LineRate(code: try TariffCode("0901.21"), kind: kind, program: nil, text: text, expression: nil)
    }

    /// Indonesia on 2026-03-01: import value = CIF 100,000,000 + duty 5,000,000 = 105,000,000;
    /// PPN 12% × 11/12 × 105,000,000 = 11,550,000 (PMK 131/2024 Art. 3); PPh 22 with API 2.5% = 2,625,000.
    @Test func indonesiaChargesPPNOnElevenTwelfthsAndPPh22() throws {
        let items = try BorderTaxes.items(
            importer: idn, day: day, code: try TariffCode("0901.21"), valuation: try valuation(idn, 100_000_000, .idr), duty: Money(5_000_000, .idr),
            additional: nil, scheduleRates: [try rate(.vat, "11")], inputs: BorderTaxInputs())
        #expect(items.map(\.key) == ["ppn", "pph22"])
        #expect(items[0].base == Money(96_250_000, .idr) && items[0].amount == Money(11_550_000, .idr))
        #expect(items[1].base == Money(105_000_000, .idr) && items[1].amount == Money(2_625_000, .idr))
        // Without an API: 7.5% = 7,875,000. In 2024: PPN 11% of the whole import value = 11,550,000 too.
        var noAPI = BorderTaxInputs()
        noAPI.importerIdentification = false
        let without = try BorderTaxes.items(
            importer: idn, day: day, code: try TariffCode("0901.21"), valuation: try valuation(idn, 100_000_000, .idr), duty: Money(5_000_000, .idr),
            additional: nil, scheduleRates: [try rate(.vat, "11")], inputs: noAPI)
        #expect(without[1].amount == Money(7_875_000, .idr))
        let in2024 = try BorderTaxes.items(
            importer: idn, day: Day(year: 2024, month: 6, day: 1)!, code: try TariffCode("0901.21"), valuation: try valuation(idn, 100_000_000, .idr),
            duty: Money(5_000_000, .idr), additional: nil, scheduleRates: [try rate(.vat, "11")], inputs: BorderTaxInputs())
        #expect(in2024[0].base == Money(105_000_000, .idr) && in2024[0].rate == "11%" && in2024[0].amount == Money(11_550_000, .idr))
    }

    /// A luxury good: PPN 12% of the full import value and the PPnBM the user picks among those printed.
    /// Import value 210,000,000: PPN 25,200,000; PPnBM 20% = 42,000,000.
    @Test func aLuxuryGoodPaysPPnBMAtTheRateChosenAndPPNOnTheFullValue() throws {
        var inputs = BorderTaxInputs()
        inputs.ppnbmRate = 20
        let items = try BorderTaxes.items(
            importer: idn, day: day, code: try TariffCode("8703.23"), valuation: try valuation(idn, 200_000_000, .idr), duty: Money(10_000_000, .idr),
            additional: nil, scheduleRates: [try rate(.vat, "11"), try rate(.luxuryTax, "15*); 20*); 25*); 40*)")], inputs: inputs)
        #expect(items.map(\.key) == ["ppn", "ppnbm", "pph22"])
        #expect(items[0].amount == Money(25_200_000, .idr))
        #expect(items[1].amount == Money(42_000_000, .idr))
        // Not choosing leaves the PPnBM unknown, and a rate the schedule does not print is refused.
        let open = try BorderTaxes.items(
            importer: idn, day: day, code: try TariffCode("8703.23"), valuation: try valuation(idn, 200_000_000, .idr), duty: Money(10_000_000, .idr),
            additional: nil, scheduleRates: [try rate(.vat, "11"), try rate(.luxuryTax, "15*); 20*); 25*); 40*)")], inputs: BorderTaxInputs())
        #expect(open[1].amount == nil && open[1].notes.contains { $0.contains("--ppnbm") })
        inputs.ppnbmRate = 33
        #expect(throws: TarifError.self) {
            _ = try BorderTaxes.items(
                importer: idn, day: day, code: try TariffCode("8703.23"), valuation: try valuation(idn, 200_000_000, .idr), duty: Money(10_000_000, .idr),
                additional: nil, scheduleRates: [try rate(.luxuryTax, "15*); 20*); 25*); 40*)")], inputs: inputs)
        }
    }

    /// The US on 2026-03-01 (fiscal year 2026): 0.3464% of 5,000 = 17.32, so the floor 33.58;
    /// of 500,000 = 1,732, so the cap 651.50; HMF 0.125% = 6.25 and 625; an air shipment pays no HMF;
    /// 2,000 is an informal entry at 2.69. On 2025-06-01 (fiscal year 2025) the floor is 32.71.
    @Test func theUSMerchandiseProcessingFeeHasItsFloorAndCapAndHMFIsForSeaShipments() throws {
        func items(_ value: ExactDecimal, _ day: Day, transport: BorderTaxInputs.Transport = .sea) throws -> [String: Money?] {
            var inputs = BorderTaxInputs()
            inputs.transport = transport
            let list = try BorderTaxes.items(
                importer: .unitedStates, day: day, code: try TariffCode("6109.10.00"), valuation: try valuation(.unitedStates, value, .usd),
                duty: Money(0, .usd), additional: nil, scheduleRates: [], inputs: inputs)
            return Dictionary(uniqueKeysWithValues: list.map { ($0.key, $0.amount) })
        }
        #expect(try items(5_000, day) == ["mpf": Money(ExactDecimal(significand: 3358, scale: 2), .usd), "hmf": Money(ExactDecimal(significand: 625, scale: 2), .usd)])
        #expect(try items(500_000, day) == ["mpf": Money(ExactDecimal(significand: 65150, scale: 2), .usd), "hmf": Money(625, .usd)])
        #expect(try items(100_000, day)["mpf"] == Money(ExactDecimal(significand: 34640, scale: 2), .usd))
        #expect(try items(5_000, day, transport: .air).keys.sorted() == ["mpf"])
        #expect(try items(2_000, day, transport: .air)["mpf"] == Money(ExactDecimal(significand: 269, scale: 2), .usd))
        #expect(try items(5_000, Day(year: 2025, month: 6, day: 1)!)["mpf"] == Money(ExactDecimal(significand: 3271, scale: 2), .usd))
    }

    /// Japan, food: base 1,075,000 yen; national 6.24% = 67,080, down to 67,000; local 22/78 of it
    /// = 18,897.4, down to 18,800. Not food (10%): 7.8% of 1,075,000 = 83,850 → 83,800; local 23,635.8 → 23,600.
    @Test func japanChargesTheReducedRateOnFoodWithItsRounding() throws {
        func items(_ code: String, food: Bool? = nil) throws -> [LandedItem] {
            var inputs = BorderTaxInputs()
            inputs.food = food
            return try BorderTaxes.items(
                importer: try CountryCode("JPN"), day: Day(year: 2026, month: 8, day: 1)!, code: try TariffCode(code),
                valuation: try valuation(try CountryCode("JPN"), 1_000_000, .jpy), duty: Money(75_000, .jpy), additional: nil, scheduleRates: [], inputs: inputs)
        }
        let coffee = try items("0901.21.000")
        #expect(coffee.map(\.amount) == [Money(67_000, .jpy), Money(18_800, .jpy)])
        let whisky = try items("2208.30.000")
        #expect(whisky.map(\.amount) == [Money(83_800, .jpy), Money(23_600, .jpy)])
        #expect(try items("0901.21.000", food: false).map(\.amount) == whisky.map(\.amount))
        let (water, cattle, beer) = (try TariffCode("2202.10"), try TariffCode("0102.21"), try TariffCode("2203.00"))
        #expect(BorderTaxes.isFood(water) && !BorderTaxes.isFood(cattle) && !BorderTaxes.isFood(beer))
    }

    /// Australia: GST 10% of the value of the taxable importation = 20,000 + 1,500 + 100 + duty 800 = 22,400 → 2,240.
    @Test func australiaChargesGSTOnTheValueOfTheTaxableImportation() throws {
        let aus = try CountryCode("AUS")
        let items = try BorderTaxes.items(
            importer: aus, day: Day(year: 2026, month: 8, day: 1)!, code: try TariffCode("0403.20.10"),
            valuation: try valuation(aus, 20_000, .aud, freight: 1_500, insurance: 100), duty: Money(800, .aud), additional: nil, scheduleRates: [],
            inputs: BorderTaxInputs())
        #expect(items.count == 1 && items[0].base == Money(22_400, .aud) && items[0].amount == Money(2_240, .aud))
        #expect {
            _ = try BorderTaxes.items(
                importer: aus, day: Day(year: 2026, month: 8, day: 1)!, code: try TariffCode("0403.20.10"), valuation: try valuation(aus, 20_000, .aud),
                duty: Money(800, .aud), additional: nil, scheduleRates: [], inputs: BorderTaxInputs())
        } throws: { ($0 as? TarifError)?.message.contains("--freight and --insurance are needed") == true }
    }

    /// The UK: VAT 20% of customs value + duty (+ incidental costs when given): (10,000 + 1,200 + 300) × 20% = 2,300;
    /// a zero-rated good (--vat-rate 0) pays none.
    @Test func theUKChargesVATOnValuePlusDuty() throws {
        var inputs = BorderTaxInputs()
        inputs.incidentalCosts = 300
        let items = try BorderTaxes.items(
            importer: .unitedKingdom, day: day, code: try TariffCode("6109.10.00"), valuation: try valuation(.unitedKingdom, 10_000, .gbp),
            duty: Money(1_200, .gbp), additional: nil, scheduleRates: [], inputs: inputs)
        #expect(items.count == 1 && items[0].base == Money(11_500, .gbp) && items[0].amount == Money(2_300, .gbp))
        inputs.vatRate = 0
        let zero = try BorderTaxes.items(
            importer: .unitedKingdom, day: day, code: try TariffCode("1905.90"), valuation: try valuation(.unitedKingdom, 10_000, .gbp),
            duty: Money(1_200, .gbp), additional: nil, scheduleRates: [], inputs: inputs)
        #expect(zero[0].amount == Money(0, .gbp))
    }
}

/// The worked examples of the issue over the real schedules, as `tarif landed` answers them.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct LandedCostRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    /// Rice from Viet Nam into Indonesia, FOB USD 500,000 + freight 20,000 + insurance 1,500 at 16,250:
    /// CIF 8,474,375,000 IDR; duty 450 × 2,000,000 kg = 900,000,000; import value 9,374,375,000;
    /// the schedule prints no PPN for rice (0); PPh 22 2.5% = 234,359,375; total 1,134,359,375 (13.39%).
    @Test func riceFromVietNamIntoIndonesia() throws {
        let a = try tarif().landed(
            importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("1006.30.99"), on: Day(year: 2026, month: 3, day: 1)!,
            price: ConsignmentPrice(amount: 500_000, currency: .usd, incoterm: .fob, freight: 20_000, insurance: 1_500, exchangeRate: 16_250),
            quantities: [try Quantity(parsing: "2000000kg")])
        #expect(a.valuation.customsValue == Money(8_474_375_000, .idr))
        #expect(a.items.map(\.key) == ["duty", "ppn", "pph22"])
        #expect(a.items[0].amount == Money(900_000_000, .idr))
        #expect(a.items[1].amount == Money(0, .idr))
        #expect(a.items[2].amount == Money(234_359_375, .idr))
        #expect(a.total == Money(1_134_359_375, .idr))
        #expect(a.shareOfValue == ExactDecimal(significand: 1339, scale: 2))
        #expect(a.indonesian.contains("Bea masuk") && a.indonesian.contains("PPh Pasal 22") && !a.indonesian.contains("the "))
        // Without the quantity the per-kilogram duty cannot be computed: the error says what to give.
        #expect {
            _ = try tarif().landed(
                importer: .indonesia, origin: try CountryCode("VNM"), code: try TariffCode("1006.30.99"), on: Day(year: 2026, month: 3, day: 1)!,
                price: ConsignmentPrice(amount: 500_000, currency: .usd, incoterm: .cif, exchangeRate: 16_250))
        } throws: { ($0 as? TarifError)?.message.contains("--quantity") == true }
    }

    /// T-shirts from the US into the UK, CIF 10,000 GBP: duty 12% = 1,200; VAT 20% of 11,200 = 2,240; total 3,440.
    @Test func aUKImportWithVAT() throws {
        let a = try tarif().landed(
            importer: .unitedKingdom, origin: .unitedStates, code: try TariffCode("6109.10.00"), on: Day(year: 2026, month: 3, day: 1)!,
            price: ConsignmentPrice(amount: 10_000, currency: .gbp, incoterm: .cif))
        #expect(a.items.map(\.amount) == [Money(1_200, .gbp), Money(2_240, .gbp)])
        #expect(a.total == Money(3_440, .gbp))
    }

    /// Coffee from Indonesia into Japan, CIF 1,000,000 yen: RCEP 7.5% = 75,000; the reduced consumption
    /// tax 67,000 + 18,800 (see LandedCostTests); total 160,800.
    @Test func aJapaneseFoodImportAtTheReducedRate() throws {
        let a = try tarif().landed(
            importer: try CountryCode("JPN"), origin: .indonesia, code: try TariffCode("0901.21.000"), on: Day(year: 2026, month: 8, day: 1)!,
            price: ConsignmentPrice(amount: 1_000_000, currency: .jpy, incoterm: .cif))
        #expect(a.items.map(\.amount) == [Money(75_000, .jpy), Money(67_000, .jpy), Money(18_800, .jpy)])
        #expect(a.total == Money(160_800, .jpy))
    }

    /// Yogurt from Brazil into Australia, FOB 20,000 + freight 1,500 + insurance 100: duty 4% = 800;
    /// GST 10% of 22,400 = 2,240; total 3,040.
    @Test func anAustralianImportWithGSTOnTheValueOfTheTaxableImportation() throws {
        let a = try tarif().landed(
            importer: try CountryCode("AUS"), origin: try CountryCode("BRA"), code: try TariffCode("0403.20.10"), on: Day(year: 2026, month: 8, day: 1)!,
            price: ConsignmentPrice(amount: 20_000, currency: .aud, incoterm: .fob, freight: 1_500, insurance: 100))
        #expect(a.items.map(\.amount) == [Money(800, .aud), Money(2_240, .aud)])
        #expect(a.total == Money(3_040, .aud))
    }

    /// A US sea shipment: the items after the duty are the MPF at its floor and the HMF, and the
    /// total is the sum of every item, the chapter 99 layers included.
    @Test func aUSSeaShipmentWithMPFAndHMF() throws {
        let a = try tarif().landed(
            importer: .unitedStates, origin: .unitedKingdom, code: try TariffCode("6109.10.00"), on: Day(year: 2026, month: 3, day: 1)!,
            price: ConsignmentPrice(amount: 5_000, currency: .usd, incoterm: .fob))
        let byKey = Dictionary(uniqueKeysWithValues: a.items.map { ($0.key, $0.amount) })
        #expect(byKey["mpf"] == Money(ExactDecimal(significand: 3358, scale: 2), .usd))
        #expect(byKey["hmf"] == Money(ExactDecimal(significand: 625, scale: 2), .usd))
        let sum = try a.items.reduce(ExactDecimal(0)) { (s, i) throws(TarifError) in try s + i.amount!.amount }
        #expect(a.total == Money(sum, .usd))
    }

    /// The MPF exemptions of 19 CFR 24.23(c): T-shirts of Mexico entered under USMCA (SPI S) and
    /// of Korea under KORUS pay no MPF; of Haiti (a CBERA beneficiary) neither, though the duty is
    /// MFN; of Viet Nam the fee is due (0.3464% of 50,000 = 173.20 USD, between floor and cap).
    @Test func theMPFExemptions() throws {
        func mpf(_ origin: String) throws -> LandedItem {
            let a = try tarif().landed(
                importer: .unitedStates, origin: try CountryCode(origin), code: try TariffCode("6109.10.00"), on: Day(year: 2026, month: 3, day: 1)!,
                price: ConsignmentPrice(amount: 50_000, currency: .usd, incoterm: .fob))
            return try #require(a.items.first { $0.key == "mpf" })
        }
        for (origin, why) in [("MEX", "SPI S"), ("KOR", "SPI KR"), ("HTI", "Caribbean Basin")] {
            let item = try mpf(origin)
            #expect(item.amount == Money(0, .usd) && item.rate == "exempt", "\(origin)")
            #expect(item.notes.first?.contains(why) == true, "\(origin): \(item.notes)")
        }
        let due = try mpf("VNM")
        #expect(due.amount == Money(ExactDecimal(significand: 17320, scale: 2), .usd) && due.notes.contains { $0.hasPrefix("due") })
    }
}

/// Indonesia's bea keluar: where the goods leave Indonesia and the BTKI marks their HS
/// subheading's lines with '*)', the answer says so, outside the importer's total.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct ExportDutyRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }
    let day = Day(year: 2026, month: 3, day: 1)!

    @Test func crudePalmOilLeavingIndonesiaIsMarked() throws {
        let cpo = try tarif().landed(
            importer: try CountryCode("GBR"), origin: .indonesia, code: try TariffCode("1511.10.10"), on: day,
            price: ConsignmentPrice(amount: 10_000, currency: try Currency("GBP"), incoterm: .cif))
        let mark = try #require(cpo.exportDuty)
        #expect(mark.lines.map(\.formatted) == ["1511.10.00"] && mark.everyLine && mark.mark == "*)")
        #expect(mark.legalBasis.contains("PMK 39/PMK.010/2022") && mark.legalBasis.contains("PP 55/2008"))
        #expect(cpo.notes.contains(mark.note) && mark.noteIndonesian.contains("bea keluar"))
        // Outside the total: the UK's VAT on 10,000 is the whole of it.
        #expect(cpo.total == Money(2_000, try Currency("GBP")))
    }

    @Test func onlyTheMarkedLinesOfASubheadingAreNamed() throws {
        // 1207.99: 1207.99.50 (fresh fruit bunches of oil palm) and .90 are marked, .40 is not.
        let mark = try #require(try tarif().exportDuty(exporter: .indonesia, code: try TariffCode("1207.99.90"), on: day))
        #expect(mark.lines.map(\.formatted) == ["1207.99.50", "1207.99.90"] && !mark.everyLine)
        #expect(mark.note.contains("of 3 lines under 1207.99"))
    }

    @Test func noMarkNoExportDuty() throws {
        let t = try tarif()
        // Coffee is not marked; goods of Viet Nam have no exporter's schedule; goods of Indonesia into Indonesia leave nowhere.
        #expect(try t.exportDuty(exporter: .indonesia, code: try TariffCode("0901.21.00"), on: day) == nil)
        #expect(try t.exportDuty(exporter: try CountryCode("VNM"), code: try TariffCode("1511.10.00"), on: day) == nil)
        let home = try t.landed(
            importer: .indonesia, origin: .indonesia, code: try TariffCode("1511.10.00"), on: day,
            price: ConsignmentPrice(amount: 1_000_000, currency: .idr, incoterm: .cif))
        #expect(home.exportDuty == nil)
    }
}

/// `tarif landed --batch`: each consignment of a file with its total, as the single answer gives it.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct LandedBatchTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    func run(_ csv: String) throws -> (rows: [[String]], summary: LandedBatch.Summary) {
        let t = try tarif()
        let path = try TestData.fixture("consignments.csv", csv)
        var out = ""
        let summary = try LandedBatch(tarif: t, registry: try t.registry(), defaultDay: Day(year: 2026, month: 3, day: 1)!).run(path: path) { out += $0 }
        let reader = try CSVReader(source: try ByteSource(path: try TestData.fixture("out.csv", out), hashing: false))
        #expect(reader.header.joined(separator: ",") == LandedBatch.outputHeader)
        var rows: [[String]] = []
        while let r = try reader.next() { rows.append(r.fields) }
        return (rows, summary)
    }

    /// Each row's total equals the single landed cost of the same consignment; the rice row is
    /// the hand-computed example (1,134,359,375 IDR); a row's error names its line and column
    /// and the other rows go on; the summary adds the totals by currency.
    @Test func eachRowHasTheTotalOfItsConsignment() throws {
        let (rows, summary) = try run(
            """
            importer,origin,code,on,value,currency,fx,incoterm,freight,insurance,quantity,api
            IDN,VNM,1006.30.99,2026-03-01,500000,USD,16250,FOB,20000,1500,2000000kg,
            IDN,VNM,1006.30.99,2026-03-01,500000,USD,16250,FOB,20000,1500,2000000kg,no
            IDN,VNM,1006.30.99,,500000,USD,,FOB,20000,1500,2000000kg,
            GBR,IDN,0901.21.00,2026-03-01,10000,,,CIF,,,,
            USA,VNM,6109.10.00,2026-03-01,50000,,,FOB,,,,
            IDN,VNM,1006.30.99,2026-03-01,500000,USD,16250,FOB,,1500,2000000kg,
            IDN,VNM,1006.30.99,2026-03-01,500000,USD,16250,FOB,20000,1500,2 furlongs,
            ZZZ,VNM,1006.30.99,2026-03-01,1,,,,,,,

            """)
        let col = Dictionary(uniqueKeysWithValues: LandedBatch.outputHeader.split(separator: ",").enumerated().map { (String($1), $0) })
        #expect(rows.count == 8 && summary.rows == 8 && summary.computed == 4 && summary.failed == 4)
        let rice = rows[0]
        #expect(rice[col["total"]!] == "1134359375.00" && rice[col["duty"]!] == "900000000.00" && rice[col["taxes_and_fees"]!] == "234359375.00")
        #expect(rice[col["customs_value"]!] == "8474375000.00" && rice[col["share_pct"]!] == "13.39" && rice[col["error"]!].isEmpty)
        #expect(rice[col["items"]!] == "duty=900000000.00;ppn=0.00;pph22=234359375.00")
        // Without an API: PPh 22 at 7.5% of 9,374,375,000 = 703,078,125.
        #expect(rows[1][col["taxes_and_fees"]!] == "703078125.00" && rows[1][col["total"]!] == "1603078125.00")
        #expect(rows[2][col["error"]!].contains(":4 (fx)") && rows[2][col["total"]!].isEmpty)
        #expect(rows[5][col["error"]!].contains(":7 (freight)"), "\(rows[5])")
        #expect(rows[6][col["error"]!].contains(":8 (quantity)"), "\(rows[6])")
        #expect(rows[7][col["error"]!].contains(":9 (importer)"), "\(rows[7])")
        // The UK and US rows equal their single answers.
        let t = try tarif()
        let uk = try t.landed(
            importer: try CountryCode("GBR"), origin: .indonesia, code: try TariffCode("0901.21.00"), on: Day(year: 2026, month: 3, day: 1)!,
            price: ConsignmentPrice(amount: 10_000, currency: try Currency("GBP"), incoterm: .cif))
        #expect(rows[3][col["total"]!] == uk.total?.roundedToMinorUnit.amount.description)
        let us = try t.landed(
            importer: .unitedStates, origin: try CountryCode("VNM"), code: try TariffCode("6109.10.00"), on: Day(year: 2026, month: 3, day: 1)!,
            price: ConsignmentPrice(amount: 50_000, currency: .usd, incoterm: .fob))
        #expect(rows[4][col["total"]!] == us.total?.roundedToMinorUnit.amount.description)
        #expect(rows[4][col["additional_duties"]!] == (us.items.first { $0.key == "additional-duties" }?.amount?.roundedToMinorUnit.amount.description ?? ""))
        // Totals by currency: the two rice rows, the UK row, the US row.
        #expect(summary.totals[.idr] == ExactDecimal(1_134_359_375 + 1_603_078_125))
        #expect(summary.totals[try Currency("GBP")] == uk.total?.amount && summary.totals[.usd] == us.total?.amount)
    }

    /// A file the batch cannot read is refused before any row is written: an unknown (misspelt)
    /// column, a required one missing, a column twice, a row with too many fields.
    @Test func aBadFileIsRefusedNamingWhatIsWrong() throws {
        for (csv, words) in [
            ("importer,line,value,frieght\nIDN,1006.30.99,5,1\n", "unknown column(s) 'frieght'"),
            ("importer,value\nIDN,5\n", "lacks column(s) line"),
            ("importer,line,code,value\nIDN,1006.30.99,1006.30.99,5\n", "named twice"),
            ("importer,line,value\nIDN,1006.30.99,5,7\n", "the row has 4 fields"),
        ] {
            var written = ""
            let t = try tarif()
            let error = #expect(throws: TarifError.self) {
                _ = try LandedBatch(tarif: t, registry: try t.registry(), defaultDay: Day(year: 2026, month: 3, day: 1)!)
                    .run(path: try TestData.fixture("bad.csv", csv)) { written += $0 }
            }
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
            if !csv.contains("5,7") { #expect(written.isEmpty, "nothing written before the header is checked") }
        }
    }
}
