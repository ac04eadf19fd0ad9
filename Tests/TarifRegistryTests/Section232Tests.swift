import TarifCore
import TarifRules
import Testing

/// The Section 232 heading that charges a listed line, on fixture lists and headings written like
/// the HTSUS's (2025 and the annexes of 2026).
@Suite struct Section232Tests {
    static func h(_ c: String, _ text: String, add: String? = nil, origins: [String] = []) -> AdditionalDuty {
        ChapterNinetyNineScopeTests.heading(c, text, add: add, origins: origins)
    }
    static func inLieu(_ c: String, _ text: String, _ rate: String) -> AdditionalDuty {
        let line = TariffLine(code: try! TariffCode(c), indent: 0, descriptionEnglish: text, descriptionLocal: "")
        let e = try! DutyExpressionParser(dialect: .usHTS).parse(rate)!
        return AdditionalDuty.parse(
            line: line, rates: [LineRate(code: line.code, kind: .mfn, text: rate, expression: e)], legalSource: "HTSUS", country: { _ in nil })!
    }

    static let v2025: [AdditionalDuty] = [
        h("9903.81.87", "Except for derivative iron or steel products described in headings 9903.81.89, 9903.81.90 or 9903.81.91, products of iron or steel provided for in the tariff headings or subheadings enumerated in subdivision (j) of note 16 to this subchapter.", add: "50%"),
        h("9903.81.90", "Except as provided in heading 9903.81.92, derivative iron or steel products provided for in the tariff subheadings enumerated in subdivision (m) of note 16 to this subchapter.", add: "50%"),
        h("9903.81.91", "Except as provided in heading 9903.81.92, derivative iron or steel products provided for in the tariff subheadings enumerated in subdivision (n) of note 16 to this subchapter.", add: "a duty of 50% upon the value of the steel content"),
        h("9903.81.92", "Derivative iron or steel products provided for in subdivisions (m), (n), (t) or (u) of note 16 to this subchapter, where the derivative iron or steel product was processed in another country from steel articles melted and poured in the United States."),
        h("9903.81.94", "Except for derivative iron or steel products described in headings 9903.81.96, 9903.81.97 or 9903.81.98, products of iron or steel of the United Kingdom provided for in subdivision (q) of note 16 to this subchapter", add: "25%"),
        h("9903.85.02", "Except as provided in headings 9903.85.67 or 9903.85.69, products of aluminum provided for in the tariff headings or subheadings enumerated in subdivision (g) of note 19 to this subchapter.", add: "50%"),
        h("9903.85.67", "Aluminum articles that are the product of Russia, under the terms of note 19(a)(vii)(A)", add: "200%", origins: ["RUS"]),
    ]
    static let v2026: [AdditionalDuty] = [
        h("9903.82.02", "Except as provided for in headings 9903.82.14, 9903.85.67 and 9903.85.68, articles of aluminum, of steel or of copper and derivative aluminum or steel articles, as provided for in subdivisions (c)(i)–(v) of U.S. note 16 to this subchapter", add: "50%"),
        h("9903.82.04", "Articles of aluminum or of steel and derivative aluminum or steel articles the product of the United Kingdom, as provided for in subdivisions (c)(i)–(iv) and (d) of U.S. note 16", add: "25%"),
        inLieu("9903.82.10", "Except as provided for in headings 9903.82.12, 9903.82.17 and 9903.85.68, derivative aluminum and steel articles with an ad valorem (or ad valorem equivalent) rate of duty under column 1 less than 15 percent, as provided for in subdivision (f) of U.S. note 16 to this subchapter", "15%"),
        h("9903.82.11", "Except as provided for in headings 9903.82.12, 9903.82.17 and 9903.85.68, derivative aluminum and steel articles with an ad valorem (or ad valorem equivalent) rate of duty under column 1 equal to or greater than 15 percent, as provided for in subdivision (f) of U.S. note 16 to this subchapter"),
    ]

    static func row(_ list: String, _ prefix: String, _ detail: String, from: String? = nil, through: String? = nil, source: String = "fixture") -> Chapter99ScopeRow {
        Chapter99ScopeRow(list: list, prefix: prefix, from: from.map { try! Day(iso: $0) }, through: through.map { try! Day(iso: $0) }, source: source, detail: detail)
    }

    func decide(_ scope: Chapter99Scope, _ headings: [AdditionalDuty], _ origin: String, _ day: String, mfn: ExactDecimal? = 0) -> Section232.Outcome {
        Section232.decide(scope: scope, headings: headings, origin: try! CountryCode(origin), day: try! Day(iso: day), mfnPercent: mfn)
    }

    func charged(_ o: Section232.Outcome) -> AdditionalDuty? {
        if case .charged(let d, _) = o { return d }
        return nil
    }

