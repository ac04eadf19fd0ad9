import Foundation
import TarifCore
import TarifOrigin
import TarifTesting
import Testing

@testable import TarifKit

/// The product-specific rules of the UK's 45 scheme files as loaded by `tarif data build`,
/// compiled, and applied to worked cases computed by hand.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct UKOriginRulesRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    func day(_ s: String) throws -> Day { try Day(iso: s) }

    func material(_ row: Int, _ code: String, _ origin: String, _ value: Int, originating: Bool = false) throws -> Material {
        Material(row: row, code: try TariffCode(code), origin: try CountryCode(origin), value: ExactDecimal(value), originating: originating)
    }

    /// Rule sets per file as published (rules_of_origin/gbr_psr_2023), less the three rows whose
    /// range is not a pair of codes (canada 1, japan-new-02 2), which the load lists instead.
    static let ruleSets: [String: Int] = [
        "albania": 1124, "andean": 1211, "cameroon": 1093, "canada": 608, "cariforum": 1125, "central-america": 1176, "chile": 1115,
        "cotedivoire": 1093, "dcts-general-enhanced": 999, "dcts-general-enhanced-safe": 293, "dcts-ldcs": 293, "dcts-ldcs-v5": 308, "egypt": 1081,
        "esa": 1094, "eu": 352, "faroe-islands": 1123, "georgia": 1119, "ghana": 1146, "gsp": 293, "iceland-norway": 1123, "israel": 1104,
        "japan": 435, "japan-new-02": 419, "japan-new-03": 435, "jordan": 1126, "kenya": 1093, "kosovo": 1122, "lebanon": 1115, "mexico": 1149,
        "moldova": 1124, "morocco": 1123, "new-zealand": 1463, "north-macedonia": 1124, "oct": 293, "pacific": 1173, "palestinian-authority": 1080,
        "sacum": 1310, "serbia": 1125, "singapore": 928, "south-korea": 1242, "switzerland-liechtenstein": 733, "tunisia": 1153, "turkey": 350,
        "ukraine": 1125, "vietnam": 776,
    ]

    @Test func everySchemeFileIsLoadedWithItsRuleSetsAndUnder1PercentIsUnread() throws {
        let t = try tarif()
        let loaded = Dictionary(uniqueKeysWithValues: try t.store.originRuleSchemes(importer: .unitedKingdom).map { ($0.scheme, $0.ruleSets) })
        #expect(loaded == Self.ruleSets)
        var all = 0
        var unread = 0
        for scheme in loaded.keys.sorted() {
            let book = try t.productRules(importer: .unitedKingdom, scheme: scheme)
            let c = book.counts
            #expect(c.checkable + c.declared + c.unread == c.alternatives)
            #expect(Double(c.unread) / Double(c.alternatives) < 0.01, "\(scheme): \(c.unread) of \(c.alternatives) not read")
            all += c.alternatives
            unread += c.unread
        }
        #expect(Double(unread) / Double(all) < 0.01)
        #expect(all > 58_000)
    }

    @Test func theUKJapanCarRuleChangesWithTheYear() throws {
        let book = try tarif().productRules(importer: .unitedKingdom, scheme: "UK-Japan")
        #expect(book.scheme == "japan")
        let candidates = book.candidates(for: try TariffCode("8703.23.19.90"))
        #expect(candidates.first?.source.heading == "8703")
        #expect(candidates.first?.rule(on: try day("2022-06-01"))?.criterion.description == "MaxNOM55 or RVC50")
        #expect(candidates.first?.rule(on: try day("2024-06-01"))?.criterion.description == "MaxNOM50 or RVC55")
        #expect(candidates.first?.rule(on: try day("2026-06-01"))?.criterion.description == "MaxNOM45 or RVC60")
    }

    /// The car of the fixture test, now under the loaded rules and the scheme's parties: non-originating
    /// 9,500 of an ex-works price of 20,000 (47.5%) and FOB 21,000 (RVC 54.76%).
    @Test func theSameCarQualifiesIn2022AndNotIn2026() throws {
        let t = try tarif()
        let production = Production(
            product: try TariffCode("8703.23"), exporter: try CountryCode("JPN"),
            materials: [
                try material(2, "8407.34", "CHN", 6_000), try material(3, "7208.51", "KOR", 3_000), try material(4, "8537.10", "JPN", 4_000, originating: true),
                try material(5, "4011.10", "THA", 500),
            ], fob: 21_000, exWorks: 20_000)
        let then = try t.checkOrigin(importer: .unitedKingdom, scheme: "UK-Japan", production: production, on: try day("2022-06-01"))
        #expect(then.qualifies == true)
        #expect(then.criterionMet == "MaxNOM55: 47.5%")
        let now = try t.checkOrigin(importer: .unitedKingdom, scheme: "UK-Japan", production: production, on: try day("2026-06-01"))
        #expect(now.qualifies == false)
        #expect(now.maxNOM.first?.headroom == -500)
        #expect(now.proofOfOrigin == ["Statement on origin", "Importer's knowledge"])
        // Indonesia is no party to the UK-Japan agreement: no preference, whatever the bill.
        var fromIndonesia = production
        fromIndonesia.exporter = .indonesia
        #expect {
            try t.checkOrigin(importer: .unitedKingdom, scheme: "UK-Japan", production: fromIndonesia, on: try day("2026-06-01"))
        } throws: { ($0 as? TarifError)?.location?.field == "exporter" }
    }

    /// Japan's heading 1514 has two rule sets told apart by description: rapeseed oil (the
    /// rapeseed of heading 1205 wholly obtained) and mustard oil (CTH). The first is applied and
    /// must be confirmed; the second is there for the asking.
    @Test func anExRuleIsChosenByDescription() throws {
        let t = try tarif()
        let book = try t.productRules(importer: .unitedKingdom, scheme: "japan")
        let candidates = book.candidates(for: try TariffCode("1514.11"))
        #expect(candidates.count >= 2)
        #expect(candidates[0].source.subdivision.hasPrefix("Rape or Colza oil"))
        #expect(candidates[0].source.isPartial)
        let production = Production(
            product: try TariffCode("1514.11"), exporter: try CountryCode("JPN"), materials: [try material(2, "1205.10", "CAN", 500)], fob: 1_000, exWorks: 900)
        let rapeseed = try t.checkOrigin(importer: .unitedKingdom, scheme: "japan", production: production, on: try day("2025-01-01"))
        #expect(rapeseed.qualifies == false)
        #expect(rapeseed.notes.first?.contains("confirm the good fits this description") == true)
        let mustard = try t.checkOrigin(importer: .unitedKingdom, scheme: "japan", production: production, on: try day("2025-01-01"), ruleSet: 2)
        #expect(mustard.qualifies == true)
        #expect(mustard.rule.contains("CTH"))
    }

    /// German materials count for a Korean good (UK-Korea: diagonal cumulation with the EU), not
    /// for a Japanese one (UK-Japan: the EU only by extended cumulation, on its conditions).
    @Test func diagonalCumulationWhereTheSchemeHasIt() throws {
        let t = try tarif()
        func production(_ exporter: String) throws -> Production {
            Production(
                product: try TariffCode("8516.60"), exporter: try CountryCode(exporter),
                materials: [try material(2, "8516.90", "DEU", 3_000, originating: true)], fob: 10_000, exWorks: 9_000)
        }
        let korea = try t.checkOrigin(importer: .unitedKingdom, scheme: "south-korea", production: try production("KOR"), on: try day("2025-01-01"))
        #expect(korea.nonOriginatingValue == 0)
        let japan = try t.checkOrigin(importer: .unitedKingdom, scheme: "japan", production: try production("JPN"), on: try day("2025-01-01"))
        #expect(japan.nonOriginatingValue == 3_000)
        #expect(japan.notes.contains { $0.contains("Extended cumulation") })
        let extended = try t.checkOrigin(
            importer: .unitedKingdom, scheme: "japan", production: try production("JPN"), on: try day("2025-01-01"), extendedCumulation: true)
        #expect(extended.nonOriginatingValue == 0)
    }

    @Test func anUnknownSchemeOrACodeNoRuleCoversSaysWhat() throws {
        let t = try tarif()
        #expect { try t.productRules(importer: .unitedKingdom, scheme: "atlantis") } throws: {
            ($0 as? TarifError)?.message.contains("loaded: albania") == true
        }
        let production = Production(product: try TariffCode("99"), exporter: try CountryCode("JPN"), materials: [], fob: 1_000, exWorks: 900)
        #expect { try t.checkOrigin(importer: .unitedKingdom, scheme: "japan", production: production, on: try day("2025-01-01")) } throws: {
            ($0 as? TarifError)?.location?.field == "product"
        }
    }
}
