import TarifCore
import TarifRules
import Testing

@testable import TarifKit

/// The audit page's Art. II:1(b) section, on a fixture with a known breach.
struct AuditHTMLBindingTests {
    func pct(_ v: String) -> DutyExpression { .adValorem(Percentage(ExactDecimal(v)!), basis: .customsValue) }
    func code(_ s: String) -> TariffCode { try! TariffCode(s) }

    @Test func theBreachIsAFindingAndTheCountsAreShown() {
        let bound: [BindingAudit.Bound] = [
            .init(code: code("0101.21.00"), rate: pct("40"), text: "40%"), .init(code: code("8703.23.00"), rate: nil, text: "unbound"),
        ]
        let applied: [(code: TariffCode, text: String, rate: DutyExpression)] = [
            (code("0101.21.00"), "50%", pct("50")), (code("8703.23.00"), "50%", pct("50")),
        ]
        let same = BindingAudit.check(
            applied: applied, bound: bound, sameNomenclature: true, appliedSchedule: "BTKI 2022", boundSchedule: "Schedule XXI <HS96>",
            boundLegalSource: "Marrakesh Protocol")
        let html = AuditHTML.bindingSection(same, maxRows: 10)
        #expect(html.contains("Art. II:1(b)") && html.contains("<span class=\"unjustified\">exceeds 1</span>") && html.contains("unbound 1"))
        #expect(html.contains("<td>0101.21.00</td>") && html.contains("class=\"unjustified\">finding</td>"))
        #expect(html.contains("Schedule XXI &lt;HS96&gt;"))  // escaped
        #expect(!html.contains("8703.23.00</td>"))  // an unbound line is counted, not listed
        // Across HS versions nothing is a finding: the same breach is undetermined, by what it suggests.
        let other = BindingAudit.check(
            applied: applied, bound: bound, sameNomenclature: false, appliedSchedule: "a", boundSchedule: "b", boundLegalSource: "c")
        let indicative = AuditHTML.bindingSection(other, maxRows: 10)
        #expect(!indicative.contains(">finding</td>") && indicative.contains("different HS versions"))
        #expect(AuditHTML.bindingSection(other, maxRows: 0).contains("more are in the JSON output") == indicative.contains("apparently above"))
    }
}
