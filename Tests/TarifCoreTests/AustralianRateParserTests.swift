import Testing

@testable import TarifCore

/// Australia's rate text as the Working Tariff prints it, each form worked by hand.
struct AustralianRateParserTests {
    let parser = AustralianRateParser()

    func duty(_ text: String, value: Int = 10_000, _ quantities: [String] = [], strength: ExactDecimal? = nil) throws -> Money? {
        let expression = try #require(try parser.parse(text))
        let context = DutyContext(
            currency: .aud, customsValue: Money(ExactDecimal(value), .aud), quantities: try quantities.map { try Quantity(parsing: $0) },
            facts: strength.map { [.alcoholStrength: $0] } ?? [:])
        if case .amount(let m, _) = try expression.evaluate(in: context) { return m }
        return nil
    }

    @Test(arguments: [
        ("Free", 10_000, [String](), "0"),
        ("5%", 10_000, [], "500"),
        ("3.75%", 10_000, [], "375"),
        // $0.526 per litre on 1,000 l
        ("$0.526/L", 10_000, ["1000l"], "526"),
        ("$0.526\t/L", 10_000, ["1000l"], "526"),
        // $1.52829 per stick on 200 sticks = 305.658
        ("$1.52829/stick", 10_000, ["200item"], "305.658"),
        // $12,000 each on 2 items
        ("$12,000 each", 10_000, ["2item"], "24000"),
        // 5% of 10,000 = 500, plus $0.526/L on 100 l = 52.6 → 552.6
        ("5%, and $0.526/L", 10_000, ["100l"], "552.6"),
        // the lower of 5% of 10,000 = 500 and $0.45/kg TSS on 2,000 kg = 900 → 500
        ("5%, or, if lower, $0.45/kg TSS", 10_000, ["2000kg total soluble solids"], "500"),
        // a blend of gasoline and ethanol: $0.526 on each of its 1,000 litres
        ("$0.526/L of gasoline plus $0.526/L of ethanol plus $0.526/L of other substances (if any) in the blend", 10_000, ["1000l"], "526"),
    ])
    func readsAndEvaluatesEachForm(_ text: String, _ value: Int, _ quantities: [String], _ expected: String) throws {
        #expect(try duty(text, value: value, quantities)?.amount == ExactDecimal(expected))
    }

    /// `$107.99/L of alcohol` is per litre of pure alcohol: 10 l of 40 % vol spirit hold
    /// 4 l of alcohol, 4 × 107.99 = 431.96.
    @Test func aLitreOfAlcoholIsTheGoodsTimesTheirStrength() throws {
        #expect(try duty("$107.99/L of alcohol", ["10l"], strength: 40)?.amount == ExactDecimal("431.96"))
        // Without the strength the evaluator asks for it rather than guess.
        let expression = try #require(try parser.parse("$107.99/L of alcohol"))
        let outcome = try expression.evaluate(in: DutyContext(currency: .aud, quantities: [try Quantity(parsing: "10l")]))
        if case .amount = outcome { Issue.record("charged without the alcoholic strength") }
    }

    /// Beer pays only on the alcohol above 1.15 % vol: 100 l at 4.9 % vol hold
    /// 100 × (4.9 − 1.15) / 100 = 3.75 l that count, × 10.57 = 39.6375; a 1 % beer pays nothing.
    @Test func beerPaysOnTheAlcoholAboveOnePointOneFive() throws {
        let beer = "$10.57\t/L of alcohol, calculated on that alcohol content by which the percentage by volume of alcohol of the goods exceeds 1.15"
        #expect(try duty(beer, ["100l"], strength: ExactDecimal("4.9")!)?.amount == ExactDecimal("39.6375"))
        #expect(try duty(beer, ["100l"], strength: 1)?.amount == .zero)
    }

    func duty(_ text: String, _ quantities: [String], strength: ExactDecimal) throws -> Money? {
        try duty(text, value: 0, quantities, strength: strength)
    }

    @Test func entitiesZeroWidthAndNoBreakSpacesAreCleaned() {
        #expect(AustralianRateParser.clean("From 1&#160;January 2022&#58; 1.2%") == "From 1 January 2022: 1.2%")
        #expect(AustralianRateParser.clean("\u{200B}Free\u{200B}\u{200B}") == "Free")
        #expect(AustralianRateParser.clean("$0.142\u{200B}/kg") == "$0.142/kg")
        #expect(AustralianRateParser.clean("A &amp; B &#x3A; &bogus; &#99999999;") == "A & B : &bogus; &#99999999;")
    }

