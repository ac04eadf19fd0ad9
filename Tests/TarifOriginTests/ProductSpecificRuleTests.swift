import TarifCore
@testable import TarifOrigin
import TarifRegistry
import Testing

/// The UK schemes' wording compiled into the rule language, the range index, and worked
/// cases computed by hand (no data files: the texts are quoted from the published rules).
@Suite struct PSRCompilerTests {
    @Test("the published wording reads as the rule language", arguments: [
        ("Manufacture in which the value of all the materials used does not exceed **50%** of the ex-works price of the product.", "MaxNOM50"),
        ("Manufacture from materials of any heading, except that of the product.", "CTH"),
        ("Manufacture in which all the materials used are classified within a heading other than that of the product.", "CTH"),
        ("<abbr title='Change of tariff subheading'>CTSH</abbr>: All non-originating materials used in the production of the good have undergone a change in tariff classification at the 6-digit level (subheading).", "CTSH"),
        ("A change from any other subheading.", "CTSH"),
        ("Manufacture from materials of any chapter, except that of the good.", "CC"),
        ("Manufacture:\n\n- from materials of any heading, except that of the product, *and*\n\n- in which the value of all the materials used does not exceed **40%** of the ex-works price of the product.", "CTH and MaxNOM40"),
        ("Manufacture from materials of any heading, except that of the product. However, materials of the same heading as the product may be used, provided that their total value does not exceed **20%** of the ex-works price of the product.", "CTH allowing 20"),
        ("Manufacture from materials of any heading, except those of [heading&nbsp;3701](/headings/3701) and [heading&nbsp;3702](/headings/3702).", "ANY except from 3701, 3702"),
        ("Manufacture from materials of any heading, except that of the product and [heading&nbsp;7606](/headings/7606).", "CTH except from 7606"),
        ("Manufacture from materials of any heading.", "ANY"),
        ("Manufacture from materials of [heading&nbsp;7206](/headings/7206), [heading&nbsp;7207](/headings/7207),\n\n7218 or 7224.", "FROM(7206, 7207, 7218, 7224)"),
        ("Manufacture in which all the materials of [chapter&nbsp;3](/chapters/03) used are wholly obtained.", "WO(03)"),
        ("All animals of [chapter&nbsp;1](/chapters/01) are wholly obtained.", "WO"),
        ("Manufacture in which the value of all the materials of the same heading as the product used does not exceed **20%** of the ex-works price of the product.", "MaxNOM(20; same heading)"),
        ("Manufacture in which the value of all the materials of [heading&nbsp;1701](/headings/1701) used does not exceed **30%** of the ex-works price of the product.", "MaxNOM(30; 1701)"),
        ("Manufacture in which:\n\n- the value of all the materials used does not exceed **40%** of the ex-works price of the product, *and*\n\n- the value of all the non-originating materials used does not exceed the value of all the originating materials used.", "MaxNOM40 and NOM<=OM"),
        ("Making-up including cutting of fabric, provided that the value of non-originating materials used does not exceed **50%** of the ex-works price (EXW) or **45%** of the Free on Board (FOB) cost of the product.", "MaxNOM50 or MaxNOM(45; FOB)"),
        ("Manufacture in which at least **70%** by weight of the unmanufactured tobacco or tobacco refuse of [heading&nbsp;2401](/headings/2401) used is originating.", "MaxWeightNOM(30; 2401; of 2401)"),
        ("Manufacture from materials of any heading, except that of the product, in which the weight of all the materials of [chapter&nbsp;4](/chapters/04) used does not exceed **40%** of the weight of the final product.", "CTH and MaxWeight(40; 04)"),
        ("Manufacture in which the value of all the originating nuts and oil seeds of [heading&nbsp;0801](/headings/0801) used exceeds **60%** of the ex-works price of the product.", "MinOM(60; 0801)"),
        ("The good has a Regional Value Content (RVC) as calculated under Article 4 of the Origin Reference Document of not less than 40%, whether using the build-up method or build-down method (RVC40).", "RVC40"),
        ("Your goods contain a Regional Value Content (RVC) of at least **60%** of the Free on Board (FOB) cost of the goods **(1st Jan 2026 onwards)**.", "RVC60"),
        ("Manufacture from yarn.", "SP(manufacture from yarn)"),
        ("Weaving combined with printing.", "SP(weaving combined with printing)"),
        ("Manufacture from materials of any heading, except that of the good or Manufacture in which the value of all the materials used does not exceed **70%** of the ex-works price of the good.", "CTH or MaxNOM70"),
    ])
    func compiles(text: String, expected: String) throws {
        let a = PSRCompiler.compile(text: text)
        #expect(a.reason == nil, "\(a.reason ?? "")")
        #expect(a.criterion?.description == expected)
        // What the compiler writes, the rule language reads back to the same criterion.
        if let c = a.criterion { #expect(try OriginRuleParser.parse(c.description) == c) }
    }

    @Test func aDatedThresholdHoldsInItsPeriodOnly() throws {
        let a = PSRCompiler.compile(text: "A maximum of **55%** of the ex-works price (EXW) is made up of non-originating parts (MAXNOM) **(1st Jan 2021 to 31st Dec 2022)**.")
        #expect(a.criterion?.description == "MaxNOM55")
        #expect(a.validFrom == Day(year: 2021, month: 1, day: 1))
        #expect(a.validUntil == Day(year: 2022, month: 12, day: 31))
        #expect(a.holds(on: try Day(iso: "2022-12-31")))
        #expect(!a.holds(on: try Day(iso: "2023-01-01")))
        #expect(!a.text.contains("1st Jan"))
        let b = PSRCompiler.compile(text: "A maximum of **45%** of the ex-works price (EXW) is made up of non-originating parts (MAXNOM) **(1st Jan 2026 onwards)**.")
        #expect(b.validFrom == Day(year: 2026, month: 1, day: 1) && b.validUntil == nil)
    }

    @Test("wording it cannot read is listed with the reason, never guessed", arguments: [
        "The good has a Regional Value Content (RVC) as calculated under Article 4 of the Origin Reference Document of not less than 40 or; glazing%, whether using the build-up method or build-down method (RVC40 or; glazing).",
        "Manufacture in which the value of all the materials used does 40% of the ex-works price of the product.",
        "Manufacture in which:.",
    ])
    func unread(text: String) {
        let a = PSRCompiler.compile(text: text)
        #expect(a.criterion == nil)
        #expect(a.reason?.isEmpty == false)
        #expect(a.needsDeclaration)
    }

    @Test func fragmentsThepublisherSplitAreJoinedAndAlternativesKeptApart() throws {
        func rule(_ text: String, _ joiner: String? = nil) -> OriginRuleSet.Rule {
            .init(text: text, classes: [], joiner: joiner, footnotes: [], appliesToImports: true, quota: false)
        }
        let set = OriginRuleSet(
            scheme: "cameroon", importer: .unitedKingdom, position: 0, heading: "8503", subdivision: "", low: try TariffCode("8503000000"),
            high: try TariffCode("8503999999"),
            rules: [
                rule("Manufacture in which:\n\n- all the materials used are classified within a heading other than that of the product"),
                rule("- the value of all the materials used does not exceed **40%** of the ex-works price of the product."),
                rule("Manufacture in which the value of all the materials used does not exceed **30%** of the ex-works price of the product.", "or"),
            ], location: "fixture")
        let compiled = PSRCompiler.compile(set)
        #expect(compiled.alternatives.map { $0.criterion?.description } == ["CTH and MaxNOM40", "MaxNOM30"])
        let (criterion, inForce) = try #require(compiled.rule(on: try Day(iso: "2024-01-01")))
        #expect(criterion.description == "(CTH and MaxNOM40) or MaxNOM30")
        #expect(inForce.count == 2)
    }

    @Test func markdownIsCleaned() {
        #expect(PSRCompiler.clean("from [heading&nbsp;7206](/headings/7206) **50%** <abbr title='x'>CTH</abbr> &amp; ex\u{2010}works") == "from heading 7206 50% CTH & ex-works")
    }

    @Test func rangesAreReadFromWords() {
        #expect(PSRCompiler.ranges(in: "materials of headings 3901 to 3906, heading 4001 or chapter 11").map(\.description) == ["3901-3906", "4001", "11"])
        #expect(PSRCompiler.ranges(in: "heading 7206, 7207, 7218 or 7224").count == 4)
        #expect(PSRCompiler.ranges(in: "no codes here, 1998 was a year").isEmpty)
    }
}

extension PSRCompilerTests {
    /// Found by the psr-text fuzz target: a bracket the wording opens in one condition and closes
    /// in the next made the compiled rule read back differently. Every process now holds balanced
    /// brackets, and the rule language reads back what the compiler wrote.
    @Test func aBracketSplitAcrossConditionsStillReadsBack() throws {
        let text = "Manufacture in which the value of all the materials of chapter 39 used does not exceed **20%** of the ex-works price of the product and / or manufacture from polycarbonate of tetrabromo-(bisphenol\n\nA)."
        let c = try #require(PSRCompiler.compile(text: text).criterion)
        #expect(try OriginRuleParser.parse(c.description) == c)
        // Also found: a nested conjunction read back flat.
        let nested = "Manufacture:\n\n- from materials of any heading, except that of the product. However, materials of [heading&nbsp;3003](/headings/3003) and [heading&nbsp;3004](/headings/3004) may he used, provided that their total value does not exceed **20%** of the ex-works price of the product, *and*\n\n- in which the value of all the materials used does not exceed **50%** of the ex-works price of the product."
        let n = try #require(PSRCompiler.compile(text: nested).criterion)
        #expect(try OriginRuleParser.parse(n.description) == n)
        // And a process whose words began with a space once a stray bracket was dropped.
        let spaced = "A change from any other heading, provided that:\n\n-\n)  a\n- i) the net weight of non-originating sugar used in production does not exceed **40%** of the net weight of the product or (ii) the value of non-originating sugar used in production does not exceed **30%** of the transaction value or ex-works price of the product *and*\n\n- b) the net weight of non-originating material of [chapter&nbsp;4](/chapters/04) used in production does not exceed **20%** of the net weight of the product."
        let sp = try #require(PSRCompiler.compile(text: spaced).criterion)
        #expect(try OriginRuleParser.parse(sp.description) == sp)
        #expect(PSRCompiler.balanced("a (b and c") == "a b and c")
        #expect(PSRCompiler.balanced("x) y (z)") == "x y (z)")
        #expect(PSRCompiler.balanced("(ok)") == "(ok)")
    }
}

@Suite struct PSRIndexTests {
    func code(_ s: String) throws -> TariffCode { try TariffCode(s) }

