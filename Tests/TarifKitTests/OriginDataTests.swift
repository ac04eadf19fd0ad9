import Foundation
import TarifCore
import TarifOrigin
import TarifRegistry
import TarifTesting
import Testing

@testable import TarifKit

/// Reading bills of materials and rules files, the curated ATIGA regime, and the US
/// 19 CFR 102.20 rules from the shared data.
@Suite struct OriginDataTests {
    static let country: @Sendable (String) -> CountryCode? = { ["IDN": "IDN", "Indonesia": "IDN", "CHN": "CHN", "AUS": "AUS"][$0].flatMap { try? CountryCode($0) } }

    @Test func readsABillOfMaterials() throws {
        let path = try TestData.fixture(
            "bom.csv", "code,origin,value,description,originating\n1101.00,AUS,\"3,000.50\",flour,no\n4819.20,Indonesia,400,cartons,\n1905.90,unknown,10,wafers,\n")
        let m = try OriginData.billOfMaterials(at: path, country: Self.country)
        #expect(m.count == 3)
        #expect(m[0].row == 2 && m[0].value == ExactDecimal(significand: 300_050, scale: 2) && m[0].originating == false)
        #expect(m[1].origin == CountryCode.indonesia && m[1].originating == nil)
        #expect(m[2].origin == nil)
    }

    @Test("a malformed bill of materials names the row and column", arguments: [
        ("code,origin,value\n1101.00,AUS,abc\n", "bom.csv:2:3 (value)", "value 'abc' is not a number"),
        ("code,origin,value\n1101.00,AUS,10000000000000000000000\n", "bom.csv:2:3 (value)", "beyond the limit of 10^18"),
        ("code,origin,value\n1101.00,AUS,100\n11x1,AUS,5\n", "bom.csv:3:1 (code)", "11x1"),
        ("code,origin,value\n1101.00,ATLANTIS,100\n", "bom.csv:2:2 (origin)", "'ATLANTIS' is not a known country"),
        ("code,value\n1101.00,100\n", "bom.csv:1", "needs the columns code, origin and value"),
        ("code,origin,value,originating\n1101.00,AUS,100,maybe\n", "bom.csv:2:4 (originating)", "'maybe' is not yes or no"),
        ("code,origin,value\n1101.00,AUS,-5\n", "bom.csv:2:3 (value)", "negative"),
        ("code,origin,value\n", "bom.csv", "no rows"),
    ])
    func badBillOfMaterials(text: String, location: String, phrase: String) throws {
        let path = try TestData.fixture("bom.csv", text)
        #expect {
            try OriginData.billOfMaterials(at: path, country: Self.country)
        } throws: { error in
            let e = error as? TarifError
            return (e?.description.contains(location) ?? false) && (e?.message.contains(phrase) ?? false)
        }
    }

    @Test func readsProductRulesAndNamesABadToken() throws {
        let good = try TestData.fixture(
            "psr.csv", "agreement,code,rule,source\nFIX,15.17,CTH except from 15.11,Annex 3 line 1\nFIX,1905.90,RVC40 or CTSH,Annex 3 line 2\nFIX,19,CC,Annex 3 line 3\n")
        let rules = try OriginData.productRules(at: good)
        #expect(rules.count == 3)
        #expect(OriginData.rule(for: try TariffCode("1905.90.10"), agreement: "FIX", in: rules)?.text == "RVC40 or CTSH")
        #expect(OriginData.rule(for: try TariffCode("1904.10"), agreement: "FIX", in: rules)?.text == "CC")
        #expect(OriginData.rule(for: try TariffCode("1904.10"), agreement: "OTHER", in: rules) == nil)
        let bad = try TestData.fixture("psr.csv", "agreement,code,rule,source\nFIX,15.17,CTH except form 15.11,Annex 3\n")
        #expect {
            try OriginData.productRules(at: bad)
        } throws: { error in
            let e = error as? TarifError
            return (e?.description.contains("psr.csv:2:3 (rule)") ?? false) && (e?.message.contains("at character 12") ?? false) && (e?.message.contains("not 'form'") ?? false)
        }
    }

    @Test func atigaRegimeIsCurated() throws {
        let r = try #require(try OriginData.regimes()["ATIGA"])
        #expect(r.generalRule == "RVC40 or CTH")
        #expect(try OriginRuleParser.parse(r.generalRule) == .anyOf([.regionalValueContent(percent: 40), .tariffShift(.heading, except: [])]))
        #expect(r.deMinimisPercent == 10 && r.cumulation == .diagonal && r.formulas == [.direct, .indirect])
        #expect(!r.sources.isEmpty && r.provisions["generalRule"] != nil)
    }
}