    @Test func aCellSplitsIntoGeneralAndSpecialRatesByClass() throws {
        let p = try parser.phases("5% DCS4% CAFree DCT5%")
        #expect(p.count == 1)
        #expect(p[0].general == "5%")
        #expect(p[0].special.map(\.classes) == [["DCS"], ["CA"], ["DCT"]])
        #expect(p[0].special.map(\.text) == ["4%", "Free", "5%"])
        let spaced = try parser.phases("5% DCS 4% DCT 5%")
        #expect(spaced[0].special.map(\.text) == ["4%", "5%"])
        let excise = try parser.phases("5%, and $107.99/L of alcohol NZ/PG/FI/DC/LDC/SG $107.99/L of alcohol DCS3%, and $107.99/L of alcohol")
        #expect(excise[0].general == "5%, and $107.99/L of alcohol")
        #expect(excise[0].special[0].classes == ["NZ", "PG", "FI", "DC", "LDC", "SG"])
        #expect(excise[0].special[1].text == "3%, and $107.99/L of alcohol")
        // "TSS" is a quantity, not a class: nothing follows it.
        #expect(try parser.phases("5%, or, if lower, $0.45/kg TSS")[0].special.isEmpty)
        #expect(try parser.phases("5% MYFree")[0].special.map(\.classes) == [["MY"]])
        #expect(try parser.phases("$1.220/kg DC$1.220/kg, less 5%")[0].special.map(\.text) == ["$1.220/kg, less 5%"])
    }

    @Test func phasedCellsKeepEachStageWithItsDay() throws {
        let p = try parser.phases("5% CAFree From1July2018 3.75% CA Free From1July2019 Free")
        #expect(p.map(\.from) == [nil, Day(year: 2018, month: 7, day: 1), Day(year: 2019, month: 7, day: 1)])
        #expect(p.map(\.general) == ["5%", "3.75%", "Free"])
        #expect(p[1].special.map(\.classes) == [["CA"]])
        // The year runs into the rate: 2017 then 3.75%.
        let glued = try parser.phases("From1January20173.75% From 1 July 20172.5% From1July20181.25% From 1July 2019Free")
        #expect(glued.map(\.general) == ["3.75%", "2.5%", "1.25%", "Free"])
        #expect(glued.first?.from == Day(year: 2017, month: 1, day: 1))
        // The scrape's misspelling of February is read.
        #expect(try AustralianRateParser.leadingDate("From 11 Feburary 2020: 2.8%")?.day == Day(year: 2020, month: 2, day: 11))
    }

    @Test(arguments: [
        "From 31 Foo 2023: 4%", "From 31 February 2023: 4%", "From May 2023: 4%", "From 1 May 20: 4%",
    ])
    func aBadDayIsAnError(_ text: String) {
        #expect(throws: TarifError.self) { try parser.phases(text) }
    }

    @Test(arguments: [
        "$0.526/L of gasoline plus", "$1.220/kg, less 5%", "$0.526/L of gasoline plus $0.6/L of ethanol in the blend", "5 percent", "$/kg", "$1/bushel", "$1/L of water", "-5%",
        "$10.57/L, calculated on that alcohol content by which the percentage by volume of alcohol of the goods exceeds 1.15",
        "$10.57/L of alcohol, calculated on that alcohol content by which the percentage by volume of alcohol of the goods exceeds lots",
    ])
    func whatIsNotOneRateIsAnErrorThatSaysWhy(_ text: String) {
        do {
            _ = try parser.parse(text)
            Issue.record("'\(text)' was read")
        } catch {
            #expect((error as? TarifError)?.message.isEmpty == false)
        }
    }

    @Test func hostileCellsAreBounded() throws {
        let long = String(repeating: "5% DCS4% ", count: 1_000)
        #expect(throws: TarifError.self) { try parser.phases(long) }
        #expect(throws: TarifError.self) { try parser.parse(String(repeating: "9", count: 5_000) + "%") }
        // Many classes and dates in a cell under the bound: read, in linear time.
        let many = "5%" + String(repeating: " From 1 July 2019 Free", count: 150)
        #expect((try? parser.phases(many))?.count == 151)
    }
}