    @Test func narrowestFirstAndOnlyWholeCover() throws {
        // 0: chapter 87; 1: 8702-8705; 2: 8703; 3: 8703.23 ex; 4: 8711
        let index = PSRIndex(ranges: [
            (try code("8700000000"), try code("8799999999")), (try code("8702000000"), try code("8705999999")),
            (try code("8703000000"), try code("8703999999")), (try code("8703230000"), try code("8703239999")),
            (try code("8711000000"), try code("8711999999")),
        ])
        #expect(index.covering(try code("8703.23.19")) == [3, 2, 1, 0])
        #expect(index.covering(try code("8703.24")) == [2, 1, 0])
        #expect(index.covering(try code("8703")) == [2, 1, 0])
        #expect(index.covering(try code("8712")) == [0])
        #expect(index.covering(try code("87")) == [0])
        #expect(index.covering(try code("0101")).isEmpty)
        // A heading split between rule sets: none covers all of it, both cover part of it.
        let split = PSRIndex(ranges: [(try code("6114000000"), try code("6114309999")), (try code("6114310000"), try code("6114999999"))])
        #expect(split.covering(try code("6114")).isEmpty)
        #expect(split.partlyCovering(try code("6114")) == [0, 1])
        #expect(split.covering(try code("6114.30.10")) == [0])
    }

