import Foundation
import TarifCore
@testable import TarifKit
import TarifRules
import TarifTesting
import Testing

/// The additional duties of chapter 99 applied to real consignments over the 2025–2026 HTS
/// series, with the scope lists (Budget Lab at Yale's reading of the U.S. notes) loaded.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
struct USChapter99ScopeRealTests {
    func duty(_ code: String, from origin: String, on day: String, value: ExactDecimal = 10_000) throws -> DutyResolution {
        try RealDatabaseTests.built.get().duty(
            importer: .unitedStates, origin: try CountryCode(origin), code: try TariffCode(code), on: try Day(iso: day), customsValue: value)
    }

    func layer(_ r: DutyResolution, _ heading: String) -> AdditionalDuty? { r.additionalDuties.first { $0.heading.formatted == heading } }

    @Test func indonesianCoffeeThroughTheOrders() throws {
        // 0901.21.00, roasted coffee: Free MFN. Before the reciprocal order (2025 Revision 4) no country heading applies.
        let march = try duty("0901.21.00", from: "IDN", on: "2025-03-01")
        #expect(!march.additionalDuties.contains { $0.applies == true && ChapterNinetyNineScope.decidesByCountry($0.heading) })
        // From 7 August 2025 Indonesia's own heading, +19%, replaces the +10% of 9903.01.25, which excepts it.
        let august = try duty("0901.21.00", from: "IDN", on: "2025-09-01")
        #expect(layer(august, "9903.02.27")?.applies == true)
        #expect(layer(august, "9903.02.27")?.duty == Money(1_900, .usd))
        #expect(layer(august, "9903.01.25")?.applies == false)
        #expect(layer(august, "9903.01.25")?.reason.contains("9903.02.27 covers goods of IDN") == true)
        #expect(august.dutyWithAdditional == Money(1_900, .usd))
        #expect(august.explanation.english.contains("9903.02.27 (IEEPA) adds 19% for goods of IDN"))
        // Annex II took in coffee on 13 November 2025: the day before pays 19%, the day itself nothing,
        // though both days fall in the same revision (2025 Revision 31).
        let before = try duty("0901.21.00", from: "IDN", on: "2025-11-12")
        let after = try duty("0901.21.00", from: "IDN", on: "2025-11-13")
        #expect(before.schedule.title == after.schedule.title)
        #expect(before.dutyWithAdditional == Money(1_900, .usd))
        #expect(layer(after, "9903.02.27")?.applies == false)
        #expect(layer(after, "9903.02.27")?.reason.contains("9903.01.32") == true)
        #expect(after.dutyWithAdditional == nil || after.dutyWithAdditional == Money(0, .usd))
        // The history steps on that day too, inside the revision.
        let history = try RealDatabaseTests.built.get().lineHistory(importer: .unitedStates, code: try TariffCode("0901.21.00"), origin: try CountryCode("IDN"))
        let annexDay = try #require(history.steps.first { $0.from == Day(year: 2025, month: 11, day: 13) })
        #expect(annexDay.layers.isEmpty && annexDay.percentOfValue == 0)
        // IEEPA duties end on 24 February 2026, though the HTSUS still prints them; coffee is among
        // the Section 122 exemptions; after 23 July 2026 the surcharge has lapsed.
        let march2026 = try duty("0901.21.00", from: "IDN", on: "2026-03-01")
        #expect(layer(march2026, "9903.02.27")?.reason.contains("IEEPA duties ended") == true)
        #expect(layer(march2026, "9903.03.01")?.applies == false)
        #expect(layer(march2026, "9903.03.01")?.reason.contains("Section 122") == true)
        let august2026 = try duty("0901.21.00", from: "IDN", on: "2026-08-01")
        #expect(layer(august2026, "9903.03.01")?.reason.contains("150 days") == true)
    }

