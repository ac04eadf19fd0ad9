import Testing
import TarifCore
@testable import TarifRegistry

/// Small registries written here, to test the temporal and structural logic case by case.
enum Fixture {
    static func day(_ s: String) -> Day { try! Day(iso: s) }
    static func code(_ s: String) -> CountryCode { try! CountryCode(s) }
    static func date(_ s: String) -> FactDate { try! FactDate(parsing: s) }

    static func country(_ code: String, region: String = "Asia", ldc: Bool = false) -> Country {
        Country(
            code: try! CountryCode(code), alpha2: String(code.prefix(2)), numeric: "", name: "Country \(code)", officialName: "",
            region: region, subregion: "", isLeastDeveloped: ldc, isLandlockedDeveloping: false, isSmallIslandDeveloping: false,
            currency: "", independence: "Yes")
    }

    static let source = SourceRef(title: "test fixture")

    static func party(_ p: String, side: String? = nil, role: PartyRole? = nil, from: String? = nil, to: String? = nil) -> Party {
        Party(party: try! PartyRef(parsing: p), side: side, role: role, from: from.map(date), to: to.map(date))
    }

    static func agreement(
        _ id: String, inForce: String = "2010-01-01", ended: String? = nil, type: AgreementType = .freeTradeAgreement,
        composition: Composition? = nil, sources: [SourceRef] = [source], parties: [Party]
    ) -> Agreement {
        Agreement(
            id: id, name: "\(id) agreement", shortName: id, type: type, coverage: [.goods], basis: [.gattXXIV], inForce: date(inForce),
            ended: ended.map(date), composition: composition, parties: parties, sources: sources)
    }

    /// Four Asian countries (AAA, BBB, CCC in a bloc "BLOC"; DDD outside), EEE in Europe, LLL a least developed
    /// country that graduates on 2020-01-01, and GGG a grantor.
    static func registry(
        agreements: [Agreement], programs: [PreferenceProgram] = [], members: [Membership]? = nil,
        withdrawals: [MFNWithdrawal] = [], exclusions: [LineExclusion] = []
    ) throws -> Registry {
        let countries = ["AAA", "BBB", "CCC", "DDD", "GGG"].map { country($0) } + [country("EEE", region: "Europe"), country("LLL", ldc: true)]
        let bloc = Institution(
            id: "BLOC", name: "A bloc", kind: .regionalTradeBloc, description: "test", founded: date("2000-01-01"),
            members: members ?? [
                Membership(member: code("AAA"), from: date("2000-01-01")),
                Membership(member: code("BBB"), from: date("2000-01-01")),
                Membership(member: code("CCC"), from: date("2015-01-01"), to: date("2020-01-01")),
            ], sources: [source])
        return try Registry(
            RegistryInput(
                countries: countries,
                ldcGraduations: [LDCGraduation(country: code("LLL"), graduated: date("2020-01-01"), source: source)],
                institutions: [bloc], agreements: agreements, programs: programs, mfnWithdrawals: withdrawals, lineExclusions: exclusions))
    }
}

@Suite struct TemporalLogicTests {
    typealias F = Fixture

    @Test("a party that joins late shares the agreement only from its own date", arguments: [
        ("2011-06-01", 0), ("2011-12-31", 0), ("2012-01-10", 1), ("2030-01-01", 1),
    ])
    func lateJoiner(day: String, expected: Int) throws {
        let r = try F.registry(agreements: [
            F.agreement("FTA", parties: [F.party("AAA"), F.party("DDD", from: "2012-01-10")])
        ])
        #expect(r.common(F.code("AAA"), F.code("DDD"), on: F.day(day)).count == expected)
        #expect(r.sharedCount(F.code("AAA"), F.code("DDD"), on: F.day(day)) == expected)
    }

