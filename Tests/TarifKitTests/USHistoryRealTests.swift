import Foundation
import TarifCore
import TarifRules
import TarifStore
import TarifTesting
import Testing

@testable import TarifKit

/// Every US HTS revision of 2025–2026 (tariffs_history/usa_hts), as the catalog loads it.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
struct USHistoryRealTests {
    func tarif() throws -> Tarif { try RealDatabaseTests.built.get() }

    @Test func fortyThreeRevisionsFromTheirDaysAsIntervals() throws {
        let db = try tarif().store
        let versions = try db.schedules().filter { $0.info.series == "USA-MFN" }
        #expect(versions.count == 43)
        #expect(versions.first?.revision == "2025_basic" && versions.first?.validity.start.description == "2025-01-01")
        #expect(versions.last?.revision == "2026_rev_10" && versions.last?.validity.start.description == "2026-06-08")
        #expect(versions.last?.lineCount == 29_597)
        // 2026 Revision 8 has no calendar row: not a version (2026_rev_7 runs to 2026_rev_9's day).
        #expect(!versions.contains { $0.revision == "2026_rev_8" })
        let rev7 = try #require(versions.first { $0.revision == "2026_rev_7" })
        #expect(rev7.validity.end?.description == "2026-05-28")
        // Each line once per state: far fewer rows than 43 copies.
        let rows = try db.fetch("SELECT count(*) AS n FROM tariff_line WHERE schedule_id = ?", [.integer(versions[0].id)]).first?.int("n") ?? 0
        let copies = versions.reduce(0) { $0 + $1.lineCount }
        #expect(copies == 1_286_212)
        #expect(rows == 82_652)
        // The catalog's separate Revision 10 file is the same content: loaded once.
        let files = try db.fetch("SELECT count(*) AS n FROM source_file WHERE name LIKE '%usa_hts_2026_rev10%'", []).first?.int("n")
        #expect(files == 0)
    }

