public import TarifCore

/// GATT 1994 Art. II:1(b): a Member's MFN duties may not exceed the ceilings bound in its
/// Schedule of Concessions. This check compares each applied MFN rate with the binding.
///
/// A comparison is a finding only when it is certain: the applied schedule and the binding
/// use the same nomenclature, the line has one ceiling, and both rates are ad valorem. Where
/// the nomenclatures differ (Indonesia binds on HS96/HS02 lines, applies AHTN 2022), the
/// bindings under the same HS subheading are compared and the verdict is undetermined with
/// what the comparison suggests, because a subheading's scope can change between HS
/// versions and no correspondence table is loaded. A specific applied rate against an ad
/// valorem binding needs the value and quantity of a consignment: undetermined, never guessed.
public enum BindingAudit {
    /// One bound line of the Schedule: its ceiling, or none (unbound).
    public struct Bound: Sendable, Hashable {
        public var code: TariffCode
        /// `nil`: unbound.
        public var rate: DutyExpression?
        public var text: String

        public init(code: TariffCode, rate: DutyExpression?, text: String) {
            self.code = code
            self.rate = rate
            self.text = text
        }
    }

    /// - Parameters:
    ///   - applied: the MFN rate of each line of the applied schedule.
    ///   - sameNomenclature: whether the applied lines and the bound lines are codes of one
    ///     nomenclature (then a line is matched by its code and the codes above it).
    public static func check(
        applied: [(code: TariffCode, text: String, rate: DutyExpression)], bound: [Bound], sameNomenclature: Bool,
        appliedSchedule: String, boundSchedule: String, boundLegalSource: String
    ) -> BindingReport {
        let byCode = Dictionary(bound.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let bySubheading = Dictionary(grouping: bound.filter { $0.code.length >= 6 }, by: { $0.code.prefix(6) })
        var report = BindingReport(
            appliedSchedule: appliedSchedule, boundSchedule: boundSchedule, legalSource: boundLegalSource, sameNomenclature: sameNomenclature)
        for line in applied.sorted(by: { $0.code < $1.code }) {
            var verdict = BindingVerdict(
                code: line.code, appliedText: line.text, boundCodes: [], boundText: [], status: .undetermined, kind: "", reason: "")
            let candidates: [Bound]
            if sameNomenclature {
                if let own = line.code.selfOrAncestor(where: { byCode[$0] != nil }).flatMap({ byCode[$0] }) {
                    candidates = [own]
                } else {
                    candidates = bound.filter { line.code.contains($0.code) }
                }
            } else {
                candidates = line.code.hs6.flatMap { bySubheading[$0] } ?? []
            }
            verdict.boundCodes = candidates.map(\.code)
            verdict.boundText = candidates.map { $0.rate == nil ? "unbound" : $0.text }
            let (status, kind, reason) = decide(line.rate, candidates, sameNomenclature: sameNomenclature, subheading: line.code.hs6)
            verdict.status = status
            verdict.kind = kind
            verdict.reason = reason
            report.counts[status, default: 0] += 1
            if status != .within { report.verdicts.append(verdict) }
        }
        return report
    }

    static func decide(
        _ applied: DutyExpression, _ candidates: [Bound], sameNomenclature: Bool, subheading: TariffCode?
    ) -> (BindingVerdict.Status, String, String) {
        let place = subheading.map { "under subheading \($0.formatted)" } ?? "for this line"
        guard !candidates.isEmpty else {
            return (
                .undetermined, "no binding found",
                sameNomenclature
                    ? "no binding on this line or the lines above it" : "no binding \(place) in the Schedule's nomenclature (the subheading may have been renumbered since)"
            )
        }
        let rates = candidates.compactMap(\.rate)
        if rates.isEmpty {
            return sameNomenclature
                ? (.unbound, "unbound", "unbound: Art. II:1(b) sets no ceiling on this line")
                : (.undetermined, "apparently unbound", "every binding line \(place) is unbound (HS versions differ)")
        }
        if rates.count < candidates.count {
            return (.undetermined, "partly bound", "some lines \(place) are bound and some are not")
        }
        guard let a = applied.adValoremRate?.value else {
            return (
                .undetermined, "specific applied rate",
                "the applied rate is not ad valorem; comparing it with the ceiling needs a consignment's value and quantity (its AVE)"
            )
        }
        let ceilings = rates.compactMap { $0.adValoremRate?.value }
        guard ceilings.count == rates.count, let low = ceilings.min(), let high = ceilings.max() else {
            return (.undetermined, "specific binding", "the binding is not ad valorem; comparing it needs a consignment's value and quantity")
        }
        if sameNomenclature {
            if candidates.count > 1, low != high {
                return a <= low
                    ? (.within, "within", "") : (.undetermined, "bound differently below", "the lines below are bound at \(low.normalized)%–\(high.normalized)%")
            }
            return a > high
                ? (.exceeds, "exceeds", "applied \(a.normalized)% exceeds the bound \(high.normalized)% (GATT 1994 Art. II:1(b))")
                : (.within, "within", "")
        }
        if a > high {
            return (.undetermined, "apparently above the binding", "applied \(a.normalized)% against \(high.normalized)% bound \(place) (HS versions differ; no correspondence loaded)")
        }
        if a <= low {
            return (.undetermined, "apparently within the binding", "applied \(a.normalized)% against \(low.normalized)% bound \(place) (HS versions differ)")
        }
        return (.undetermined, "between bound rates", "between the rates bound \(place) (\(low.normalized)%–\(high.normalized)%)")
    }
}

/// The Art. II:1(b) comparison of one schedule version with the Member's bindings.
public struct BindingReport: Sendable, Codable, Hashable {
    public var appliedSchedule: String
    public var boundSchedule: String
    public var legalSource: String
    public var sameNomenclature: Bool
    /// Lines by verdict.
    public var counts: [BindingVerdict.Status: Int] = [:]
    /// Every line not within its binding, in code order.
    public var verdicts: [BindingVerdict] = []

    /// Undetermined verdicts counted by what they suggest ("apparently above the binding", …).
    public var undeterminedByKind: [String: Int] {
        var out: [String: Int] = [:]
        for v in verdicts where v.status == .undetermined { out[v.kind, default: 0] += 1 }
        return out
    }
}

public struct BindingVerdict: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable, CaseIterable, CodingKeyRepresentable {
        /// At or below the ceiling.
        case within
        /// Above the ceiling: a finding under Art. II:1(b).
        case exceeds
        /// No ceiling.
        case unbound
        /// Not decidable from the data, with the reason.
        case undetermined
    }

    public var code: TariffCode
    public var appliedText: String
    public var boundCodes: [TariffCode]
    public var boundText: [String]
    public var status: Status
    /// A short category (`apparently above the binding`, `no binding found`, `specific applied rate`).
    public var kind: String
    public var reason: String
}