    @Test("a party that leaves stops sharing on its exit day", arguments: [
        ("2014-12-31", 1), ("2015-01-01", 0), ("2009-12-31", 0),
    ])
    func leaver(day: String, expected: Int) throws {
        let r = try F.registry(agreements: [
            F.agreement("FTA", parties: [F.party("AAA"), F.party("DDD", to: "2015-01-01")])
        ])
        #expect(r.common(F.code("DDD"), F.code("AAA"), on: F.day(day)).count == expected)
    }

    @Test("a lapsed program gives nothing after its end", arguments: [
        ("2020-12-31", true), ("2021-01-01", false), ("1975-12-31", false),
    ])
    func lapse(day: String, eligible: Bool) throws {
        let gsp = F.agreement(
            "GSP", inForce: "1976-01-01", ended: "2021-01-01", type: .unilateralPreference,
            parties: [F.party("GGG", side: "G", role: .grantor), F.party("AAA", side: "B", role: .beneficiary)])
        let p = PreferenceProgram(importer: F.code("GGG"), code: "A", agreement: "GSP", name: "GSP", beneficiaries: .parties, provision: "note 4")
        let r = try F.registry(agreements: [gsp], programs: [p])
        #expect(r.isEligible(origin: F.code("AAA"), importer: F.code("GGG"), program: "A", on: F.day(day)) == eligible)
        #expect(try r.eligibility(origin: F.code("AAA"), importer: F.code("GGG"), program: "A", on: F.day(day)).eligible == eligible)
    }

    @Test("a unilateral scheme flows one way only")
    func direction() throws {
        let gsp = F.agreement(
            "GSP", type: .unilateralPreference,
            parties: [F.party("GGG", side: "G", role: .grantor), F.party("AAA", side: "B", role: .beneficiary), F.party("DDD", side: "B", role: .beneficiary)])
        let r = try F.registry(agreements: [gsp])
        let shared = r.common(F.code("GGG"), F.code("AAA"), on: F.day("2015-01-01"))
        #expect(shared.map(\.direction) == [.firstGrantsSecond])
        #expect(r.common(F.code("AAA"), F.code("GGG"), on: F.day("2015-01-01")).map(\.direction) == [.secondGrantsFirst])
        // Two beneficiaries give each other nothing.
        #expect(r.common(F.code("AAA"), F.code("DDD"), on: F.day("2015-01-01")).isEmpty)
        #expect(r.forms == [.unilateral])
    }

    @Test("parties on the same side get no preference from each other")
    func sameSide() throws {
        let r = try F.registry(agreements: [
            F.agreement("PLUS1", composition: .bilateralOnePartyRTA, parties: [F.party("AAA", side: "X"), F.party("BBB", side: "X"), F.party("DDD")])
        ])
        #expect(r.common(F.code("AAA"), F.code("BBB"), on: F.day("2015-01-01")).isEmpty)
        #expect(r.common(F.code("AAA"), F.code("DDD"), on: F.day("2015-01-01")).count == 1)
        #expect(r.forms == [.regional])
    }

    @Test("a bloc party covers its members only while they are members", arguments: [
        ("2014-06-01", false), ("2016-06-01", true), ("2020-01-01", false),
    ])
    func blocMembership(day: String, covered: Bool) throws {
        let r = try F.registry(agreements: [F.agreement("BLOC-EEE", parties: [F.party("@BLOC"), F.party("EEE")])])
        #expect(r.common(F.code("CCC"), F.code("EEE"), on: F.day(day)).isEmpty == !covered)
        #expect(r.forms == [.bilateral])
    }

    @Test("A+ requires least-developed status on the day", arguments: [("2019-12-31", true), ("2020-01-01", false)])
    func leastDeveloped(day: String, eligible: Bool) throws {
        let gsp = F.agreement(
            "GSP", type: .unilateralPreference, parties: [F.party("GGG", side: "G", role: .grantor), F.party("LLL", side: "B", role: .beneficiary)])
        let p = PreferenceProgram(
            importer: F.code("GGG"), code: "A+", agreement: "GSP", name: "GSP LDC", beneficiaries: .leastDevelopedParties, provision: "note 4(b)")
        let r = try F.registry(agreements: [gsp], programs: [p])
        #expect(r.isEligible(origin: F.code("LLL"), importer: F.code("GGG"), program: "A+", on: F.day(day)) == eligible)
        #expect(r.developmentStatus(F.code("LLL"), on: F.day(day)).0 == (eligible ? .leastDeveloped : nil))
    }

