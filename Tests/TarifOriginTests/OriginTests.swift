import TarifCore
import TarifOrigin
import TarifRegistry
import Testing

/// The rule language and bill-of-materials evaluation on worked cases (no data files).
@Suite struct OriginRuleTests {
    @Test("rules parse as agreements write them", arguments: [
        ("RVC40 or CTH", "RVC40 or CTH"),
        ("rvc(35) and ctsh", "RVC35 and CTSH"),
        ("CTH except from 15.11", "CTH except from 1511"),
        ("CC except from chapter 15", "CC except from 15"),
        ("CTSH except from 1511.10 through 1511.90, 1513", "CTSH except from 1511.10-1511.90, 1513"),
        ("(RVC40 and CTSH) or CC", "(RVC40 and CTSH) or CC"),
        ("RVC 40% or CTH except from 10.06 or 11.02", "RVC40 or CTH except from 1006, 1102"),
        ("CTH except from 10.06 or RVC40", "CTH except from 1006 or RVC40"),
        ("WO", "WO"),
        ("SP(chemical reaction) or RVC40", "SP(chemical reaction) or RVC40"),
    ])
    func parses(text: String, expected: String) throws {
        #expect(try OriginRuleParser.parse(text).description == expected)
    }

    @Test("a bad rule names the token and where it is", arguments: [
        ("RVC or CTH", "at character 1", "percentage"),
        ("CTH except", "at the end", "followed by a code"),
        ("XYZ", "at character 1", "'XYZ' is not a criterion"),
        ("RVC40 or", "at the end", "missing"),
        ("CTH except from 15x1", "at character 17", "15x1"),
        ("RVC140", "at character 1", "from 0 to 100"),
        ("RVC40 CTH", "at character 7", "unexpected 'CTH'"),
    ])
    func badRule(text: String, position: String, phrase: String) {
        checkBadRule(text, position, phrase)
    }

    /// Found by the fuzzer: parentheses a few thousand deep overflowed the parser's stack.
    @Test(arguments: [17, 300, 100_000])
    func deepParenthesesAreAnErrorNotACrash(_ depth: Int) {
        let text = String(repeating: "(", count: depth) + "WO" + String(repeating: ")", count: depth)
        #expect {
            try OriginRuleParser.parse(text)
        } throws: { error in
            let m = (error as? TarifError)?.message ?? ""
            return m.contains("nested more than 16 deep") || m.contains("longer than 8192 bytes")
        }
        #expect(throws: Never.self) { try OriginRuleParser.parse(String(repeating: "(", count: 16) + "CTH or RVC40" + String(repeating: ")", count: 16)) }
    }

    func checkBadRule(_ text: String, _ position: String, _ phrase: String) {
        #expect {
            try OriginRuleParser.parse(text)
        } throws: { error in
            let m = (error as? TarifError)?.message ?? ""
            return m.contains(position) && m.contains(phrase) && m.contains(text)
        }
    }
}

@Suite struct OriginEvaluationTests {
    static func c(_ s: String) -> CountryCode { try! CountryCode(s) }
    static func code(_ s: String) -> TariffCode { try! TariffCode(s) }
    static let parties: Set<CountryCode> = Set(["IDN", "VNM", "THA", "MYS", "SGP"].map(c))

    static func regime(cumulation: Cumulation = .diagonal) -> OriginRegime {
        OriginRegime(
            id: "FIX", agreement: "FIX", name: "fixture", generalRule: "RVC40 or CTH", formulas: [.direct, .indirect], deMinimisPercent: 10,
            cumulation: cumulation,
            minimalOperations: [MinimalOperation(id: "packaging", text: "packaging or presenting goods for sale"), MinimalOperation(id: "preservation", text: "preservation")],
            directConsignment: nil, proofOfOrigin: ["Form D"], provisions: [:], sources: [], notes: nil)
    }

    /// `code origin value [originating]` per material.
    static func production(
        _ materials: [(String, String?, Int, Bool?)], product: String = "1905.90", fob: Int = 10_000, labour: Int = 0, operations: [String]? = nil,
        transits: [Transit] = [], whollyObtained: Bool = false
    ) -> Production {
        Production(
            product: code(product), exporter: c("IDN"), importer: c("VNM"),
            materials: materials.enumerated().map { i, m in Material(row: i + 2, code: code(m.0), origin: m.1.map(c), value: ExactDecimal(m.2), originating: m.3) },
            fob: ExactDecimal(fob), labour: ExactDecimal(labour), operations: operations, whollyObtained: whollyObtained, transits: transits)
    }

