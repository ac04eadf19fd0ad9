import TarifCore
@testable import TarifRegistry
import TarifRules
import Testing

/// The resolver on a fixture registry and a fixture line: every rule, without the real data.
/// Names are compared by a key (capitals, letters, digits, `+` and `*`); ASCII names take a
/// byte path, which must give the key the Unicode path gives.
@Suite struct NameKeyTests {
    static func unicodeKey(_ s: String) -> String {
        String(String.UnicodeScalarView(s.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "*" }))
    }

    @Test func theASCIIPathGivesTheUnicodeKey() {
        var every = ""
        for i in 1..<0x80 { every.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        for name in [every, "", "US-GSP", "A+", "S*", "usmca", "Viet Nam", "EU–UK TCA", "Côte d'Ivoire", "Türkiye", "straße", "RCEP (2022)"] {
            #expect(Registry.key(name) == Self.unicodeKey(name), "\(name)")
        }
        #expect(Registry.key("Côte d'Ivoire") == "CÔTEDIVOIRE")
        #expect(Registry.key("us-gsp a+") == "USGSPA+")
    }
}

@Suite struct ResolverTests {
    typealias F = Fixture

    static let gsp = F.agreement(
        "GSP", inForce: "1976-01-01", ended: "2021-01-01", type: .unilateralPreference,
        parties: [F.party("GGG", side: "G", role: .grantor), F.party("AAA", side: "B", role: .beneficiary), F.party("BBB", side: "B", role: .beneficiary)])
    static let fta = F.agreement("FTA", inForce: "2015-01-01", parties: [F.party("GGG", side: "G"), F.party("CCC", side: "C", from: "2016-01-01")])
    static let fta2 = F.agreement("FTA2", inForce: "2015-01-01", parties: [F.party("GGG", side: "G"), F.party("CCC", side: "C")])
    static let programs = [
        PreferenceProgram(importer: F.code("GGG"), code: "A*", agreement: "GSP", name: "GSP", beneficiaries: .parties, provision: "note 4(d)"),
        PreferenceProgram(importer: F.code("GGG"), code: "F", agreement: "FTA", name: "FTA", beneficiaries: .parties, provision: "note 9"),
        PreferenceProgram(importer: F.code("GGG"), code: "F2", agreement: "FTA2", name: "FTA2", beneficiaries: .parties, provision: "note 10"),
    ]

    func registry() throws -> Registry {
        try F.registry(
            agreements: [Self.gsp, Self.fta, Self.fta2], programs: Self.programs,
            withdrawals: [
                MFNWithdrawal(
                    importer: F.code("GGG"), country: F.code("DDD"), from: F.date("2022-04-09"), instrument: "Act 1",
                    justification: "Art. XXI", sources: [F.source])
            ],
            exclusions: [LineExclusion(importer: F.code("GGG"), program: "A*", code: try TariffCode("0101"), origin: F.code("BBB"), source: F.source)])
    }

    func line(_ special: [(String, String)]) throws -> LineTariff {
        let p = DutyExpressionParser(dialect: .usHTS)
        let info = ScheduleInfo(
            series: "GGG-MFN", importer: F.code("GGG"), title: "GGG tariff", nomenclature: "HS", currency: .usd, validFrom: F.day("2010-01-01"),
            legalSource: "GGG Tariff Act", sourceFile: "f", contentHash: "h")
        let code = try TariffCode("0101.21.00")
        var rates = [
            LineRate(code: code, kind: .mfn, text: "10%", expression: try p.parse("10%")),
            LineRate(code: code, kind: .nonMFN, text: "30%", expression: try p.parse("30%")),
        ]
        for (program, text) in special { rates.append(LineRate(code: code, kind: .preferential, program: program, text: text, expression: try p.parse(text))) }
        return LineTariff(
            schedule: StoredSchedule(id: 1, info: info, validity: Validity(start: info.validFrom), lineCount: 1, rateCount: rates.count, unparsedCount: 0),
            line: TariffLine(code: code, indent: 0, descriptionEnglish: "Horses"), publishedOn: code, rates: rates)
    }

    func resolve(_ origin: String, _ day: String, _ special: [(String, String)]) throws -> DutyResolution {
        let context = DutyContext(currency: .usd, customsValue: Money(1_000, .usd), day: F.day(day))
        return try DutyResolver(registry: try registry()).resolve(try line(special), origin: F.code(origin), day: F.day(day), context: context)
    }

