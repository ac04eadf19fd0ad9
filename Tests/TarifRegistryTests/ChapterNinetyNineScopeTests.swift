import TarifCore
import TarifRules
import Testing

/// The chapter 99 country headings decided by their exceptions and the scope lists, on fixture
/// headings written like the HTSUS's (subchapter III, 2025).
@Suite struct ChapterNinetyNineScopeTests {
    static func code(_ s: String) -> TariffCode { try! TariffCode(s) }
    static func day(_ s: String) -> Day { try! Day(iso: s) }

    static func heading(
        _ c: String, _ text: String, add: String? = nil, origins: [String] = [], list: String? = nil
    ) -> AdditionalDuty {
        let line = TariffLine(code: code(c), indent: 0, descriptionEnglish: text, descriptionLocal: "")
        var rates: [LineRate] = []
        let rateText = add.map { "The duty provided in the applicable subheading + \($0)" } ?? "The duty provided in the applicable subheading"
        if let e = try? DutyExpressionParser(dialect: .usHTS).parse(rateText) {
            rates.append(LineRate(code: code(c), kind: .mfn, text: rateText, expression: e))
        }
        var d = AdditionalDuty.parse(line: line, rates: rates, legalSource: "HTSUS", country: { name in
            ["Indonesia": "IDN", "Canada": "CAN", "Viet Nam": "VNM", "Trinidad and Tobago": "TTO"][name].map { try! CountryCode($0) }
        })!
        if !origins.isEmpty { d.origins = origins.map { try! CountryCode($0) } }
        d.productList = list
        return d
    }

    static let baseline = heading(
        "9903.01.25",
        "Articles the product of any country, except for products described in headings 9903.01.26–9903.01.33, 9903.02.02–9903.02.91, and except as provided for in headings 9903.01.34 and 9903.02.01, as provided for in subdivision (v) of U.S. note 2 to this subchapter",
        add: "10%")
    static let indonesia = heading(
        "9903.02.27",
        "Except for goods loaded onto a vessel at the port of loading and in transit on the final mode of transit before 12:01 a.m. eastern daylight time on August 7, 2025, and entered for consumption before 12:01 a.m. eastern daylight time on October 5, 2025, except for products described in headings 9903.01.30-9903.01.33, and except as provided for in headings 9903.01.34 and 9903.02.01, articles the product of Indonesia, as provided for in subdivision (v) of U.S. note 2 to this subchapter",
        add: "19%")
    static let headings: [AdditionalDuty] = [
        baseline, indonesia,
        heading("9903.01.26", "Articles the product of Canada, as provided for in subdivision (v)(iv) of U.S. note 2 to this subchapter"),
        heading("9903.01.30", "Articles that are donations, by persons subject to the jurisdiction of the United States, such as food, clothing, and medicine"),
        heading("9903.01.32", "Articles the product of any country, classified in the subheadings enumerated in subdivision (v)(iii) of U.S. note 2 to this subchapter", list: "annex-ii"),
        heading("9903.01.33", "Articles of iron or steel, derivative articles of iron or steel, of any country, as provided in subdivisions (v)(vi)", list: "section-232"),
        heading("9903.01.34", "The U.S. content of articles the product of any country, in which the U.S. content of the article provides at least 20 percent of the Customs value"),
        heading("9903.02.01", "Articles the product of any country determined by U.S. Customs and Border Protection to have been transshipped to evade applicable duties", add: "40%"),
        heading("9903.02.62", "Except for products described in headings 9903.01.30-9903.01.33, articles the product of Trinidad and Tobago, as provided for in subdivision (v) of U.S. note 2", add: "15%"),
    ]

    func decide(
        _ h: AdditionalDuty, origin: String, on d: String, scope: Chapter99Scope = Chapter99Scope(), usmca: Bool = false
    ) -> ChapterNinetyNineScope.Outcome {
        ChapterNinetyNineScope(headings: Self.headings, scope: scope, origin: try! CountryCode(origin), day: Self.day(d), appliedKind: .mfn, usmca: usmca)
            .decide(h)
    }