    func evaluate(_ p: Production, rule: String? = nil, cumulation: Cumulation = .diagonal) throws -> OriginResult {
        let r = try rule.map { ProductRule(agreement: "FIX", codes: CodeRange(p.product), text: $0, criterion: try OriginRuleParser.parse($0), source: "fixture annex") }
        return try OriginEvaluator(regime: Self.regime(cumulation: cumulation), parties: Self.parties).evaluate(p, rule: r)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var production: Production
        var rule: String? = nil
        var cumulation: Cumulation = .diagonal
        var qualifies: Bool?
        var met: String?
        var outcomes: [String: Outcome]
        var failingRows: [Int] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "passes by CTH, fails RVC", production: production([("1101.00", "AUS", 7_000, false)]), qualifies: true, met: "CTH",
            outcomes: ["RVC40": .notMet, "CTH": .met]),
        Case(
            name: "passes by RVC only", production: production([("1905.90", "CHN", 2_000, false), ("1101.00", "IDN", 5_000, nil)]), qualifies: true,
            met: "RVC40 by the indirect formula: 80%", outcomes: ["RVC40": .met, "CTH": .notMet], failingRows: [2]),
        Case(
            name: "fails both", production: production([("1905.90", "CHN", 7_000, false)]), qualifies: false, met: nil,
            outcomes: ["RVC40": .notMet, "CTH": .notMet], failingRows: [2]),
        Case(
            name: "de minimis saves the tariff shift", production: production([("1905.90", "CHN", 800, false), ("1101.00", "AUS", 6_000, false)]),
            qualifies: true, met: "CTH with de minimis", outcomes: ["RVC40": .notMet, "CTH": .met]),
        Case(
            name: "diagonal cumulation counts a Thai originating material",
            production: production([("1905.90", "THA", 5_000, true), ("1101.00", "AUS", 2_000, false)]), qualifies: true,
            met: "RVC40 by the indirect formula: 80%", outcomes: ["RVC40": .met, "CTH": .met]),
        Case(
            name: "without cumulation the same material is non-originating",
            production: production([("1905.90", "THA", 5_000, true), ("1101.00", "AUS", 2_000, false)]), cumulation: .none, qualifies: false, met: nil,
            outcomes: ["RVC40": .notMet, "CTH": .notMet], failingRows: [2]),
        Case(
            name: "a minimal operation never confers origin",
            production: production([("1101.00", "AUS", 7_000, false)], operations: ["packaging"]), qualifies: false, met: nil,
            outcomes: ["CTH": .met]),
        Case(
            name: "an exception clause excludes the material's heading",
            production: production([("1511.10", "COL", 3_000, false), ("1507.90", "ARG", 1_000, false)], product: "1517.10"), rule: "CTH except from 15.11",
            qualifies: false, met: nil, outcomes: ["CTH except from 1511": .notMet], failingRows: [2]),
        Case(
            name: "the same good without the excepted material", production: production([("1507.90", "ARG", 1_000, false)], product: "1517.10"),
            rule: "CTH except from 15.11", qualifies: true, met: "CTH except from 1511", outcomes: ["CTH except from 1511": .met]),
        Case(
            name: "processing in a non-party breaks direct consignment",
            production: production([("1101.00", "AUS", 7_000, false)], transits: [Transit(country: c("HKG"), processed: true)]), qualifies: false,
            met: nil, outcomes: ["CTH": .met]),
        Case(
            name: "wholly obtained", production: production([("0803.10", "IDN", 100, true)], product: "0803.10", whollyObtained: true), rule: "WO",
            qualifies: true, met: "WO", outcomes: ["WO": .met]),
        Case(
            name: "a material coded only to the heading cannot be checked for CTSH",
            production: production([("1905", "CHN", 5_000, false)], product: "1905.90"), rule: "CTSH", qualifies: nil, met: nil, outcomes: ["CTSH": .undetermined],
            failingRows: [2]),
    ]

    @Test(arguments: cases)
    func worked(_ k: Case) throws {
        let r = try evaluate(k.production, rule: k.rule, cumulation: k.cumulation)
        #expect(r.qualifies == k.qualifies)
        #expect(r.criterionMet == k.met)
        for (name, outcome) in k.outcomes {
            #expect(r.criteria.first { $0.criterion == name }?.outcome == outcome, "\(name)")
        }
        #expect(r.failingMaterials.map(\.row) == k.failingRows)
    }

    @Test func valueContentFormulas() throws {
        // VNM 3,333.33 of FOB 10,000: indirect 66.6667% is truncated to 66.66, never rounded up.
        let p = Production(
            product: Self.code("1905.90"), exporter: Self.c("IDN"),
            materials: [
                Material(row: 2, code: Self.code("1101"), origin: Self.c("AUS"), value: ExactDecimal(significand: 333_333, scale: 2), originating: false),
                Material(row: 3, code: Self.code("1701"), origin: Self.c("THA"), value: 2_000, originating: true),
            ], fob: 10_000, labour: 1_000, overhead: 500, profit: 400, otherCosts: 100)
        let r = try evaluate(p)
        let direct = try #require(r.rvc.first { $0.formula == .direct })
        let indirect = try #require(r.rvc.first { $0.formula == .indirect })
        #expect(direct.percent == 40)  // (2,000 + 1,000 + 500 + 400 + 100) / 10,000
        #expect(indirect.percent == ExactDecimal(significand: 6_666, scale: 2))
        #expect(indirect.margin == ExactDecimal(significand: 2_666, scale: 2))
        #expect(indirect.headroom == ExactDecimal(significand: 2_666_00, scale: 2))  // 26.66 points of 10,000
        #expect(r.nonOriginatingValue == ExactDecimal(significand: 333_333, scale: 2))
    }

    /// ATIGA gives nothing in the United States: a good made in Indonesia does not "qualify"
    /// for an importer that is not a party on the day (the check named the exporter only).
    @Test(arguments: ["USA", "CHN", "JPN"])
    func anImporterOutsideTheAgreementIsRefused(_ importer: String) {
        var p = Self.production([("1101.00", "AUS", 1_000, false)])
        p.importer = Self.c(importer)
        #expect {
            try self.evaluate(p)
        } throws: { error in
            let e = error as? TarifError
            return e?.code == .notFound && e?.message.contains("\(importer) is not a party to") == true && e?.location?.field == "importer"
        }
        p.importer = Self.c("VNM")
        #expect(throws: Never.self) { try self.evaluate(p) }
    }

    @Test func headroomIsNegativeBelowTheThreshold() throws {
        let r = try evaluate(Self.production([("1905.90", "CHN", 7_000, false)]))
        let indirect = try #require(r.rvc.first { $0.formula == .indirect })
        #expect(indirect.percent == 30 && indirect.margin == -10 && indirect.headroom == -1_000)
    }

    @Test func buildDownAndBuildUpFormulas() throws {
        var regime = Self.regime()
        regime.formulas = [.buildDown, .buildUp]
        let p = Self.production([("1101.00", "AUS", 2_500, false), ("1701.99", "THA", 1_500, true)])
        let r = try OriginEvaluator(regime: regime, parties: Self.parties).evaluate(p)
        #expect(r.rvc.first { $0.formula == .buildDown }?.percent == 75)  // (10,000 − 2,500) / 10,000
        #expect(r.rvc.first { $0.formula == .buildUp }?.percent == 15)  // 1,500 / 10,000
        #expect(r.criterionMet == "RVC40 by the build-down formula: 75%")
    }

    @Test("cumulation decides which partner materials count", arguments: [
        (Cumulation.none, false), (.bilateral, true), (.diagonal, true), (.full, true),
    ])
    func bilateralCumulation(cumulation: Cumulation, qualifies: Bool) throws {
        // A Vietnamese originating material (the importer's) of the same heading, worth 70% of FOB.
        let r = try evaluate(Self.production([("1905.90", "VNM", 7_000, true)]), cumulation: cumulation)
        #expect(r.qualifies == qualifies)
    }

    @Test func fullCumulationCountsNonOriginatingPartyMaterialsTowardValue() throws {
        // A Thai material that is not itself originating: only full cumulation counts its value.
        let p = Self.production([("1905.90", "THA", 7_000, false)])
        #expect(try evaluate(p, cumulation: .diagonal).qualifies == false)
        let full = try evaluate(p, cumulation: .full)
        #expect(full.qualifies == true && full.criterionMet == "RVC40 by the indirect formula: 100%")
        #expect(full.criteria.first { $0.criterion == "CTH" }?.outcome == .notMet)
    }
}