    @Test("forms are derived from the parties", arguments: [
        (["AAA", "DDD"], [String?](repeating: nil, count: 2), AgreementForm.bilateral),
        (["AAA", "BBB", "DDD"], [nil, nil, nil], .regional),
        (["AAA", "BBB", "EEE"], [nil, nil, nil], .plurilateral),
        (["AAA", "BBB", "EEE"], ["X", "X", nil], .interRegional),
    ])
    func forms(parties: [String], sides: [String?], form: AgreementForm) throws {
        let r = try F.registry(agreements: [F.agreement("T", parties: zip(parties, sides).map { F.party($0, side: $1) })])
        #expect(r.forms == [form])
    }
}

@Suite struct InvariantTests {
    typealias F = Fixture

    func problems(_ agreements: [Agreement], programs: [PreferenceProgram] = []) -> [String] {
        do {
            _ = try F.registry(agreements: agreements, programs: programs)
            return []
        } catch let e as RegistryProblems {
            return e.problems
        } catch {
            return ["\(error)"]
        }
    }

    @Test func unknownParty() {
        let p = problems([F.agreement("X", parties: [F.party("AAA"), F.party("ZZZ"), F.party("@NOPE")])])
        #expect(p.contains("agreement X: party ZZZ is not a known country"))
        #expect(p.contains("agreement X: party @NOPE is not an institution"))
    }

    @Test func partyBeforeEntryIntoForce() {
        let p = problems([F.agreement("X", inForce: "2010-01-01", parties: [F.party("AAA", from: "2009-12-31"), F.party("DDD")])])
        #expect(p == ["agreement X: party AAA enters on 2009-12-31, before the agreement's entry into force (2010-01-01)"])
    }

    @Test func missingSource() {
        let p = problems([F.agreement("X", sources: [], parties: [F.party("AAA"), F.party("DDD")])])
        #expect(p.contains("agreement X has no source"))
    }

    @Test func compositionMismatch() {
        let p = problems([F.agreement("X", composition: .bilateral, parties: [F.party("AAA"), F.party("BBB"), F.party("DDD")])])
        #expect(p == ["agreement X is recorded as bilateral but its parties make it plurilateral"])
    }

    @Test func programWithoutAgreement() {
        let program = PreferenceProgram(importer: F.code("GGG"), code: "Z", agreement: "NONE", name: "z", beneficiaries: .parties, provision: "n")
        let p = problems([], programs: [program])
        #expect(p == ["program GGG Z names agreement NONE, which is not in the registry"])
    }

    @Test func oneSided() {
        let p = problems([F.agreement("X", parties: [F.party("AAA", side: "S"), F.party("DDD", side: "S")])])
        #expect(p == ["agreement X has all its parties on one side"])
    }
}

@Suite struct SuggestionTests {
    @Test func closestNames() {
        #expect(Suggest.closest(to: "RECP", among: ["RCEP", "ATIGA", "ACFTA"]) == ["RCEP"])
        #expect(Suggest.closest(to: "indonsia", among: ["Indonesia", "India", "Ireland"]).first == "Indonesia")
        #expect(Suggest.closest(to: "qqqqqq", among: ["RCEP"]).isEmpty)
    }

    @Test func factDates() throws {
        #expect(try FactDate(parsing: "1991").description == "1991")
        #expect(try FactDate(parsing: "1989-11").day == Day(iso: "1989-11-01"))
        #expect(throws: TarifError.self) { try FactDate(parsing: "2023-02-30") }
        #expect(throws: TarifError.self) { try FactDate(parsing: "19-11") }
    }
}
