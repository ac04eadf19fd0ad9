import TarifCore
import Testing

@testable import TarifRules

/// GATT 1994 Art. II:1(b) on a fixture with a known breach.
struct BindingAuditTests {
    func pct(_ v: String) -> DutyExpression { .adValorem(Percentage(ExactDecimal(v)!), basis: .customsValue) }
    func code(_ s: String) -> TariffCode { try! TariffCode(s) }

    var bound: [BindingAudit.Bound] {
        [
            .init(code: code("0101.21.00"), rate: pct("40"), text: "40%"),
            .init(code: code("0102"), rate: pct("30"), text: "30%"),
            .init(code: code("8703.23.00"), rate: nil, text: "unbound"),
            .init(code: code("1006.30.00"), rate: pct("160"), text: "160%"),
        ]
    }

    @Test func sameNomenclatureFindsTheBreachAndNothingElse() {
        let applied: [(code: TariffCode, text: String, rate: DutyExpression)] = [
            (code("0101.21.00"), "50%", pct("50")),  // the breach: 50% over a 40% ceiling
            (code("0102.21.10"), "30%", pct("30")),  // at the ceiling bound on the heading above
            (code("8703.23.00"), "50%", pct("50")),  // unbound
            (code("1006.30.00"), "450/kg", .specific(SpecificRate(amount: Money(450, .idr), unit: MeasurementUnit(.mass, symbol: "kg")))),
            (code("2204.10.00"), "150%", pct("150")),  // no binding
        ]
        let r = BindingAudit.check(
            applied: applied, bound: bound, sameNomenclature: true, appliedSchedule: "a", boundSchedule: "b", boundLegalSource: "Schedule")
        #expect(r.counts[.exceeds] == 1)
        #expect(r.counts[.within] == 1)
        #expect(r.counts[.unbound] == 1)
        #expect(r.counts[.undetermined] == 2)
        let breach = r.verdicts.first { $0.status == .exceeds }
        #expect(breach?.code == code("0101.21.00"))
        #expect(breach?.reason.contains("Art. II:1(b)") == true)
        #expect(r.verdicts.first { $0.code == code("1006.30.00") }?.kind == "specific applied rate")
        #expect(r.verdicts.first { $0.code == code("2204.10.00") }?.kind == "no binding found")
    }

    @Test func anotherHSVersionIsNeverAFinding() {
        let applied: [(code: TariffCode, text: String, rate: DutyExpression)] = [
            (code("0101.21.10"), "50%", pct("50")), (code("0101.21.90"), "5%", pct("5")), (code("8703.23.10"), "50%", pct("50")),
        ]
        let r = BindingAudit.check(
            applied: applied, bound: bound, sameNomenclature: false, appliedSchedule: "a", boundSchedule: "b", boundLegalSource: "Schedule")
        #expect(r.counts[.exceeds] == nil)
        #expect(r.counts[.unbound] == nil)
        #expect(r.counts[.undetermined] == 3)
        #expect(r.undeterminedByKind == ["apparently above the binding": 1, "apparently within the binding": 1, "apparently unbound": 1])
    }

    @Test func linesBoundDifferentlyBelowAreUndeterminedAboveTheLowest() {
        let bound: [BindingAudit.Bound] = [
            .init(code: code("0101.21.10"), rate: pct("10"), text: "10%"), .init(code: code("0101.21.90"), rate: pct("40"), text: "40%"),
        ]
        let r = BindingAudit.check(
            applied: [(code("0101.21"), "20%", pct("20")), (code("0101.29"), "5%", pct("5"))], bound: bound, sameNomenclature: true,
            appliedSchedule: "a", boundSchedule: "b", boundLegalSource: "s")
        #expect(r.verdicts.first { $0.code == code("0101.21") }?.kind == "bound differently below")
        #expect(r.counts[.exceeds] == nil)
    }
}