    @Test func indonesianTShirtsPayTheReciprocalDutyThenTheSurcharge() throws {
        let t = try duty("6109.10.00", from: "IDN", on: "2025-09-01")
        #expect(t.appliedTreatment?.duty == Money(1_650, .usd))
        #expect(t.dutyWithAdditional == Money(3_550, .usd))  // 16.5% + 19%
        let s122 = try duty("6109.10.00", from: "IDN", on: "2026-03-01")
        #expect(layer(s122, "9903.03.01")?.applies == true)
        #expect(s122.dutyWithAdditional == Money(2_650, .usd))  // 16.5% + 10%
        // Vietnamese T-shirts on the same day pay the same surcharge: it names no country.
        #expect(try duty("6109.10.00", from: "VNM", on: "2026-03-01").dutyWithAdditional == Money(2_650, .usd))
    }

    @Test func section232SteelIsNotChargedTheReciprocalDuty() throws {
        let steel = try duty("7208.10.15.00", from: "IDN", on: "2025-10-01")
        let reciprocal = try #require(layer(steel, "9903.02.27"))
        #expect(reciprocal.applies == false)
        #expect(reciprocal.reason.contains("articles subject to Section 232"))
        // The Section 232 duty itself: 9903.81.87, +50% since 4 June 2025 (Proclamation 10947).
        #expect(layer(steel, "9903.81.87")?.applies == true)
        #expect(layer(steel, "9903.81.87")?.duty == Money(5_000, .usd))
        #expect(steel.dutyWithAdditional == Money(5_000, .usd))  // column 1 Free + 50%
    }

    func duty(_ code: String, from origin: String, on day: String, components: [String: ExactDecimal]) throws -> DutyResolution {
        try RealDatabaseTests.built.get().duty(
            importer: .unitedStates, origin: try CountryCode(origin), code: try TariffCode(code), on: try Day(iso: day), customsValue: 10_000,
            components: components)
    }

