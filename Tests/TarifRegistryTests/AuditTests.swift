import TarifCore
@testable import TarifRegistry
import TarifRules
import Testing

/// The MFN audit on a fixture registry built to be wrong in known ways: every finding
/// the audit must make, and every justification it must accept, without the real data.
@Suite struct AuditTests {
    typealias F = Fixture

    /// GGG (developed) imports. AAA, BBB, CCC developing Members; EEE developed; LLL least
    /// developed until 2020-01-01; NNN not a Member; DDD a Member under Art. XXI column 2;
    /// XXX a non-Member on column 2; YYY a Member whose withdrawal wrongly claims non-membership.
    static func registry() throws -> Registry {
        let codes = ["GGG", "AAA", "BBB", "CCC", "DDD", "EEE", "NNN", "XXX", "YYY"]
        let countries = codes.map { F.country($0) } + [F.country("LLL", ldc: true)]
        let members = (codes + ["LLL"]).filter { $0 != "NNN" && $0 != "XXX" }
        func ag(_ id: String, _ type: AgreementType, _ basis: [NotificationBasis], inForce: String, ended: String? = nil, waivers: [Waiver]? = nil, _ parties: [Party])
            -> Agreement
        {
            Agreement(
                id: id, name: "\(id) instrument", shortName: id, type: type, coverage: [.goods], basis: basis, inForce: F.date(inForce),
                ended: ended.map(F.date), parties: parties, waivers: waivers, sources: [F.source])
        }
        let grantor = F.party("GGG", side: "G", role: .grantor)
        let agreements = [
            ag("FTA", .freeTradeAgreement, [.gattXXIV], inForce: "2015-01-01", [F.party("GGG", side: "G"), F.party("CCC", side: "C", from: "2016-01-01"), F.party("NNN", side: "N")]),
            ag("GSP", .unilateralPreference, [.enablingClauseGSP], inForce: "1976-01-01", ended: "2021-01-01",
               [grantor, F.party("AAA", side: "B", role: .beneficiary), F.party("BBB", side: "B", role: .beneficiary)]),
            // Wrong: a developed Member among a GSP's beneficiaries.
            ag("GSP2", .unilateralPreference, [.enablingClauseGSP], inForce: "2000-01-01", [grantor, F.party("EEE", side: "B", role: .beneficiary)]),
            // Wrong: a "GSP" whose beneficiary gives preferences back.
            ag("RGSP", .unilateralPreference, [.enablingClauseGSP], inForce: "2000-01-01", [F.party("GGG", side: "G"), F.party("AAA", side: "A")]),
            ag("LDCS", .unilateralPreference, [.enablingClauseLDC], inForce: "2000-01-01", [grantor, F.party("LLL", side: "B", role: .beneficiary)]),
            ag("WAIV", .unilateralPreference, [.wtoWaiver], inForce: "2000-01-01",
               waivers: [Waiver(decision: "General Council, 2010", from: F.date("2010-01-01"), until: F.date("2021-01-01"), source: F.source)],
               [grantor, F.party("BBB", side: "B", role: .beneficiary)]),
            ag("PSA", .partialScope, [.notNotified], inForce: "2000-01-01", [F.party("GGG", side: "G"), F.party("EEE", side: "E")]),
        ]
        func program(_ code: String, _ ag: String, grantedTo: [String]? = nil, applied: String? = nil) -> PreferenceProgram {
            PreferenceProgram(
                importer: F.code("GGG"), code: code, agreement: ag, name: ag, beneficiaries: .parties, provision: "note \(code)",
                grantedTo: grantedTo?.map(F.code), applied: applied.map { Tenure(from: F.date($0)) })
        }
        let programs = [
            program("F", "FTA"),
            // Wrong: the importer's law gives the FTA code to AAA, no party.
            program("K", "FTA", grantedTo: ["CCC", "AAA"]),
            // Wrong: applied from the FTA's entry into force to CCC, which joins a year later.
            program("FE", "FTA", grantedTo: ["CCC"], applied: "2015-01-01"),
            program("A", "GSP"),
            // Wrong: the GSP code kept in use after the scheme lapsed.
            program("AL", "GSP", grantedTo: ["AAA"], applied: "1976-01-01"),
            program("G", "GSP2"), program("R", "RGSP"), program("L", "LDCS"), program("W", "WAIV"), program("P", "PSA"),
        ]
        func withdrawal(_ c: String, _ e: MFNException) -> MFNWithdrawal {
            MFNWithdrawal(importer: F.code("GGG"), country: F.code(c), from: F.date("2000-01-01"), instrument: "Act \(c)", justification: "as invoked", exception: e, sources: [F.source])
        }
        return try Registry(
            RegistryInput(
                countries: countries,
                wto: members.map { WTOEntry(party: .country(F.code($0)), status: .member, since: F.date("1995-01-01")) }, wtoSource: F.source,
                developed: [F.code("GGG"), F.code("EEE")],
                ldcGraduations: [LDCGraduation(country: F.code("LLL"), graduated: F.date("2020-01-01"), source: F.source)],
                agreements: agreements, programs: programs,
                mfnWithdrawals: [withdrawal("DDD", .security), withdrawal("XXX", .notAMember), withdrawal("YYY", .notAMember)]))
    }