    @Test func gspBeforeAndAfterItsLapse() throws {
        let before = try resolve("AAA", "2020-06-01", [("A*", "Free")])
        #expect(before.appliedTreatment?.label == "GSP (A*)")
        #expect(before.fallback.map { before.treatments[$0].label } == "MFN")
        #expect(before.appliedTreatment?.marginOfPreference == Money(100, .usd))
        let after = try resolve("AAA", "2021-06-01", [("A*", "Free")])
        #expect(after.appliedTreatment?.label == "MFN")
        #expect(after.treatments.first { $0.label == "GSP (A*)" }?.excludedBecause?.contains("ended 2021-01-01") == true)
    }

    @Test func aStarExclusionRemovesTheOriginOnTheLine() throws {
        let r = try resolve("BBB", "2020-06-01", [("A*", "Free")])
        #expect(r.appliedTreatment?.label == "MFN")
        #expect(r.treatments.first { $0.label == "GSP (A*)" }?.excludedBecause?.contains("excluded from A*") == true)
    }

    @Test func aPartyBeforeItsOwnEntryIntoForce() throws {
        let r = try resolve("CCC", "2015-06-01", [("F", "Free"), ("F2", "5%")])
        #expect(r.appliedTreatment?.label == "FTA2 (F2)")
        #expect(r.treatments.first { $0.label == "FTA (F)" }?.excludedBecause?.contains("2016-01-01") == true)
    }

    @Test func tiedPreferencesAreBothApplied() throws {
        let r = try resolve("CCC", "2017-06-01", [("F", "Free"), ("F2", "Free")])
        #expect(r.applied.map { r.treatments[$0].label } == ["FTA (F)", "FTA2 (F2)"])
        #expect(r.explanation.english.contains("same rate"))
    }

    @Test func anAgreementWithoutARateOnTheLineIsListed() throws {
        let r = try resolve("CCC", "2017-06-01", [("F", "Free")])
        let t = try #require(r.treatments.first { $0.agreement == "FTA2" })
        #expect(t.rate == nil)
        #expect(t.excludedBecause?.contains("no rate under F2") == true)
    }

    @Test func withdrawnMFNGivesTheColumnTwoRate() throws {
        let before = try resolve("DDD", "2022-04-08", [])
        #expect(before.appliedTreatment?.kind == .mfn)
        let after = try resolve("DDD", "2022-04-09", [])
        #expect(after.appliedTreatment?.kind == .nonMFN)
        #expect(after.appliedTreatment?.duty == Money(300, .usd))
        #expect(after.appliedTreatment?.legalBasis.article == "Art. XXI")
        #expect(try registry().changeDays(importer: F.code("GGG"), origin: F.code("DDD")).contains(F.day("2022-04-09")))
    }

    @Test func everyTreatmentNamesItsLegalBasis() throws {
        for origin in ["AAA", "BBB", "CCC", "DDD", "EEE"] {
            let r = try resolve(origin, "2020-06-01", [("A*", "Free"), ("F", "Free"), ("F2", "2%")])
            for t in r.treatments {
                #expect(!t.legalBasis.article.isEmpty && !t.legalBasis.instrument.isEmpty, "\(origin) \(t.label)")
            }
        }
    }

    @Test func rankingPrefersFreeWhenTheFloorNeedsAQuantity() {
        let choice = Ranking.choose(floor: 0, candidates: [1, 2], duty: { [nil, 0, 5][$0] }, percent: { [nil, 0, nil][$0] })
        #expect(choice.applied == [1] && choice.ranked)
        let unranked = Ranking.choose(floor: 0, candidates: [1], duty: { [nil, nil][$0] }, percent: { [nil, 3][$0] })
        #expect(unranked.applied == [0] && !unranked.ranked)
    }
}

/// A name of any length costs bounded work and is never echoed whole (a 100 KB origin took
/// 10–16 s of suggestions and came back in the message).
@Suite struct HostileNameTests {
    @Test func longNamesAreRefusedAtOnce() throws {
        let registry = try ResolverTests().registry()
        let started = ContinuousClock.now
        for length in [201, 4_000, 100_000] {
            let name = String(repeating: "Indonesia", count: length / 9 + 1)
            for lookup in [{ _ = try registry.countryCode(named: name) }, { _ = try registry.agreement(named: name) }, { _ = try registry.institution(named: name) }] {
                #expect {
                    try lookup()
                } throws: { error in
                    let e = error as? TarifError
                    return e?.code == .tooLarge && (e?.message.utf8.count ?? .max) < 300
                }
            }
        }
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func suggestionsAreBoundedAndStillHelp() {
        let candidates = (0..<5_000).map { "Country number \($0)" } + ["Indonesia"]
        let started = ContinuousClock.now
        #expect(Suggest.closest(to: String(repeating: "x", count: 200), among: candidates).isEmpty)
        #expect(Suggest.closest(to: String(repeating: "x", count: 100_000), among: candidates).isEmpty)
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(Suggest.closest(to: "Indonesai", among: candidates) == ["Indonesia"])
    }
}