    @Test func theSection232DutiesByRegimeOriginAndList() throws {
        // Steel of the UK: its own heading at 25% (9903.81.94) in place of the 50%.
        let uk = try duty("7208.10.15.00", from: "GBR", on: "2025-10-01")
        #expect(layer(uk, "9903.81.94")?.duty == Money(2_500, .usd) && layer(uk, "9903.81.87") == nil)
        #expect(uk.dutyWithAdditional == Money(2_500, .usd))
        // Before 12 March 2025 the 2018 regime's exemptions and quotas applied: not computed, and said.
        let february = try duty("7208.10.15.00", from: "IDN", on: "2025-02-01")
        #expect(february.notes.contains { $0.contains("does not compute") && $0.contains("12 March 2025") })
        #expect(february.dutyWithAdditional == nil)
        // From 6 April 2026, the annexes: steel of annex I-A at 50% (9903.82.02), the UK's at 25% (9903.82.04).
        #expect(layer(try duty("7208.10.15.00", from: "IDN", on: "2026-05-01"), "9903.82.02")?.duty == Money(5_000, .usd))
        #expect(layer(try duty("7208.10.15.00", from: "GBR", on: "2026-05-01"), "9903.82.04")?.duty == Money(2_500, .usd))
        // Annex III: 15% in all where column 1 is under 15% (9903.82.10, in place of the column 1 rate).
        let annex3 = try duty("8479.89.95.99", from: "IDN", on: "2026-05-01")
        #expect(layer(annex3, "9903.82.10")?.effect == .inLieu)
        #expect(annex3.dutyWithAdditional == Money(1_500, .usd))
        // Annex II took beer in aluminium cans out of Section 232: the Section 122 surcharge applies instead.
        let beer = try duty("2203.00.00", from: "IDN", on: "2026-05-01")
        #expect(beer.notes.contains { $0.contains("No Section 232 duty") && $0.contains("annex II") })
        #expect(layer(beer, "9903.03.01")?.applies == true)
        // Russian aluminium: 9903.85.02's exception for goods of Russia, 200%, charges in its place.
        let russian = try duty("7601.10.30.00", from: "RUS", on: "2025-09-01")
        #expect(layer(russian, "9903.85.67")?.duty == Money(20_000, .usd) && layer(russian, "9903.85.02") == nil)
        // A steel derivative of note 16(m) pays on its full value; the reciprocal duty not at all.
        let derivative = try duty("7326.90.86.88", from: "IDN", on: "2025-09-01")
        #expect(layer(derivative, "9903.81.90")?.duty == Money(5_000, .usd))
        #expect(layer(derivative, "9903.02.27")?.applies == false)
        // One of note 16(n) pays 50% on its steel content, and the reciprocal duty on the rest.
        let boiler = try duty("8403.10.00.00", from: "IDN", on: "2025-09-01", components: ["steel-content": 4_000])
        #expect(layer(boiler, "9903.81.91")?.duty == Money(2_000, .usd))
        #expect(layer(boiler, "9903.02.27")?.duty == Money(1_140, .usd))  // 19% of 6,000
        // Indonesia's own heading excepts it from the +10% for any country, on the non-metal content too.
        #expect(layer(boiler, "9903.01.25")?.applies == false)
        #expect(boiler.dutyWithAdditional == Money(3_140, .usd))
        let unstated = try duty("8403.10.00.00", from: "IDN", on: "2025-09-01")
        #expect(layer(unstated, "9903.81.91")?.reason.contains("--component steel-content=VALUE") == true)
        #expect(unstated.dutyWithAdditional == nil)
        #expect(throws: TarifError.self) { try duty("8403.10.00.00", from: "IDN", on: "2025-09-01", components: ["steel-content": 12_000]) }
        // A negative content would make the non-metal part larger than the goods: refused, named.
        #expect { try duty("8403.10.00.00", from: "IDN", on: "2025-09-01", components: ["steel-content": -4_000]) } throws: {
            ($0 as? TarifError)?.description.contains("steel-content") == true
        }
        // Copper: 50% of the copper content (9903.78.01, from 1 August 2025), on top of the FTA's Free.
        let copper = try duty("7408.11.30.00", from: "CHL", on: "2025-09-01", components: ["copper-content": 8_000])
        #expect(layer(copper, "9903.78.01")?.duty == Money(4_000, .usd))
        #expect(copper.dutyWithAdditional == Money(4_000, .usd))
        // Cars: 25% for Indonesia; Japan's deal, 15% in all, from its revision (16 September 2025);
        // the UK's quota rate is an assumption the answer names.
        #expect(try duty("8703.23.01", from: "IDN", on: "2025-09-01").dutyWithAdditional == Money(2_750, .usd))
        let japan = try duty("8703.23.01", from: "JPN", on: "2025-10-01")
        #expect(layer(japan, "9903.94.41")?.effect == .inLieu && japan.dutyWithAdditional == Money(1_500, .usd))
        #expect(try duty("8703.23.01", from: "JPN", on: "2025-09-01").dutyWithAdditional == Money(2_750, .usd))
        let british = try duty("8703.23.01", from: "GBR", on: "2025-10-01")
        #expect(british.notes.contains { $0.contains("not entered under 9903.94.31") })
    }

    @Test func steelThroughTheSection232Regimes() throws {
        let tarif = try RealDatabaseTests.built.get()
        let h = try tarif.lineHistory(importer: .unitedStates, code: try TariffCode("7208.10.15.00"), origin: try CountryCode("IDN"))
        // Not computed under the 2018 regime; 25% from 12 March 2025; 50% from 4 June 2025 (though
        // 2025 Revisions 14–15 print it from 2 May); the annexes from 6 April 2026.
        #expect(h.steps.map(\.from.description) == ["2025-01-01", "2025-03-12", "2025-06-04", "2026-04-06"])
        #expect(h.steps.map(\.percentOfValue) == [nil, 25, 50, 50])
        #expect(h.steps.last?.layers == ["9903.82.02 +50% (Section 232)"])
        let may = try duty("7208.10.15.00", from: "IDN", on: "2025-05-15")
        #expect(layer(may, "9903.81.87")?.duty == Money(2_500, .usd))
        #expect(layer(may, "9903.81.87")?.reason.contains("Proclamation 10947") == true)
        #expect(try tarif.instrumentConflicts().contains { $0.hasPrefix("2025_rev_14") && $0.contains("Proclamation 10947") })
    }

    @Test func canadianGoodsPayTheFentanylDutyNotTheReciprocal() throws {
        let c = try duty("0901.21.00", from: "CAN", on: "2025-10-01")
        #expect(layer(c, "9903.01.25")?.reason.contains("9903.01.26 covers goods of CAN") == true)
        #expect(layer(c, "9903.01.10")?.applies == true)
    }

    @Test func aChineseListThreeProductCarriesItsSection301Layer() throws {
        // 0203.29.20 (frozen pork) is on list 3: 9903.88.03, +25%, named in the line's footnotes.
        let pork = try duty("0203.29.20.00", from: "CHN", on: "2025-06-01")
        #expect(layer(pork, "9903.88.03")?.applies == true)
        #expect(layer(pork, "9903.88.03")?.duty == Money(2_500, .usd))
    }

    @Test func theDutiesTheScheduleStillPrintsAfterTheyEndedAreListed() throws {
        let listed = try RealDatabaseTests.built.get().instrumentConflicts()
        // 2026 Revisions 4–10 (8 is not loaded) print the IEEPA headings; Revision 10 runs past the surcharge's 150 days.
        #expect(listed.filter { $0.contains("IEEPA heading") }.count == 6)
        #expect(listed.contains { $0.hasPrefix("2026_rev_4 (from 2026-02-24)") && $0.contains("IEEPA") })
        #expect(listed.contains { $0.hasPrefix("2026_rev_10") && $0.contains("Section 122") && $0.contains("2026-07-24") })
        #expect(!listed.contains { $0.hasPrefix("2026_rev_3") })
    }

    @Test func aCarIsASection232ArticleByTheProclamationsAnnex() throws {
        // 8703.23.01 (passenger cars, 1,500–3,000 cc): Annex I of Proclamation 10908, from 3 April 2025.
        let car = try duty("8703.23.01", from: "IDN", on: "2025-09-01")
        let reciprocal = try #require(layer(car, "9903.02.27"))
        #expect(reciprocal.applies == false)
        #expect(reciprocal.reason.contains("Proclamation 10908"))
        #expect(layer(car, "9903.94.01")?.duty == Money(2_500, .usd))
    }
}