    @Test func steelArticlesByOriginAndRegime() {
        let steel = Chapter99Scope(covering: [Self.row("section-232", "7208", "steel mill", through: "2026-04-05", source: "note_16(b)")])
        #expect(charged(decide(steel, Self.v2025, "IDN", "2025-09-01"))?.heading.formatted == "9903.81.87")
        #expect(charged(decide(steel, Self.v2025, "GBR", "2025-09-01"))?.heading.formatted == "9903.81.94")
        // Before the 2025 regime: said, not computed.
        guard case .notComputed(let why) = decide(steel, Self.v2025, "IDN", "2025-03-11") else { Issue.record("computed before 12 March 2025"); return }
        #expect(why.contains("2018 regime"))
        // The list ends with the annexes; a line on neither list pays no Section 232 duty.
        #expect(decide(steel, Self.v2026, "IDN", "2026-05-01") == .none)
        // A heading missing from the version is said, not guessed.
        guard case .notComputed(let missing) = decide(steel, [], "IDN", "2025-09-01") else { Issue.record("no heading, yet computed"); return }
        #expect(missing.contains("9903.81.87") && missing.contains("not in the version"))
    }

    @Test func derivativesOnTheFullValueOrTheMetalContent() {
        let full = Chapter99Scope(covering: [Self.row("section-232", "7326", "steel derivative", from: "2025-03-12", source: "note_16(m); Proc 10896 Annex I")])
        let d = charged(decide(full, Self.v2025, "IDN", "2025-09-01"))
        #expect(d?.heading.formatted == "9903.81.90" && d?.rate?.adValoremRate != nil)
        let content = Chapter99Scope(covering: [Self.row("section-232-derivative", "8403", "9903.81.91 steel", from: "2025-08-18")])
        guard case .charged(let c, let assumptions) = decide(content, Self.v2025, "IDN", "2025-09-01") else { Issue.record("not charged"); return }
        #expect(c.rate == .adValorem(Percentage(50), basis: .component("steel-content")))
        // Its exception for steel melted and poured in the United States is an assumption the answer names.
        #expect(assumptions.contains { $0.contains("9903.81.92") })
        // A derivative whose heading the list does not give is not guessed.
        let unknown = Chapter99Scope(covering: [Self.row("section-232", "7216", "steel derivative", from: "2025-08-18", source: "FR 2025-15819 inclusions")])
        guard case .notComputed = decide(unknown, Self.v2025, "IDN", "2025-09-01") else { Issue.record("guessed a heading"); return }
    }

    @Test func anExceptionNamingTheOriginChargesInPlace() {
        let aluminium = Chapter99Scope(covering: [Self.row("section-232", "7601", "aluminum mill")])
        #expect(charged(decide(aluminium, Self.v2025, "RUS", "2025-09-01"))?.heading.formatted == "9903.85.67")
        #expect(charged(decide(aluminium, Self.v2025, "CAN", "2025-09-01"))?.heading.formatted == "9903.85.02")
    }

    @Test func theAnnexesOf2026() {
        let a1 = Chapter99Scope(covering: [Self.row("section-232", "7208", "1a steel", from: "2026-04-06")])
        #expect(charged(decide(a1, Self.v2026, "IDN", "2026-05-01"))?.heading.formatted == "9903.82.02")
        #expect(charged(decide(a1, Self.v2026, "GBR", "2026-05-01"))?.heading.formatted == "9903.82.04")
        // Annex I-A copper is not among the UK's reduced rates.
        let copper = Chapter99Scope(covering: [Self.row("section-232", "7408", "1a copper", from: "2026-04-06")])
        #expect(charged(decide(copper, Self.v2026, "GBR", "2026-05-01"))?.heading.formatted == "9903.82.02")
        // Annex III: by the column 1 rate; without an ad valorem one, undecided.
        let a3 = Chapter99Scope(covering: [Self.row("section-232", "8479", "3 aluminum", from: "2026-04-06")])
        #expect(charged(decide(a3, Self.v2026, "IDN", "2026-05-01", mfn: ExactDecimal(significand: 25, scale: 1)))?.heading.formatted == "9903.82.10")
        guard case .exempt = decide(a3, Self.v2026, "IDN", "2026-05-01", mfn: 20) else { Issue.record("charged above the floor"); return }
        guard case .undecided = decide(a3, Self.v2026, "IDN", "2026-05-01", mfn: nil) else { Issue.record("decided without a rate"); return }
        // Annex II: out of Section 232.
        let removed = Chapter99Scope(covering: [Self.row("section-232-removed", "2203", "2 aluminum", from: "2026-04-06")])
        guard case .exempt(let why, _) = decide(removed, Self.v2026, "IDN", "2026-05-01") else { Issue.record("charged an annex II product"); return }
        #expect(why.contains("annex II"))
    }

    @Test func aLineOnlyPartOfWhichIsListedIsUndecided() {
        let part = Chapter99Scope(covering: [], partial: [Self.row("section-232", "7326908688", "steel derivative", source: "note_16(m)")], children: ["7326908688", "7326908610"])
        guard case .undecided(let why) = decide(part, Self.v2025, "IDN", "2025-09-01") else { Issue.record("decided a partly listed line"); return }
        #expect(why.contains("state the 10-digit line"))
    }
}