    @Test func agreesWithAScanOnEveryCodeOfAFixture() throws {
        var ranges: [(TariffCode, TariffCode)] = []
        var seed: UInt64 = 42
        func next(_ n: UInt64) -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (seed >> 33) % n
        }
        for _ in 0..<300 {
            let a = 100 + next(60), b = a + next(4)
            ranges.append((try TariffCode(String(a) + "0000000"), try TariffCode(String(b) + "9999999")))
        }
        let index = PSRIndex(ranges: ranges)
        for h in 100..<170 {
            let c = try TariffCode(String(h) + "5")
            let (lo, hi) = PSRIndex.span(c)
            let expected = ranges.indices.filter { PSRIndex.span(ranges[$0].0).low <= lo && PSRIndex.span(ranges[$0].1).high >= hi }
            #expect(Set(index.covering(c)) == Set(expected))
        }
    }
}

extension CountryCode {
    static let japan = try! CountryCode("JPN")
    static let china = try! CountryCode("CHN")
    static let southKorea = try! CountryCode("KOR")
    static let thailand = try! CountryCode("THA")
    static let germany = try! CountryCode("DEU")
}

@Suite struct PSREvaluationTests {
    func material(_ row: Int, _ code: String, _ origin: CountryCode, _ value: Int, originating: Bool? = false, weight: Int? = nil) throws -> Material {
        Material(row: row, code: try TariffCode(code), origin: origin, value: ExactDecimal(value), originating: originating, weight: weight.map { ExactDecimal($0) })
    }