/// The audit over time: the duties charging goods of named countries, decided line by line.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
struct USChapter99AuditRealTests {
    let origins = ["IDN", "VNM", "CHN", "CAN", "DEU"].map { try! CountryCode($0) }

    @Test func theReciprocalDutiesAreDifferencesUnderArticleI() throws {
        let tarif = try RealDatabaseTests.built.get()
        let r = try tarif.audit(importer: .unitedStates, on: try Day(iso: "2025-09-01"), origins: origins)
        // Indonesia's +19%: a disadvantage on every line outside Annex II and the Section 232 lists,
        // with the exception the United States invokes and no ruling on it.
        let idn = try #require(r.groups.first { $0.measure.name == "9903.02.27" })
        let indonesia = try CountryCode("IDN")
        #expect(idn.origins == [indonesia] && idn.direction == .disadvantage && idn.status == .undetermined)
        #expect(idn.lines > 10_000 && idn.lines < r.linesScanned)
        #expect(idn.reasons.contains { $0.contains("Art. XXI") && $0.contains("14 February 2025") })
        // The EU's heading names its members; China's fentanyl duty covers every line.
        let deu = try CountryCode("DEU")
        #expect(r.groups.contains { $0.measure.name == "9903.02.20" && $0.origins == [deu] })
        let fentanyl = try #require(r.groups.first { $0.measure.name == "9903.01.24" })
        #expect(fentanyl.lines == r.linesScanned)
        // A heading charging every origin alike is no difference between Members.
        #expect(!r.groups.contains { $0.measure.name == "9903.01.25" })
        // Section 301, list 2: the DS543 panel's finding.
        let list2 = try #require(r.groups.first { $0.measure.name == "9903.88.02" })
        #expect(list2.status == .unjustified && list2.reasons.contains { $0.contains("WT/DS543/R") })
        // After 24 February 2026 no IEEPA duty is a difference: they are no longer collected.
        let later = try tarif.audit(importer: .unitedStates, on: try Day(iso: "2026-03-01"), origins: origins)
        #expect(!later.groups.contains { g in (try? TariffCode(g.measure.name)).map(ChapterNinetyNineScope.decidesByCountry) == true })
    }

