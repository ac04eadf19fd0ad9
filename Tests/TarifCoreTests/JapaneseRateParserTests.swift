import Testing

@testable import TarifCore

/// Japan's rate text, each form the schedule prints.
struct JapaneseRateParserTests {
    let parser = JapaneseRateParser()
    let yen = Currency.jpy

    func duty(_ text: String, value: Int = 100_000, _ quantities: [String] = []) throws -> Money? {
        let reading = try #require(try parser.parse(text))
        let context = DutyContext(
            currency: yen, customsValue: Money(ExactDecimal(value), yen), quantities: try quantities.map { try Quantity(parsing: $0) })
        if case .amount(let m, _) = try reading.expression.evaluate(in: context) { return m }
        return nil
    }

    @Test(arguments: [
        ("無税", 100_000, [String](), "0"),
        ("12%", 100_000, [], "12000"),
        ("(12%)", 100_000, [], "12000"),
        ("（12％）", 100_000, [], "12000"),
        ("361円/kg", 100_000, ["10kg"], "3610"),
        ("3,289円/kg", 100_000, ["1kg"], "3289"),
        ("170万円/頭", 100_000, ["2item"], "3400000"),
        ("4,800円/足", 100_000, ["2pr"], "9600"),
        ("934円/kl", 100_000, ["2000l"], "1868"),
        ("25%＋63円/kg", 100_000, ["100kg"], "31300"),
        // whichever is higher: 25% of 100,000 = 25,000 against 60 × 100 = 6,000
        ("25%又は60円/kgのうちいずれか高い税率", 100_000, ["100kg"], "25000"),
        ("25%又は60円/kgのうちいずれか高い税率", 1_000, ["100kg"], "6000"),
        // whichever is lower, with a floor on its own line: 21.3% of 10,000 = 2,130 vs 156.80 × 10 = 1,568, floor 93 × 10 = 930
        ("21.3%又は156.80円/lのうちいずれか低い税率\nただしその税率が93円/lを下回る場合は93円/l", 10_000, ["10l"], "1568"),
        ("21.3%又は156.80円/lのうちいずれか低い税率\nただしその税率が93円/lを下回る場合は93円/l", 1_000, ["10l"], "930"),
        // whichever is higher, capped at 50%: 9.3% of 100 = 9.3 vs 7.19 × 10 = 71.9, cap 50
        ("9.3%又は7.19円/kgのうちいずれか高い税率（ただしその税率が50%を上回る場合は50%とする）", 100, ["10kg"], "50"),
        ("◎10% ◆2", 1_000, [], "100"),
        ("*29.8%＋396円/kg", 1_000, ["1kg"], "694"),
    ])
    func readsAndEvaluatesEachForm(_ text: String, _ value: Int, _ quantities: [String], _ expected: String) throws {
        #expect(try duty(text, value: value, quantities)?.amount == ExactDecimal(expected))
    }

    @Test func bracketsAreReported() throws {
        #expect(try parser.parse("(無税)")?.bracketed == true)
        #expect(try parser.parse("12%")?.bracketed == false)
        #expect(try parser.parse("") == nil)
    }