    func regime(cumulation: Cumulation = .diagonal, tolerance: ExactDecimal? = nil) -> OriginRegime {
        OriginRegime(
            id: "GBR-japan", agreement: "GBR-japan", name: "fixture", generalRule: "", formulas: [.indirect], deMinimisPercent: tolerance, cumulation: cumulation,
            minimalOperations: [], directConsignment: nil, proofOfOrigin: ["Statement on origin"], provisions: [:], sources: [], notes: nil,
            deMinimisBasis: .exWorks)
    }

    func rule(_ text: String) throws -> ProductRule {
        ProductRule(agreement: "GBR-japan", codes: CodeRange(try TariffCode("8703")), text: text, criterion: try OriginRuleParser.parse(text), source: "fixture")
    }

    /// A car of heading 8703 from Japan, ex-works 20,000, FOB 21,000: a Chinese engine (6,000),
    /// Korean steel (3,000) and Thai tyres (500) are non-originating, 9,500 in all; a Japanese
    /// control unit (4,000) originates. MaxNOM = 9,500 / 20,000 = 47.5%; RVC = (21,000 − 9,500)
    /// / 21,000 = 54.76%. In 2022 (MaxNOM 55 or RVC 50) it qualifies by both; from 2026 (MaxNOM
    /// 45 or RVC 60) by neither: 500 over the MaxNOM, 1,100.40 short of the RVC.
    @Test func theSameCarQualifiedIn2022AndNotIn2026() throws {
        let production = Production(
            product: try TariffCode("8703.23"), exporter: .japan, importer: .unitedKingdom,
            materials: [
                try material(2, "8407.34", .china, 6_000), try material(3, "7208.51", .southKorea, 3_000),
                try material(4, "8537.10", .japan, 4_000, originating: true), try material(5, "4011.10", .thailand, 500),
            ], fob: 21_000, exWorks: 20_000)
        let evaluator = OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .japan])
        let in2022 = try evaluator.evaluate(production, rule: try rule("MaxNOM55 or RVC50"))
        #expect(in2022.qualifies == true)
        #expect(in2022.maxNOM.first?.percent == ExactDecimal("47.5"))
        #expect(in2022.maxNOM.first?.headroom == 1_500)
        let in2026 = try evaluator.evaluate(production, rule: try rule("MaxNOM45 or RVC60"))
        #expect(in2026.qualifies == false)
        #expect(in2026.maxNOM.first?.headroom == -500)
        #expect(in2026.rvc.first { $0.threshold == 60 }?.percent == ExactDecimal("54.76"))
        #expect(in2026.rvc.first { $0.threshold == 60 }?.headroom == ExactDecimal("-1100.4"))
        // Without the ex-works price the MaxNOM cannot be decided and says what is missing.
        var noPrice = production
        noPrice.exWorks = nil
        let undecided = try evaluator.evaluate(noPrice, rule: try rule("MaxNOM45"))
        #expect(undecided.qualifies == nil)
        #expect(undecided.criteria.first?.detail.contains("--ex-works") == true)
    }

    /// A CTH except 7606 for aluminium foil of 7607: non-originating plates of 7606 (any value)
    /// stand in the way; ingots of 7601 do not.
    @Test func aCTHWithAnException() throws {
        let evaluator = OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .japan])
        let base = Production(
            product: try TariffCode("7607.11"), exporter: .japan, materials: [try material(2, "7601.10", .china, 5_000)], fob: 10_000, exWorks: 9_000)
        let rule = ProductRule(
            agreement: "GBR-japan", codes: CodeRange(try TariffCode("7607")), text: "fixture", criterion: try OriginRuleParser.parse("CTH except from 7606"), source: "fixture")
        #expect(try evaluator.evaluate(base, rule: rule).qualifies == true)
        var withPlates = base
        withPlates.materials.append(try material(3, "7606.12", .china, 100))
        let r = try evaluator.evaluate(withPlates, rule: rule)
        #expect(r.qualifies == false)
        #expect(r.failingMaterials.map(\.row) == [3])
    }

    /// CTH allowing 20: a same-heading material worth 1,800 of an ex-works price of 9,000 is
    /// exactly 20%, within the allowance; at 1,801 it is not.
    @Test func anAllowanceForMaterialsOfTheSameHeading() throws {
        let evaluator = OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .japan])
        let rule = ProductRule(
            agreement: "GBR-japan", codes: CodeRange(try TariffCode("2940")), text: "fixture", criterion: try OriginRuleParser.parse("CTH allowing 20"), source: "fixture")
        func production(_ v: Int) throws -> Production {
            Production(product: try TariffCode("2940.00"), exporter: .japan, materials: [try material(2, "2940.00", .china, v)], fob: 10_000, exWorks: 9_000)
        }
        #expect(try evaluator.evaluate(try production(1_800), rule: rule).qualifies == true)
        #expect(try evaluator.evaluate(try production(1_801), rule: rule).qualifies == false)
    }

    /// The scheme's 10% tolerance (of the ex-works price) saves a CTH failed by a material worth
    /// 900 of 9,000; 901 is too much.
    @Test func theGeneralToleranceIsAShareOfTheExWorksPrice() throws {
        let evaluator = OriginEvaluator(regime: regime(tolerance: 10), parties: [.unitedKingdom, .japan])
        let rule = ProductRule(agreement: "GBR-japan", codes: CodeRange(try TariffCode("8516")), text: "CTH", criterion: .tariffShift(.heading, except: []), source: "fixture")
        func production(_ v: Int) throws -> Production {
            Production(product: try TariffCode("8516.60"), exporter: .japan, materials: [try material(2, "8516.90", .china, v)], fob: 10_000, exWorks: 9_000)
        }
        #expect(try evaluator.evaluate(try production(900), rule: rule).qualifies == true)
        #expect(try evaluator.evaluate(try production(901), rule: rule).qualifies == false)
    }

    /// Diagonal cumulation: German materials count for a Korean good under a scheme whose zone
    /// holds Germany, and not under one whose zone does not.
    @Test func diagonalCumulationOnlyWhereTheSchemeAllowsIt() throws {
        let production = Production(
            product: try TariffCode("8516.60"), exporter: .southKorea,
            materials: [try material(2, "8516.90", .germany, 3_000, originating: true)], fob: 10_000, exWorks: 9_000)
        let rule = ProductRule(agreement: "GBR-south-korea", codes: CodeRange(try TariffCode("8516")), text: "CTH", criterion: .tariffShift(.heading, except: []), source: "fixture")
        let withEU = try OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .southKorea, .germany]).evaluate(production, rule: rule)
        #expect(withEU.qualifies == true)
        let without = try OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .southKorea]).evaluate(production, rule: rule)
        #expect(without.qualifies == false)
        #expect(without.notes.contains { $0.contains("outside the cumulation zone") })
    }

    /// By weight: 400 kg of non-originating tobacco of 2401 in 1,000 kg of it used is 40%, more
    /// than the 30% the rule allows (at least 70% originating); 300 kg is within it.
    @Test func aRuleByWeight() throws {
        let evaluator = OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .japan])
        let rule = ProductRule(
            agreement: "GBR-japan", codes: CodeRange(try TariffCode("2402")), text: "fixture",
            criterion: try OriginRuleParser.parse("MaxWeightNOM(30; 2401; of 2401)"), source: "fixture")
        func production(_ foreign: Int) throws -> Production {
            Production(
                product: try TariffCode("2402.20"), exporter: .japan,
                materials: [try material(2, "2401.10", .china, 1_000, weight: foreign), try material(3, "2401.20", .japan, 2_000, originating: true, weight: 1_000 - foreign)],
                fob: 10_000, exWorks: 9_000)
        }
        #expect(try evaluator.evaluate(try production(300), rule: rule).qualifies == true)
        #expect(try evaluator.evaluate(try production(400), rule: rule).qualifies == false)
        var noWeight = try production(300)
        noWeight.materials[0].weight = nil
        let r = try evaluator.evaluate(noWeight, rule: rule)
        #expect(r.qualifies == nil)
        #expect(r.criteria.first?.detail.contains("weight column") == true)
    }

    @Test func aDeclaredProcessIsMetOnlyWhenDeclaredByNumberOrWords() throws {
        let evaluator = OriginEvaluator(regime: regime(), parties: [.unitedKingdom, .japan])
        let rule = ProductRule(
            agreement: "GBR-japan", codes: CodeRange(try TariffCode("6109")), text: "fixture",
            criterion: .specificProcess("weaving combined with making-up"), source: "fixture")
        var p = Production(product: try TariffCode("6109.10"), exporter: .japan, materials: [try material(2, "5208.11", .china, 100)], fob: 1_000, exWorks: 900)
        #expect(try evaluator.evaluate(p, rule: rule).qualifies == false)
        #expect(try evaluator.evaluate(p, rule: rule).criteria.first?.detail.contains("--process c1") == true)
        p.processes = ["c1"]
        #expect(try evaluator.evaluate(p, rule: rule).qualifies == true)
        p.processes = ["Weaving combined with making-up"]
        #expect(try evaluator.evaluate(p, rule: rule).qualifies == true)
    }
}
