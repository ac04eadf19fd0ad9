import Testing

@testable import TarifCore

/// Every rate form of the three schedules, on strings taken from them, with the duty computed.
struct DutyExpressionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var dialect: RateDialect
        var text: String
        var currency: Currency
        var value: String?
        var quantities: [String] = []
        var facts: [RateFact.Kind: ExactDecimal] = [:]
        var day: Day? = nil
        var expected: String
        var testDescription: String { text }
    }

    static let d2020_03_01 = Day(year: 2020, month: 3, day: 1)!
    static let d2020_07_01 = Day(year: 2020, month: 7, day: 1)!
    static let d2020_01_15 = Day(year: 2020, month: 1, day: 15)!

    static let cases: [Case] = [
        // Indonesia (BTKI): decimal commas, rupiah specific rates.
        Case(dialect: .btki, text: "5", currency: .idr, value: "1000000", expected: "50000"),
        Case(dialect: .btki, text: "12,5", currency: .idr, value: "1000000", expected: "125000"),
        Case(dialect: .btki, text: "7.5", currency: .idr, value: "1000000", expected: "75000"),
        Case(dialect: .btki, text: "450,-/kg", currency: .idr, value: "1000000000", quantities: ["2000000kg"], expected: "900000000"),
        Case(dialect: .btki, text: "14.000,-/liter", currency: .idr, value: "1", quantities: ["100 l"], expected: "1400000"),
        Case(dialect: .btki, text: "21.450,-/menit", currency: .idr, value: "1", quantities: ["10 min"], expected: "214500"),
        Case(dialect: .btki, text: "11*)", currency: .idr, value: "1000", expected: "110"),
        // UK Global Tariff and EU CET.
        Case(dialect: .ukGlobalTariff, text: "6.8%", currency: .gbp, value: "1000", expected: "68"),
        Case(dialect: .ukGlobalTariff, text: "93.10 GBP / 100 kg", currency: .gbp, quantities: ["500 kg"], expected: "465.5"),
        Case(dialect: .ukGlobalTariff, text: "8.00% + 93.10 GBP / 100 kg", currency: .gbp, value: "1000", quantities: ["200kg"], expected: "266.2"),
        Case(dialect: .ukGlobalTariff, text: "34.00 GBP/100kg", currency: .gbp, quantities: ["1 t"], expected: "340"),
        Case(dialect: .ukGlobalTariff, text: "12.00% MIN 0.40 EUR / 100 kg", currency: .eur, value: "100", quantities: ["1000 kg"], expected: "12"),
        Case(dialect: .ukGlobalTariff, text: "12.00% MIN 0.40 EUR / 100 kg", currency: .eur, value: "10", quantities: ["1000 kg"], expected: "4"),
        Case(dialect: .ukGlobalTariff, text: "6.20% + 27.10 EUR / 100 kg MAX 17.90%", currency: .eur, value: "1000", quantities: ["100 kg"], expected: "89.1"),
        Case(dialect: .ukGlobalTariff, text: "6.20% + 27.10 EUR / 100 kg MAX 17.90%", currency: .eur, value: "1000", quantities: ["1000 kg"], expected: "179"),
        Case(dialect: .ukGlobalTariff, text: "4.50% MIN 0.30 EUR / item MAX 0.80 EUR / item", currency: .eur, value: "1000", quantities: ["10 item"], expected: "8"),
        Case(dialect: .ukGlobalTariff, text: "1.40 GBP / % vol / hl", currency: .gbp, quantities: ["900 l"], facts: [.alcoholStrength: ExactDecimal("13.5")!], expected: "170.1"),
        Case(dialect: .ukGlobalTariff, text: "52.00 EUR / 1,000 items", currency: .eur, quantities: ["2500 item"], expected: "130"),
        Case(dialect: .ukGlobalTariff, text: "15.00% (01 JAN-14 FEB, 16 JUN-31 DEC), 0.00% (15 FEB-15 JUN)", currency: .eur, value: "100", day: d2020_03_01, expected: "0"),
        Case(dialect: .ukGlobalTariff, text: "15.00% (01 JAN-14 FEB, 16 JUN-31 DEC), 0.00% (15 FEB-15 JUN)", currency: .eur, value: "100", day: d2020_07_01, expected: "15"),
        Case(dialect: .ukGlobalTariff, text: "14.00% (01 JUL - 31 JAN), 0.00% (01 FEB - 30 JUN)", currency: .gbp, value: "100", day: d2020_01_15, expected: "14"),
        Case(dialect: .ukGlobalTariff, text: "6.4 + 24.6 EUR/100 kg", currency: .eur, value: "100", quantities: ["100 kg"], expected: "31"),
        // United States HTS.
        Case(dialect: .usHTS, text: "Free", currency: .usd, value: "1000", expected: "0"),
        Case(dialect: .usHTS, text: "6.8¢/kg", currency: .usd, quantities: ["1000kg"], expected: "68"),
        Case(dialect: .usHTS, text: "$1.35/doz.", currency: .usd, quantities: ["24 item"], expected: "2.7"),
        Case(dialect: .usHTS, text: "6.8¢/kg + 5%", currency: .usd, value: "1000", quantities: ["100 kg"], expected: "56.8"),
        Case(dialect: .usHTS, text: "33 1/3%", currency: .usd, value: "300", expected: "100"),
        Case(dialect: .usHTS, text: "$1.32/pf. liter", currency: .usd, quantities: ["100 l"], facts: [.alcoholStrength: 40], expected: "105.6"),
        Case(dialect: .usHTS, text: "37.5¢ each + 45%", currency: .usd, value: "100", quantities: ["10 item"], expected: "48.75"),
        Case(
            dialect: .usHTS,
            text: "3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less than 3.143854¢/kg",
            currency: .usd, quantities: ["1000 kg"], facts: [.polarization: 96], expected: "35.77928"),  // (3.6606 − 4 × 0.020668) ¢/kg × 1000 kg
        Case(
            dialect: .usHTS,
            text: "3.6606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a degree in proportion) but not less than 3.143854¢/kg",
            currency: .usd, quantities: ["1000 kg"], facts: [.polarization: 50], expected: "31.43854"),  // floored at 3.143854 ¢/kg
        Case(dialect: .usHTS, text: "$2/1,000 + 60%", currency: .usd, value: "10", quantities: ["5000 item"], expected: "16"),
    ]

    @Test(arguments: cases)
    func computesTheDuty(_ c: Case) throws {
        let expression = try #require(try DutyExpressionParser(dialect: c.dialect).parse(c.text))
        let context = DutyContext(
            currency: c.currency, customsValue: c.value.map { Money(ExactDecimal($0)!, c.currency) },
            quantities: try c.quantities.map { try Quantity(parsing: $0) }, facts: c.facts, day: c.day)
        let outcome = try expression.evaluate(in: context)
        let money = try #require(outcome.money, "needs: \(outcome)")
        #expect(money.amount == ExactDecimal(c.expected)!, "\(c.text) gave \(money.amount)")
        #expect(money.currency == c.currency)
    }

    @Test func aRateThatNeedsAQuantitySaysWhichOne() throws {
        let rice = try #require(try DutyExpressionParser(dialect: .btki).parse("450,-/kg"))
        let outcome = try rice.evaluate(in: DutyContext(currency: .idr, customsValue: Money(1000, .idr)))
        #expect(outcome == .needs([MissingInput(.quantity, "kg")]))

        let drained = try #require(try DutyExpressionParser(dialect: .usHTS).parse("3.7¢/kg on drained weight"))
        let plainKilos = DutyContext(currency: .usd, quantities: [try Quantity(parsing: "100 kg")])
        #expect(try drained.evaluate(in: plainKilos) == .needs([MissingInput(.quantity, "kg (drained weight)")]))
        let drainedKilos = DutyContext(currency: .usd, quantities: [try Quantity(parsing: "100 kg drained weight")])
        #expect(try drained.evaluate(in: drainedKilos).money == Money(ExactDecimal("3.7")!, .usd))
    }

    @Test func everyMissingInputIsListedAtOnce() throws {
        let compound = try #require(try DutyExpressionParser(dialect: .ukGlobalTariff).parse("10.20% + 93.10 EUR / 100 kg"))
        let outcome = try compound.evaluate(in: DutyContext(currency: .gbp))
        #expect(outcome == .needs([MissingInput(.customsValue, ""), MissingInput(.quantity, "kg"), MissingInput(.exchangeRate, "EUR→GBP")]))
        let withRate = try compound.evaluate(
            in: DutyContext(
                currency: .gbp, customsValue: Money(1000, .gbp), quantities: [try Quantity(parsing: "100 kg")],
                exchangeRates: [.eur: ExactDecimal("0.9")!]))
        #expect(withRate.money?.amount == ExactDecimal("185.79")!)
    }

    @Test func referencesAreParsedAndNeedTheReferencedRate() throws {
        let us = DutyExpressionParser(dialect: .usHTS)
        let accessory = try #require(try us.parse("The rate applicable to the article of which it is a part or accessory"))
        guard case .reference(let r) = accessory else { Issue.record("not a reference: \(accessory)"); return }
        #expect(r.kind == .otherProvision)
        #expect(try accessory.evaluate(in: DutyContext(currency: .usd)) == .needs([MissingInput(.reference, r.text)]))

        let chapter99 = try #require(try us.parse("The duty provided in the applicable subheading + 25%"))
        guard case .sum(let terms) = chapter99 else { Issue.record("not a sum: \(chapter99)"); return }
        #expect(terms.count == 2)
        #expect(terms[1] == .adValorem(Percentage(25), basis: .customsValue))
        // A full stop ending the sentence is punctuation, not part of the rate (2025 Revision 4's 9903.81.87).
        #expect(try us.parse("The duty provided in the applicable subheading + 50%.") == (try us.parse("The duty provided in the applicable subheading + 50%")))
        let content = try #require(try us.parse("The duty provided in the applicable subheading + a duty of 25% upon the value of the aluminum content."))
        guard case .sum(let parts) = content, case .adValorem(let p, .component(let name)) = parts[1] else { Issue.record("not on a component: \(content)"); return }
        #expect(p == Percentage(25) && name.hasSuffix("aluminum content"))

        let ea = try #require(try DutyExpressionParser(dialect: .ukGlobalTariff).parse("9.00% +  EA MAX 18.70%  + ADSZ"))
        let needs = try ea.evaluate(in: DutyContext(currency: .eur, customsValue: Money(100, .eur)))
        #expect(needs == .needs([MissingInput(.reference, "EA"), MissingInput(.reference, "ADSZ")]))

        #expect(try DutyExpressionParser(dialect: .btki).parse("*)") == .reference(DutyReference(.footnote, text: "*)")))
        #expect(try DutyExpressionParser(dialect: .ukGlobalTariff).parse("Entry Price") == .reference(DutyReference(.entryPrice, text: "Entry Price")))
    }

    @Test func alternativesNeedAChoice() throws {
        let ppnbm = try #require(try DutyExpressionParser(dialect: .btki).parse("15*); 20*); 25*); 40*)"))
        guard case .alternatives(let options) = ppnbm else { Issue.record("not alternatives"); return }
        #expect(options.count == 4)
        let context = DutyContext(currency: .idr, customsValue: Money(1000, .idr))
        if case .needs(let m) = try ppnbm.evaluate(in: context) { #expect(m.first?.kind == .alternative) } else { Issue.record("computed without a choice") }
        var chosen = context
        chosen.alternative = 2
        #expect(try ppnbm.evaluate(in: chosen).money?.amount == 250)
    }

    @Test func emptyCellsStateNoRate() throws {
        let p = DutyExpressionParser(dialect: .btki)
        #expect(try p.parse("") == nil)
        #expect(try p.parse("-") == nil)
        #expect(try p.parse("  ") == nil)
    }

    @Test(arguments: ["12 bananas", "5 % on", "abc", "1.2.3%", "+ 5%", "10% MAX"])
    func unreadableRatesAreErrorsThatQuoteTheText(_ text: String) {
        #expect {
            try DutyExpressionParser(dialect: .usHTS).parse(text)
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return e.code == .badRate && e.message.contains(text.trimmingCharacters(in: " "))
        }
    }

    @Test func adValoremEquivalentIsDutyOverValue() {
        let ave = DutyExpression.adValoremEquivalent(duty: Money(900_000_000, .idr), customsValue: Money(1_000_000_000, .idr))
        #expect(ave == 90)
    }
}
