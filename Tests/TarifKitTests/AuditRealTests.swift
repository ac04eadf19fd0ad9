import Foundation
import TarifCore
import TarifRegistry
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// The MFN audit on the real US and Indonesian schedules and the curated registry.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct AuditRealTests {
    static let us: Result<(Tarif, Registry, AuditReport), any Error> = Result {
        let tarif = try RealDatabaseTests.built.get()
        let registry = try tarif.registry()
        return (tarif, registry, try tarif.audit(importer: .unitedStates, on: try Day(iso: "2026-03-01"), registry: registry))
    }

    @Test func usFTAAndGSPCodesAreJustified() throws {
        let (_, registry, r) = try Self.us.get()
        #expect(r.linesScanned > 10_000)
        #expect(r.members > 150)
        let ftaOrGSP = { (m: AuditMeasure) -> Bool in
            guard m.kind == .program, let id = m.agreement, let ag = try? registry.agreement(named: id) else { return false }
            return ag.type == .freeTradeAgreement || ag.basis.contains(.enablingClauseGSP)
        }
        let wrong = r.groups.filter { ftaOrGSP($0.measure) && $0.status != .justified && $0.exception != .notAMember }
        #expect(wrong.isEmpty, "FTA/GSP differences not justified: \(wrong.map { "\($0.measure) \($0.origins) \($0.reasons)" })")
        #expect(r.programs.filter { ftaOrGSP($0.measure) && $0.status != .justified }.isEmpty)
        // The FTAs do make differences, each justified by Art. XXIV, conditional on reciprocity.
        let korus = try #require(r.groups.first { $0.measure.name == "KR" && $0.status == .justified })
        let kor = try CountryCode("KOR")
        #expect(korus.exception == .customsUnionOrFreeTradeArea && korus.origins == [kor] && korus.conditional)
        #expect(korus.lines > 1_000)
        // GSP lapsed: its codes are printed but given to no one.
        #expect(r.unused.contains { $0.hasPrefix("A (US-GSP)") || $0.hasPrefix("A (US GSP)") })
        #expect(!r.groups.contains { ["A", "A+", "A*"].contains($0.measure.name) })
    }

    @Test func column2CountriesHaveTheirActualJustification() throws {
        let (_, _, r) = try Self.us.get()
        let column2 = r.groups.filter { $0.measure.kind == .column2 }
        #expect(!column2.isEmpty)
        #expect(column2.allSatisfy { $0.status == .justified && $0.direction != .advantage })
        #expect(column2.contains { $0.direction == .disadvantage })
        func exception(_ c: String) -> MFNException? { column2.first { $0.origins.contains(try! CountryCode(c)) }?.exception }
        #expect(exception("CUB") == .security)
        #expect(exception("RUS") == .security)
        #expect(exception("PRK") == .notAMember)
        #expect(exception("BLR") == .notAMember)
        #expect(!r.findings.contains { $0.measure.kind == .column2 })
    }

    @Test func findingsCiteArticleIAndTheFailedException() throws {
        let (_, _, r) = try Self.us.get()
        // The US–Japan agreement is not notified to the WTO: its preferences are findings on the registry's facts.
        let jp = try #require(r.findings.first { $0.measure.name == "JP" })
        let jpn = try CountryCode("JPN")
        #expect(jp.verdict.status == .unjustified && jp.origins == [jpn])
        #expect(jp.verdict.failures.contains { $0.reason.contains("not notified") })
        #expect(r.findings.filter { $0.verdict.status == .unjustified }.allSatisfy { !$0.verdict.failures.isEmpty })
        #expect(r.unjustifiedByChapter.values.reduce(0, +) == r.differences[.unjustified])
        let html = AuditHTML.render(r)
        #expect(html.contains("<svg") && html.contains("Findings by chapter") && html.contains("GATT 1994 Art. I:1"))
        #expect(!html.contains("<script"))
        // The breaches come first, every one within the limit, before any undetermined row.
        let unjustified = try #require(html.range(of: "id=\"unjustified\""))
        let undetermined = try #require(html.range(of: "id=\"undetermined\""))
        #expect(unjustified.lowerBound < undetermined.lowerBound)
        let breaches = r.findings.filter { $0.verdict.status == .unjustified }.count
        let beforeGaps = html[unjustified.lowerBound..<undetermined.lowerBound]
        #expect(beforeGaps.components(separatedBy: "class=\"unjustified\">unjustified</td>").count - 1 == min(breaches, 2_000))
        #expect(!beforeGaps.contains("class=\"undetermined\">undetermined</td>"))
        #expect(html[undetermined.lowerBound...].contains("<details><summary>"))
    }

    @Test func riceWhatIf() throws {
        let tarif = try RealDatabaseTests.built.get()
        let registry = try tarif.registry()
        let day = try Day(iso: "2024-01-01")
        let grants = try ["VNM:1006.30:0", "USA:1006.30:0"].map { try HypotheticalGrant.parse($0, currency: .idr) }
        let r = try tarif.audit(importer: .indonesia, on: day, grants: grants, registry: registry)
        let vnm = r.whatIf[0]
        #expect(vnm.verdict.status == .justified)
        #expect(vnm.coveredBy.contains("ATIGA"))
        #expect(vnm.answer.contains("ATIGA (Enabling Clause 2(c))"))
        #expect(vnm.lines > 0 && vnm.linesDiffering == vnm.lines && vnm.direction == .advantage)
        let usa = r.whatIf[1]
        #expect(usa.verdict.status == .unjustified)
        #expect(usa.answer.contains("would breach GATT 1994 Art. I:1"))
        let finding = try #require(r.findings.first { $0.origins == [.unitedStates] })
        #expect(finding.line.digits.hasPrefix("100630") && finding.verdict.status == .unjustified)
        // Indonesia's own schedule publishes only MFN rates: no other difference.
        #expect(r.groups.allSatisfy { $0.measure.kind == .whatIf })
        // The same grant is covered only from each party's own date: not before Viet Nam joined the WTO.
        let early = Justifier(registry: registry, importer: .indonesia, day: try Day(iso: "1996-06-01")).anyAgreement(origin: try CountryCode("VNM"))
        #expect(early.0.exception == .notAMember)
    }
}