    static func input() throws -> AuditInput {
        let p = DutyExpressionParser(dialect: .usHTS)
        let info = ScheduleInfo(
            series: "GGG-MFN", importer: F.code("GGG"), title: "GGG tariff", nomenclature: "HS", currency: .usd, validFrom: F.day("2010-01-01"),
            legalSource: "GGG Tariff Act", sourceFile: "f", contentHash: "h")
        let horses = try TariffCode("0101.21.00")
        let beef = try TariffCode("0201.10.00")
        var rates = [
            LineRate(code: horses, kind: .mfn, text: "10%", expression: try p.parse("10%")),
            LineRate(code: horses, kind: .nonMFN, text: "30%", expression: try p.parse("30%")),
            LineRate(code: beef, kind: .mfn, text: "2%", expression: try p.parse("2%")),
            LineRate(code: beef, kind: .preferential, program: "F", text: "2%", expression: try p.parse("2%")),
        ]
        for (code, text) in [("F", "Free"), ("K", "Free"), ("FE", "Free"), ("A", "Free"), ("AL", "Free"), ("G", "Free"), ("R", "Free"), ("L", "Free"), ("W", "5%"), ("P", "2%")] {
            rates.append(LineRate(code: horses, kind: .preferential, program: code, text: text, expression: try p.parse(text)))
        }
        return AuditInput(
            info: info, lines: [TariffLine(code: horses, indent: 0, descriptionEnglish: "Horses"), TariffLine(code: beef, indent: 0, descriptionEnglish: "Beef")],
            rates: rates)
    }

    func audit(_ day: String, origins: [String]? = nil, grants: [HypotheticalGrant] = []) throws -> AuditReport {
        MFNAudit(registry: try Self.registry()).run(try Self.input(), on: F.day(day), origins: origins?.map(F.code), grants: grants)
    }

    /// The line-by-line differences a measure makes for an origin, grouped.
    func group(_ r: AuditReport, _ measure: String, _ origin: String) -> AuditGroup? {
        r.groups.first { $0.measure.name == measure && $0.origins.contains(F.code(origin)) }
    }

    /// The check of a program code's grant to an origin, whatever the lines.
    func check(_ r: AuditReport, _ measure: String, _ origin: String) -> ProgramCheck? {
        r.programs.first { $0.measure.name == measure && $0.origins.contains(F.code(origin)) }
    }