    @Test func theSection232HeadingsThatSingleOutOriginsAreDifferences() throws {
        let tarif = try RealDatabaseTests.built.get()
        let r = try tarif.audit(importer: .unitedStates, on: try Day(iso: "2025-10-01"), origins: ["IDN", "GBR", "JPN", "DEU"].map { try! CountryCode($0) })
        // UK steel at 25% where others pay 50%: an advantage, under the Art. XXI the US invokes.
        let uk = try #require(r.groups.first { $0.measure.name == "9903.81.94" })
        #expect(uk.origins == [try CountryCode("GBR")] && uk.direction == .advantage && uk.status == .undetermined && uk.lines > 100)
        // Japan's and the EU's cars at 15% in all, against 25% on top of column 1.
        #expect(r.groups.contains { $0.measure.name == "9903.94.41" && $0.origins == [try! CountryCode("JPN")] && $0.direction == .advantage })
        #expect(r.groups.contains { $0.measure.name == "9903.94.51" && $0.origins == [try! CountryCode("DEU")] })
        // Indonesia pays what any country pays: no Section 232 group names it.
        #expect(!r.groups.contains { g in g.measure.name.hasPrefix("9903.8") && g.origins.contains(try! CountryCode("IDN")) })
    }

    @Test func whatTheFirstWeekOfAprilIntroduced() throws {
        let tarif = try RealDatabaseTests.built.get()
        let c = try tarif.auditChanges(
            importer: .unitedStates, from: try Day(iso: "2025-04-01"), to: try Day(iso: "2025-04-10"), origins: ["CHN", "IDN"].map { try! CountryCode($0) })
        // China's reciprocal duty came in (Revision 10: goods not in transit before 10 April); Indonesia's
        // +32% was suspended before it applied, so nothing was introduced for Indonesia.
        let china = try #require(c.changes.first { $0.measure == "heading 9903.01.63" })
        #expect(china.kind == "introduced" && china.linesBefore == 0 && china.linesAfter > 10_000 && china.status == .undetermined)
        #expect(!c.changes.contains { $0.kind == "introduced" && $0.origins.contains(try! CountryCode("IDN")) })
        #expect(c.scheduleBefore != c.scheduleAfter)
        #expect(throws: TarifError.self) {
            try tarif.auditChanges(importer: .unitedStates, from: try Day(iso: "2025-04-10"), to: try Day(iso: "2025-04-01"))
        }
    }
}

/// The curated Section 232 lists decode, each entry a subheading of the HTS with its instrument.
@Suite struct CuratedScopeListTests {
    @Test func theBundledListsDecode() throws {
        let lists = try CuratedScopeLists.load()
        #expect(lists.lists.count == 1)
        let autos = try #require(lists.lists.first)
        #expect(autos.subheadings.count == 17 && autos.source.contains("Proclamation 10908"))
        #expect(autos.subheadings.allSatisfy { (try? TariffCode($0)) != nil && $0.filter(\.isNumber).count == 8 })
        #expect(lists.rows(covering: try TariffCode("8703.23.01.90")).map(\.prefix) == ["87032301"])
        #expect(lists.rows(covering: try TariffCode("8703.10.10")).isEmpty)
    }
}