    @Test func asOfADayUsesTheRevisionInForce() throws {
        let tarif = try tarif()
        let heading = try TariffCode("9903.01.61")
        // The reciprocal duty on goods of Indonesia (and Angola, Fiji, Taiwan), +32%: first in Revision 7 of 2025
        // (in force from 2025-04-02; the heading's own text dates the duty from April 9).
        #expect(throws: TarifError.self) { try tarif.rate(importer: .unitedStates, code: heading, on: try Day(iso: "2025-04-01")) }
        #expect(try tarif.rate(importer: .unitedStates, code: heading, on: try Day(iso: "2025-04-02")).schedule.revision == "2025_rev_7")
        let r = try tarif.rate(importer: .unitedStates, code: heading, on: try Day(iso: "2025-04-09"))
        #expect(r.rates.first { $0.kind == .mfn }?.text == "The duty provided in the applicable subheading + 32%")
        #expect(r.line.descriptionEnglish.contains("Indonesia"))
        #expect(r.schedule.revision == "2025_rev_10")
        #expect {
            try tarif.rate(importer: .unitedStates, code: try TariffCode("6109.10.00"), on: try Day(iso: "2024-12-31"))
        } throws: { ($0 as? TarifError)?.message.contains("2024-12-31 is before the first version loaded") == true }
    }

    @Test func changesOfTheFirstWeekOfApril2025() throws {
        let c = try tarif().changes(importer: .unitedStates, from: "2025-04-01", to: "2025-04-10")
        #expect(c.from.revision == "2025_rev_6" && c.to.revision == "2025_rev_10")
        #expect(c.between.compactMap(\.revision) == ["2025_rev_7", "2025_rev_8", "2025_rev_9", "2025_rev_10"])
        let added = c.changes.chapter99.added.map(\.code.formatted)
        #expect(added.count == 44)
        #expect(added.contains("9903.01.61") && added.contains("9903.01.25"))
        #expect(c.changes.chapter99.ended.isEmpty)
        #expect(c.changes.byChapter.map(\.chapter) == ["99"])
    }

    /// `changes` reads only the lines whose interval rows start or end between the two
    /// revisions; the answer is the same as comparing the two versions whole.
    @Test(arguments: [("2025_basic", "2026_rev_10"), ("2025_rev_7", "2025_rev_8"), ("2026_rev_10", "2025_rev_2"), ("2025_rev_18", "2026_basic")])
    func changesReadOnlyTheChangedLinesAndAgreeWithTheWholeComparison(from: String, to: String) throws {
        let t = try tarif()
        let fast = try t.changes(importer: .unitedStates, from: from, to: to)
        let whole = ScheduleChanges(before: try t.states(of: fast.from), after: try t.states(of: fast.to))
        #expect(fast.changes == whole)
        #expect(try t.store.changedCodes(from: fast.from, to: fast.to) != nil)
        // Schedules loaded alone share no rows: they are compared whole.
        let uk = try t.schedule(for: .unitedKingdom, on: try Day(iso: "2022-06-01"))
        #expect(try t.store.changedCodes(from: uk, to: fast.to) == nil)
    }

    @Test func aLinesDutyThroughTheRevisions() throws {
        // Chinese rubber gloves (4015.12.10): Free MFN; the Section 301 layer its footnote names rose
        // from 50% (9903.91.05, from 2025 Revision 2) to 100% (9903.91.08, from 2026).
        let h = try tarif().lineHistory(importer: .unitedStates, code: try TariffCode("4015.12.10"), origin: try CountryCode("CHN"))
        // The steps where the Section 301 layer changes.
        func s301(_ step: LineHistory.Step) -> [String] { step.layers.filter { $0.hasSuffix("(Section 301)") } }
        let layerSteps = h.steps.enumerated().filter { $0.offset == 0 || s301($0.element) != s301(h.steps[$0.offset - 1]) }.map(\.element)
        #expect(layerSteps.map(\.from.description) == ["2025-01-01", "2025-02-01", "2026-01-01"])
        #expect(layerSteps.map(s301) == [[], ["9903.91.05 +50% (Section 301)"], ["9903.91.08 +100% (Section 301)"]])
        #expect(Set(h.steps.flatMap(\.versions)).count == 43)  // 2026 Revision 10 spans two steps (the surcharge lapses inside it)
        // The orders on goods of China are added with their exceptions decided: the fentanyl duties
        // (9903.01.20, 9903.01.24) from Revision 1 and 3; the reciprocal +125% of 9903.01.63 once its
        // text's day (goods not in transit before 10 April) has come, replacing the +10% of 9903.01.25,
        // which excepts it; all IEEPA duties end on 2026-02-24 and the Section 122 surcharge takes
        // over until its 150 days have run.
        let at = Dictionary(uniqueKeysWithValues: h.steps.map { ($0.from.description, $0.layers) })
        #expect(at["2025-01-27"] == ["9903.01.20 +10% (IEEPA)"])
        #expect(at["2025-04-11"]?.contains("9903.01.63 +125% (IEEPA)") == true)
        #expect(at["2025-04-11"]?.contains { $0.hasPrefix("9903.01.25") } == false)
        #expect(at["2025-04-14"]?.contains("9903.01.25 +10% (IEEPA)") == true)
        #expect(at["2026-02-24"] == ["9903.91.08 +100% (Section 301)", "9903.03.01 +10% (Section 122)"])
        #expect(at["2026-07-24"] == ["9903.91.08 +100% (Section 301)"])
        #expect(h.steps.last?.percentOfValue == 100)
        // A heading a footnote names (9903.88.15, list 4A) is a layer of its lines only, never "named".
        #expect(!h.steps.contains { $0.namedHeadings.contains { $0.hasPrefix("9903.88.15") } })

        // Indonesian T-shirts: MFN 16.5% throughout; +10% (9903.01.25) from Revision 7 (the +32% of
        // 9903.01.61 charged goods not in transit before 9 April, and Revision 9 suspended it before
        // its first day here); +19% (9903.02.27, which 9903.01.25 excepts) from Revision 18; the
        // Section 122 +10% from 2026-02-24 to 2026-07-23; MFN alone after.
        let v = try tarif().lineHistory(importer: .unitedStates, code: try TariffCode("6109.10.00"), origin: try CountryCode("IDN"))
        #expect(v.steps.map(\.from.description) == ["2025-01-01", "2025-04-02", "2025-08-07", "2026-02-24", "2026-07-24"])
        #expect(v.steps.map(\.layers) == [[], ["9903.01.25 +10% (IEEPA)"], ["9903.02.27 +19% (IEEPA)"], ["9903.03.01 +10% (Section 122)"], []])
        #expect(v.steps.map(\.percentOfValue) == [ExactDecimal("16.5"), ExactDecimal("26.5"), ExactDecimal("35.5"), ExactDecimal("26.5"), ExactDecimal("16.5")])
        // Without an origin no country heading is decided: the footnoted 9903.88.15 is undecided for want of an origin.
        let anyOrigin = try tarif().lineHistory(importer: .unitedStates, code: try TariffCode("6109.10.00"), origin: nil)
        #expect(anyOrigin.steps.allSatisfy { $0.namedHeadings.isEmpty && $0.layers.isEmpty })
        let svg = SVGStepChart(
            title: "gloves", unit: "%", steps: h.steps.map { .init(from: $0.from, until: $0.until, value: $0.percentOfValue.map { Double("\($0)")! }, label: $0.change ?? "") },
            caption: "c"
        ).render()
        let labelled = svg.contains(". 2026-01-01: + 9903.91.08 +100% (Section 301)")
        #expect(labelled)
    }
}