    @Test func programGrantedToANonPartyIsAFinding() throws {
        let r = try audit("2017-06-01")
        // In 2017 AAA also gets GSP's free rate, so the wrong grant gives it nothing more on the line,
        // but the grant itself is caught.
        let c = try #require(check(r, "K", "AAA"))
        #expect(c.status == .unjustified)
        #expect(c.reasons.contains { $0.contains("AAA is not a party to FTA") })
        #expect(check(r, "K", "CCC")?.status == .justified)
        // After GSP lapsed, the wrong grant is what gives AAA its free rate: a finding on the line.
        let g = try #require(group(try audit("2022-06-01", origins: ["AAA"]), "K", "AAA"))
        #expect(g.status == .unjustified)
        #expect(g.reasons.contains { $0.contains("AAA is not a party to FTA") })
        #expect(g.exceptionsTried == [.customsUnionOrFreeTradeArea])
        // CCC, a party in force, gets the same code lawfully (F and K both free: the justified one decides).
        #expect(group(r, "F", "CCC")?.status == .justified)
        #expect(group(r, "F", "CCC")?.exception == .customsUnionOrFreeTradeArea)
        #expect(group(r, "F", "CCC")?.conditional == true)
        let f = try #require(try audit("2022-06-01", origins: ["AAA"]).findings.first { $0.measure.name == "K" })
        #expect(f.line.formatted == "0101.21.00" && f.rateText == "Free" && f.mfnRateText == "10%" && f.direction == .advantage)
    }

    @Test func gspUsedAfterItLapsedIsAFinding() throws {
        let before = try audit("2019-06-01")
        #expect(group(before, "A", "AAA")?.status == .justified)
        #expect(group(before, "A", "AAA")?.exception == .enablingClauseGSP)
        #expect(group(before, "A", "AAA")?.conditional == false)
        let after = try audit("2022-06-01")
        let g = try #require(check(after, "AL", "AAA"))
        #expect(g.status == .unjustified)
        #expect(g.reasons.contains { $0.contains("GSP ended on 2021-01-01") })
        #expect(g.linesPrinted == 1)
        // The code the registry applies only while the scheme lasts gives nothing, and is listed as not applied.
        #expect(group(after, "A", "BBB") == nil)
        #expect(after.unused.contains { $0.hasPrefix("A (GSP)") })
    }

    @Test func preferenceBeforeThePartysEntryIntoForce() throws {
        let r = try audit("2015-06-01", origins: ["CCC"])
        #expect(group(r, "K", "CCC")?.status == .unjustified)
        let g = try #require(check(r, "FE", "CCC"))
        #expect(g.status == .unjustified)
        #expect(g.reasons.contains { $0.contains("enters into force for CCC only on 2016-01-01") })
        #expect(try audit("2016-06-01", origins: ["CCC"]).differences[.unjustified] == nil)
    }

    @Test func gspToADevelopedMemberAndReciprocalGSP() throws {
        let r = try audit("2019-06-01")
        #expect(group(r, "G", "EEE")?.status == .unjustified)
        #expect(group(r, "G", "EEE")?.reasons.contains { $0.contains("EEE is a developed Member") } == true)
        // AAA gets A (justified) and R (a reciprocal "GSP"), both free: the justified one covers the difference.
        #expect(group(r, "A", "AAA")?.status == .justified)
        #expect(check(r, "R", "AAA")?.reasons.contains { $0.contains("a GSP must be non-reciprocal") } == true)
    }

    @Test func ldcTreatmentEndsWithGraduation() throws {
        #expect(group(try audit("2019-06-01"), "L", "LLL")?.exception == .enablingClauseLDC)
        let g = try #require(group(try audit("2021-06-01"), "L", "LLL"))
        #expect(g.status == .unjustified)
        #expect(g.reasons.contains { $0.contains("not on the UN list of least developed countries") })
    }

    @Test func waiverCoversItsPeriodOnly() throws {
        let during = try #require(check(try audit("2019-06-01", origins: ["BBB"]), "W", "BBB"))
        #expect(during.status == .justified && during.exception == .waiver)
        #expect(during.instrument.contains("General Council, 2010"))
        let after = try #require(group(try audit("2022-06-01", origins: ["BBB"]), "W", "BBB"))
        #expect(after.status == .undetermined)
        #expect(after.reasons.contains { $0.contains("ended on 2021-01-01; no later waiver is recorded") })
    }

    @Test func unnotifiedPartialScopeAgreement() throws {
        let g = try #require(check(try audit("2019-06-01", origins: ["EEE"]), "P", "EEE"))
        #expect(g.status == .unjustified)
        #expect(g.reasons.contains { $0.contains("not notified") })
    }