/// The US non-preferential rules of 19 CFR 102.20 from ../shared/data.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
struct TariffShiftRuleTests {
    static let book: Result<TariffShiftRuleBook, any Error> = Result {
        try OriginData.tariffShiftRules(dataDirectory: TestData.directory.path).0
    }

    func origin(_ product: String, _ materials: [(String, String, Int)], value: Int? = nil) throws -> CountryOfOriginResult {
        let book = try Self.book.get()
        return try book.countryOfOrigin(
            product: try TariffCode(product), producer: try CountryCode("MEX"),
            materials: try materials.enumerated().map { i, m in
                Material(row: i + 2, code: try TariffCode(m.0), origin: try CountryCode(m.1), value: ExactDecimal(m.2))
            }, value: value.map { ExactDecimal($0) })
    }

    @Test func allRulesLoad() throws {
        let book = try Self.book.get()
        #expect(book.rules.count == 1_032)
        #expect(book.unreadScopes.isEmpty, "\(book.unreadScopes)")
        #expect(book.rule(for: try TariffCode("8516.60.40"))?.ruleID == "102.20/8516.10-8516.79")
        #expect(book.rule(for: try TariffCode("0102.21"))?.ruleID == "102.20/0101-0106")
    }

    @Test func subheadingShiftConfersOrigin() throws {
        // "A change to subheading 8516.10 through 8516.79 from any other subheading": parts of 8516.90 shift.
        let r = try origin("8516.60.40", [("8516.90", "CHN", 40), ("8536.50", "CHN", 5)])
        #expect(r.origin == (try CountryCode("MEX")))
        #expect(r.basis.hasPrefix("102.11(a)(3)"))
        #expect(r.materials.allSatisfy { $0.outcome == .met })
    }

    @Test func changeOfChapterRequiredForLiveAnimals() throws {
        // "A change to heading 0101 through 0106 from any other chapter": a foreign calf of 0102 does not shift.
        let r = try origin("0102.29", [("0102.29", "USA", 900)])
        #expect(r.origin == nil)
        #expect(r.materials.first?.outcome == .notMet)
        #expect(r.basis.contains("102.11(b)"))
    }

    @Test func exclusionAndOutsideThatGroup() throws {
        // 0305.31-0305.39: "from any other subheading outside that group, except from fillets of heading 0304".
        let fillets = try origin("0305.32", [("0304.71", "NOR", 100)])
        #expect(fillets.materials.first?.outcome == .notMet)
        #expect(fillets.materials.first?.detail.contains("excluded") == true)
        let fresh = try origin("0305.32", [("0302.51", "NOR", 100)])
        #expect(fresh.origin == (try CountryCode("MEX")))
        let sameGroup = try origin("0305.32", [("0305.31", "NOR", 100)])
        #expect(sameGroup.materials.first?.outcome == .notMet)
        #expect(sameGroup.materials.first?.detail.contains("outside") == true)
    }

    @Test func deMinimisOf102_13() throws {
        let r = try origin("8516.60.40", [("8516.60", "CHN", 5), ("8536.50", "CHN", 30)], value: 100)
        #expect(r.origin == (try CountryCode("MEX")))
        #expect(r.basis.contains("102.13"))
        let over = try origin("8516.60.40", [("8516.60", "CHN", 8), ("8536.50", "CHN", 30)], value: 100)
        #expect(over.origin == nil)
    }

    @Test func domesticMaterialsOnly() throws {
        let r = try origin("8516.60.40", [("8516.90", "MEX", 40)])
        #expect(r.origin == (try CountryCode("MEX")) && r.basis.hasPrefix("102.11(a)(2)"))
    }
}

/// JSON files a user names are checked for nesting before Foundation's recursive decoder
/// reads them: a deep file is an error with its place, not a stack overflow.
@Suite struct UserJSONFileTests {
    @Test func deepFilesAreRefused() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let rules = try TestData.fixture("rules.json", #"{"rules": "# + deep + "}")
        #expect {
            _ = try OriginData.tariffShiftRules(file: rules)
        } throws: { ($0 as? TarifError)?.code == .tooLarge }
        let estimate = try TestData.fixture("estimate.json", deep)
        #expect {
            _ = try GravityData.coefficients(at: estimate)
        } throws: { ($0 as? TarifError)?.code == .tooLarge }
    }
}