    @Test func theTextsExceptionsAndCountriesAreRead() {
        #expect(Self.baseline.anyCountry && Self.baseline.origins.isEmpty)
        #expect(Self.baseline.exceptions.map(\.description) == ["9903.01.26–9903.01.33", "9903.02.02–9903.02.91", "9903.01.34", "9903.02.01"])
        #expect(Self.indonesia.origins.map(\.rawValue) == ["IDN"] && !Self.indonesia.anyCountry)
        #expect(Self.indonesia.exceptions.map(\.description) == ["9903.01.30–9903.01.33", "9903.01.34", "9903.02.01"])
        // Its own in-transit exception dates the heading; it is not a condition of the goods.
        #expect(Self.indonesia.effectiveFrom == Self.day("2025-08-07") && Self.indonesia.condition == nil)
        #expect(Self.headings[3].condition?.hasPrefix("donations") == true)
        #expect(Self.headings[7].condition?.contains("transshipped") == true)
        // A name with "and" in it is one country.
        #expect(Self.headings[8].origins.map(\.rawValue) == ["TTO"])
        // "Any country identified in general note 3(b)" is not any country.
        #expect(!Self.heading("9903.82.12", "Derivative articles the product of any country identified in general note 3(b)", add: "25%").anyCountry)
    }

    @Test func aCountrysOwnHeadingReplacesTheBaseline() {
        let base = decide(Self.baseline, origin: "IDN", on: "2025-09-01")
        #expect(base.applies == false && base.reason.contains("9903.02.27 covers goods of IDN"))
        let own = decide(Self.indonesia, origin: "IDN", on: "2025-09-01")
        #expect(own.applies == true)
        #expect(own.assumptions.contains { $0.hasPrefix("not donations") })
        // A country with no heading of its own pays the baseline; Canada's heading excepts its goods.
        #expect(decide(Self.baseline, origin: "VNM", on: "2025-09-01").applies == true)
        #expect(decide(Self.baseline, origin: "CAN", on: "2025-09-01").reason.contains("9903.01.26 covers goods of CAN"))
        // A heading charging transshipped goods only is not applied, and says why.
        let trans = decide(Self.headings[7], origin: "VNM", on: "2025-09-01")
        #expect(trans.applies == false && trans.reason.contains("transshipped"))
    }

    @Test func annexIIExemptsFromTheDayTheProductEntersIt() {
        let scope = Chapter99Scope(covering: [Chapter99ScopeRow(list: "annex-ii", prefix: "0901", from: Self.day("2025-11-13"), through: nil, source: "Annex II")])
        #expect(decide(Self.indonesia, origin: "IDN", on: "2025-11-12", scope: scope).applies == true)
        let after = decide(Self.indonesia, origin: "IDN", on: "2025-11-13", scope: scope)
        #expect(after.applies == false && after.reason.contains("9903.01.32") && after.reason.contains("Annex II"))
        // The baseline too, though the Indonesian heading that would replace it no longer covers them.
        #expect(decide(Self.baseline, origin: "IDN", on: "2025-11-13", scope: scope).reason.contains("9903.01.32"))
        // An entry that ended is no exemption.
        let ended = Chapter99Scope(covering: [Chapter99ScopeRow(list: "annex-ii", prefix: "0901", from: nil, through: Self.day("2025-10-13"), source: "Annex II")])
        #expect(decide(Self.indonesia, origin: "IDN", on: "2025-10-14", scope: ended).applies == true)
    }

    @Test func aListNamingPartOfTheLineLeavesItUndecidedUnlessItNamesEveryPart() {
        let rows = [Chapter99ScopeRow(list: "annex-ii", prefix: "0901210015", from: nil, through: nil, source: "Annex II")]
        let part = Chapter99Scope(partial: rows, children: ["0901210015", "0901210020"])
        let undecided = decide(Self.indonesia, origin: "IDN", on: "2025-12-01", scope: part)
        #expect(undecided.applies == nil && undecided.reason.contains("0901210015") && undecided.reason.contains("10-digit"))
        let all = Chapter99Scope(partial: rows + [Chapter99ScopeRow(list: "annex-ii", prefix: "0901210020", from: nil, through: nil, source: "Annex II")], children: ["0901210015", "0901210020"])
        #expect(decide(Self.indonesia, origin: "IDN", on: "2025-12-01", scope: all).applies == false)
    }

    @Test func section232GoodsAreExceptedAndDerivativesPayOnTheNonMetalContent() {
        let steel = Chapter99Scope(covering: [Chapter99ScopeRow(list: "section-232", prefix: "7208", from: nil, through: nil, source: "note 16")])
        #expect(decide(Self.indonesia, origin: "IDN", on: "2025-09-01", scope: steel).reason.contains("articles subject to Section 232"))
        let derivative = Chapter99Scope(covering: [Chapter99ScopeRow(list: "section-232-derivative", prefix: "7326", from: nil, through: nil, source: "Proc 10896")])
        let after = decide(Self.indonesia, origin: "IDN", on: "2025-09-01", scope: derivative)
        #expect(after.applies == true && after.onNonMetalContent && after.reason.contains("--component non-metal="))
        // Before Proclamation 10947 (4 June 2025) a derivative article was the 232 heading's alone.
        #expect(decide(Self.baseline, origin: "VNM", on: "2025-05-01", scope: derivative).applies == false)
    }