    @Test func column2ClassifiedByItsJustification() throws {
        let r = try audit("2019-06-01")
        #expect(group(r, "column 2", "DDD")?.status == .justified)
        #expect(group(r, "column 2", "DDD")?.exception == .security)
        #expect(group(r, "column 2", "XXX")?.exception == .notAMember)
        let wrong = try #require(group(r, "column 2", "YYY"))
        #expect(wrong.status == .unjustified)
        #expect(wrong.reasons.contains { $0.contains("YYY is a Member since 1995-01-01") })
        #expect(group(r, "column 2", "DDD")?.direction == .disadvantage)
    }

    @Test func nonMemberOwedNothing() throws {
        let r = try audit("2019-06-01", origins: ["NNN"])
        let g = try #require(group(r, "F", "NNN"))
        #expect(g.status == .justified && g.exception == .notAMember)
        #expect(r.members == 0 && r.pairsCompared == 0)
    }

    @Test func pairsAndCounts() throws {
        // On 2017-06-01 BBB (GSP), CCC (FTA) and EEE (GSP2) enter horses free, DDD pays column 2; beef's F rate equals MFN.
        let r = try audit("2017-06-01", origins: ["BBB", "CCC", "DDD", "EEE"])
        #expect(r.linesScanned == 2)
        #expect(r.pairsCompared == 2 * 6)
        // Horses: {BBB, CCC, EEE} free, {DDD} 30%: the three pairs with DDD differ.
        #expect(r.pairsTreatedDifferently == 3)
        #expect(r.linesWithDifferences == 1)
        #expect(r.differences.values.reduce(0, +) == 4)
        #expect(r.conditionalDifferences == 1)
    }

    @Test func whatIfGrants() throws {
        let reg = try Self.registry()
        func grant(_ s: String) throws -> HypotheticalGrant { try HypotheticalGrant.parse(s, currency: .usd) }
        let r = MFNAudit(registry: reg).run(
            try Self.input(), on: F.day("2016-06-01"), grants: [try grant("CCC:0101:0"), try grant("EEE:0101:0"), try grant("NNN:0101:0"), try grant("YYY:0101:0")])
        let ccc = r.whatIf[0]
        #expect(ccc.verdict.status == .justified && ccc.coveredBy == ["FTA"])
        #expect(ccc.answer.contains("covered by FTA (Art. XXIV)"))
        #expect(ccc.lines == 1 && ccc.linesDiffering == 1)
        let eee = r.whatIf[1]
        #expect(eee.verdict.status == .unjustified)
        #expect(eee.answer.contains("would breach GATT 1994 Art. I:1"))
        // Every arrangement EEE is in was tried, and why each fails is said.
        #expect(eee.verdict.failures.contains { $0.reason.contains("EEE is a developed Member") })
        #expect(eee.verdict.failures.contains { $0.reason.contains("PSA is not notified") })
        #expect(r.whatIf[2].verdict.exception == .notAMember)
        #expect(r.whatIf[3].verdict.summary.contains("no agreement or scheme under which GGG grants preferences to YYY"))
        // Before CCC's own entry into force the same grant is not covered.
        let early = MFNAudit(registry: reg).run(try Self.input(), on: F.day("2015-06-01"), grants: [try grant("CCC:0101:0:FTA")])
        #expect(early.whatIf[0].verdict.status == .unjustified)
        #expect(early.whatIf[0].verdict.summary.contains("only on 2016-01-01"))
    }

    @Test("a malformed grant names what is wrong", arguments: [
        ("VNM:1006.30", "ORIGIN:CODE:RATE"), ("VN:1006.30:0", "alpha-3"), ("VNM:10x6:0", "not a tariff code"), ("VNM:1006.30:abc", "not a rate"),
    ])
    func badGrant(text: String, phrase: String) {
        #expect {
            try HypotheticalGrant.parse(text, currency: .usd)
        } throws: { error in
            (error as? TarifError)?.message.contains(phrase) == true && (error as? TarifError)?.message.contains(text) == true
        }
    }
}