    @Test func conditionalRatesAreAlternativesNamedByTheirGoods() throws {
        let reading = try #require(try parser.parse("関税割当数量以内のもの\u{3000}無税\n関税割当数量以外のもの\u{3000}21.3%"))
        guard case .alternatives(let options) = reading.expression else { Issue.record("not alternatives"); return }
        #expect(options.count == 2)
        guard case .annotated(_, let note) = options[0] else { Issue.record("no condition"); return }
        #expect(note == "関税割当数量以内のもの")
        let context = DutyContext(currency: yen, customsValue: Money(1000, yen), alternative: 1)
        if case .amount(let m, _) = try reading.expression.evaluate(in: context) { #expect(m.amount == ExactDecimal(213)) } else {
            Issue.record("the second alternative did not evaluate")
        }
        // One condition alone is still a condition the user confirms.
        let one = try #require(try parser.parse("特恵輸入対象のもの\u{3000}無税"))
        if case .alternatives(let o) = one.expression { #expect(o.count == 1) } else { Issue.record("a lone condition was applied unconditionally") }
    }

    /// CR LF is one Character in Swift; a cell written with it (7202.11's CPTPP cell) has two rows, not one.
    @Test func rowsSeparatedByCRLFAreTwoRows() throws {
        let cell = "（オーストラリア、カナダ及びニュージーランドに対する待遇）\u{3000}1.1%\r\n（他の締約国に対する待遇）\u{3000}無税"
        #expect(JapaneseRateParser.rows(of: cell).count == 2)
        let reading = try #require(try parser.parse(cell))
        guard case .alternatives(let options) = reading.expression else { Issue.record("not alternatives"); return }
        #expect(options.count == 2)
        let first = JapaneseRateParser.partyDesignations(in: "(オーストラリア、カナダ及びニュージーランドに対する待遇)")
        #expect(first.names == ["オーストラリア", "カナダ", "ニュージーランド"])
        #expect(!first.others)
        #expect(JapaneseRateParser.partyDesignations(in: "（他の締約国に対する待遇）") == ([], true))
        // One condition naming two parties, one quota each.
        let two = JapaneseRateParser.partyDesignations(in: "その他のもので、CSQ-JP6に定める関税割当数量以内のもの（オーストラリアに対する待遇）及びCSQ-JP7に定める関税割当数量以内のもの（カナダに対する待遇）")
        #expect(two.names == ["オーストラリア", "カナダ"])
    }

    @Test func gatePriceFormsAreReferences() throws {
        let reading = try #require(try parser.parse("(73.70円−課税価格)/kg"))
        guard case .reference(let r) = reading.expression else { Issue.record("not a reference"); return }
        #expect(r.kind == .referencePrice)
    }

    @Test(arguments: [
        ("●無税〜3.5%", "sub-items"), ("無税〜(5.5%)", "range"), ("●2.2%又は非譲許", "sub-items"), ("13%又は非譲許 ◆9", "not conceded"),
        ("(一部3.5%)", "part"), ("12ドル", "not a rate"), ("12円/袋", "not a unit"), ("1キログラムにつき、70円に重量比による乳糖の含有率", "not a rate"),
        ("25%又はのうちいずれか高い税率", "not a rate"), ("12%＋＋3%", "sum"),
    ])
    func whatIsNotOneRateIsAnErrorSayingWhy(_ text: String, _ reason: String) {
        #expect {
            _ = try parser.parse(text)
        } throws: { error in
            guard let e = error as? TarifError, e.code == .badRate else { return false }
            return e.message.contains(reason) || e.message.contains("cannot read rate")
        }
    }

    @Test func hostileTextIsBounded() {
        #expect(throws: TarifError.self) { _ = try parser.parse(String(repeating: "無税又は", count: 2_000)) }
        #expect(throws: TarifError.self) { _ = try parser.parse(String(repeating: "(", count: 3_000)) }
    }
}

/// Japan's 9-digit statistical codes.
struct JapaneseCodeTests {
    @Test func nineDigitCodes() throws {
        let code = try TariffCode("0901.21.000")
        #expect(code.length == 9)
        #expect(code.formatted == "0901.21.000")
        #expect(code.digits == "090121000")
        #expect(try TariffCode("090121000") == code)
        #expect(code.parent == (try TariffCode("0901.21")))
        #expect(try TariffCode("0901.21").contains(code))
        #expect(code.hs6 == (try TariffCode("090121")))
        #expect(try TariffCode("1001.11.010").digits == "100111010")
        // A file that stored 10-digit codes as numbers says so.
        #expect(try TariffCode(paddingLostZero: "101210000").digits == "0101210000")
        #expect(try TariffCode(paddingLostZero: "1012100").digits == "01012100")
        #expect(try TariffCode(paddingLostZero: "0101210000").digits == "0101210000")
        #expect(throws: TarifError.self) { try TariffCode("0901.21.0000") }
    }
}