    @Test func instrumentsEndTheDutiesTheScheduleStillPrints() {
        let ieepa = decide(Self.indonesia, origin: "IDN", on: "2026-02-24")
        #expect(ieepa.applies == false && ieepa.reason.contains("IEEPA duties ended"))
        #expect(decide(Self.indonesia, origin: "IDN", on: "2026-02-23").applies == true)
        let s122 = Self.heading("9903.03.01", "Except for products described in headings 9903.03.02–9903.03.11, articles the product of any country", add: "10%")
        #expect(decide(s122, origin: "IDN", on: "2026-07-23").applies == true)
        #expect(decide(s122, origin: "IDN", on: "2026-07-24").reason.contains("150 days"))
    }

    @Test func theUSMCAExceptsWhenItsRateIsOpen() {
        let fentanyl = Self.heading("9903.01.10", "Except for products described in headings 9903.01.11, 9903.01.14, articles the product of Canada, as provided for in U.S. note 2(j)", add: "35%")
        let usmca = Self.heading("9903.01.14", "Articles that are entered free of duty under the terms of general note 11 to the HTSUS, as related to the USMCA")
        let headings = Self.headings + [fentanyl, usmca]
        func run(_ open: Bool) -> ChapterNinetyNineScope.Outcome {
            ChapterNinetyNineScope(headings: headings, scope: Chapter99Scope(), origin: try! CountryCode("CAN"), day: Self.day("2025-09-01"), appliedKind: .mfn, usmca: open).decide(fentanyl)
        }
        #expect(run(false).applies == true && run(false).assumptions.contains { $0.contains("not entered under the USMCA") })
        #expect(run(true).applies == false && run(true).reason.contains("9903.01.14"))
    }

    @Test func exceptionsThatNameEachOtherEnd() {
        let a = Self.heading("9903.02.10", "Except for products described in heading 9903.02.11, articles the product of Indonesia", add: "5%")
        let b = Self.heading("9903.02.11", "Except for products described in heading 9903.02.10, articles the product of Indonesia", add: "6%")
        let out = ChapterNinetyNineScope(headings: [a, b], scope: Chapter99Scope(), origin: try! CountryCode("IDN"), day: Self.day("2025-09-01"), appliedKind: .mfn, usmca: false).decide(a)
        #expect(out.applies != nil)
    }

    @Test func aFloorHeadingTurnsOnTheLinesOwnColumnOneRate() {
        let transit = "Except for goods loaded onto a vessel at the port of loading and in transit on the final mode of transit before 12:01 a.m. eastern daylight time on August 7, 2025, except for products described in headings 9903.01.30-9903.01.33, articles the product of the European Union, with an ad valorem (or ad valorem equivalent) rate of duty under column 1-General "
        var at = Self.heading("9903.02.19", transit + "equal to or greater than 15 percent, as provided for in subdivision (v) of U.S. note 2")
        var under = Self.heading("9903.02.20", transit + "less than 15 percent, as provided for in subdivision (v) of U.S. note 2")
        under.rate = .adValorem(Percentage(15), basis: .customsValue)
        under.effect = .inLieu
        at.origins = [try! CountryCode("DEU")]
        under.origins = at.origins
        #expect(under.columnOneBelow == 15 && under.columnOneAtLeast == nil)
        #expect(at.columnOneAtLeast == 15 && at.columnOneBelow == nil)
        // Its own in-transit opening is no condition of the goods it describes.
        #expect(at.condition == nil)
        func decide(_ h: AdditionalDuty, mfn: ExactDecimal?) -> ChapterNinetyNineScope.Outcome {
            var d = ChapterNinetyNineScope(
                headings: Self.headings + [at, under], scope: Chapter99Scope(), origin: try! CountryCode("DEU"), day: Self.day("2025-10-01"),
                appliedKind: .mfn, usmca: false)
            d.mfnPercent = mfn
            return d.decide(h)
        }
        #expect(decide(under, mfn: 0).applies == true)
        #expect(decide(under, mfn: ExactDecimal("16.5")).applies == false && decide(under, mfn: ExactDecimal("16.5")).reason.contains("under 15%"))
        #expect(decide(under, mfn: nil).applies == nil)
        // Either way the baseline gives way: to the floor below 15%, to the heading that adds nothing above.
        #expect(decide(Self.baseline, mfn: ExactDecimal("16.5")).reason.contains("9903.02.19"))
        #expect(decide(Self.baseline, mfn: ExactDecimal("2.5")).reason.contains("9903.02.20"))
    }
}
