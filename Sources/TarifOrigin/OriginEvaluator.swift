public import TarifCore
import TarifRegistry

/// Met, not met, or not decidable from what was given.
public enum Outcome: String, Sendable, Hashable, Codable {
    case met, notMet = "not-met", undetermined
}

/// One criterion of the rule, tested.
public struct CriterionOutcome: Sendable, Hashable, Codable {
    public var criterion: String
    public var outcome: Outcome
    public var detail: String
}

/// A regional value content computed by one formula.
public struct RVCFigure: Sendable, Hashable, Codable {
    public var formula: RVCFormula
    public var text: String
    /// The content, in percent of FOB, to two decimals (rounded toward zero, never overstated).
    public var percent: ExactDecimal
    public var threshold: ExactDecimal?
    /// `percent − threshold`, in points.
    public var margin: ExactDecimal?
    /// How much more non-originating material (by value) the good could use and still meet
    /// the threshold; negative: how much must be replaced by originating material.
    public var headroom: ExactDecimal?
}

/// A MaxNOM computed: the non-originating materials it counts against its limit.
public struct MaxNOMFigure: Sendable, Hashable, Codable {
    public var criterion: String
    public var basis: ValueBasis
    /// The ex-works price or FOB value it is a share of.
    public var base: ExactDecimal
    public var nonOriginating: ExactDecimal
    /// `nonOriginating` as a share of `base`, in percent (rounded up to two decimals, never understated).
    public var percent: ExactDecimal
    public var limit: ExactDecimal
    /// How much more non-originating material (by value) could be used within the limit;
    /// negative: how much must be replaced by originating material.
    public var headroom: ExactDecimal
}

/// A material that stands in the way of a tariff-shift criterion.
public struct MaterialIssue: Sendable, Hashable, Codable {
    public var row: Int
    public var code: TariffCode
    public var origin: CountryCode?
    public var value: ExactDecimal
    public var criterion: String
    public var reason: String
}

/// The answer: does the good originate, by what, and what stands in the way.
public struct OriginResult: Sendable, Hashable, Codable {
    public var regime: String
    public var product: TariffCode
    public var exporter: CountryCode
    /// `nil` when it cannot be decided from the inputs.
    public var qualifies: Bool?
    public var rule: String
    public var ruleSource: String
    /// The criterion met ("CTH", "RVC40 by the indirect formula: 46.20%"), if any.
    public var criterionMet: String?
    public var criteria: [CriterionOutcome]
    public var rvc: [RVCFigure]
    /// Each MaxNOM tested.
    public var maxNOM: [MaxNOMFigure] = []
    public var failingMaterials: [MaterialIssue]
    /// Non-originating and originating material value as counted.
    public var originatingValue: ExactDecimal
    public var nonOriginatingValue: ExactDecimal
    public var cumulation: String
    public var deMinimis: String?
    public var minimalOperations: String
    public var consignment: String
    public var proofOfOrigin: [String]
    public var notes: [String]
}

/// Applies a rule of origin to a production (no I/O; a few microseconds for hundreds of materials).
public struct OriginEvaluator: Sendable {
    public let regime: OriginRegime
    /// The countries whose originating materials count as originating (the cumulation zone),
    /// and the parties through which goods may travel freely.
    public let parties: Set<CountryCode>

    public init(regime: OriginRegime, parties: Set<CountryCode>) {
        self.regime = regime
        self.parties = parties
    }

    /// The general rule as a criterion.
    public func generalRule() throws -> OriginCriterion { try OriginRuleParser.parse(regime.generalRule) }

    struct Counted {
        var originating: [Bool]
        var regional: [Bool]
        var vom: ExactDecimal
        var vnm: ExactDecimal
        var notes: [String]
    }

    func count(_ p: Production) throws(TarifError) -> Counted {
        var zone: Set<CountryCode>
        switch regime.cumulation {
        case .none: zone = [p.exporter]
        case .bilateral: zone = Set([p.exporter] + (p.importer.map { [$0] } ?? []))
        case .diagonal, .full: zone = parties.union([p.exporter])
        }
        var originating: [Bool] = []
        var regional: [Bool] = []
        var vom = ExactDecimal.zero
        var vnm = ExactDecimal.zero
        var assumed: [Int] = []
        var outside: [Int] = []
        originating.reserveCapacity(p.materials.count)
        for m in p.materials {
            let inZone = m.origin.map { zone.contains($0) } ?? false
            var o: Bool
            switch m.originating {
            case true?:
                o = inZone
                if !inZone { outside.append(m.row) }
            case false?: o = false
            case nil:
                o = inZone
                if inZone { assumed.append(m.row) }
            }
            let counts = o || (regime.cumulation == .full && inZone)
            originating.append(o)
            regional.append(counts)
            if counts { vom = try vom + m.value } else { vnm = try vnm + m.value }
        }
        var notes: [String] = []
        if !assumed.isEmpty {
            notes.append(
                "materials on rows \(Self.rows(assumed)) come from the cumulation zone with no 'originating' stated: treated as originating — keep their proof (\(regime.proofOfOrigin.first ?? "a certificate of origin") or a supplier's declaration)")
        }
        if !outside.isEmpty {
            notes.append("materials on rows \(Self.rows(outside)) are declared originating but come from outside the cumulation zone: treated as non-originating")
        }
        return Counted(originating: originating, regional: regional, vom: vom, vnm: vnm, notes: notes)
    }

    static func rows(_ r: [Int]) -> String {
        r.count <= 8 ? r.map(String.init).joined(separator: ", ") : r.prefix(8).map(String.init).joined(separator: ", ") + " … (\(r.count))"
    }

    /// The value content by `formula`, truncated to two decimals.
    func rvc(_ f: RVCFormula, _ p: Production, _ c: Counted) throws(TarifError) -> ExactDecimal? {
        let numerator: ExactDecimal
        switch f {
        case .direct: numerator = try (try (try (try c.vom + p.labour) + p.overhead) + p.profit) + p.otherCosts
        case .indirect, .buildDown: numerator = try p.fob - c.vnm
        case .buildUp: numerator = c.vom
        }
        return try (try numerator * .hundred).divided(by: p.fob, scale: 2, rule: .down)
    }

    /// Tests `production` against `rule` (the general rule when `nil`).
    /// - Throws: ``TarifError`` for a non-positive FOB or a general rule that does not parse.
    public func evaluate(_ p: Production, rule: ProductRule? = nil) throws -> OriginResult {
        guard !p.fob.isNegative, p.fob > .zero || (p.exWorks ?? .zero) > .zero else {
            throw TarifError(.badNumber, "give the good's FOB value or its ex-works price, positive (got FOB \(p.fob)\(p.exWorks.map { ", ex-works \($0)" } ?? ""))")
        }
        if let x = p.exWorks, !(x > .zero) { throw TarifError(.badNumber, "the ex-works price must be positive (got \(x))") }
        // A preference is claimed between parties: an importer outside the agreement on the
        // day grants nothing under it, whatever the good's origin (GATT Art. XXIV:8(b)).
        if let importer = p.importer, !parties.contains(importer) {
            throw TarifError(
                .notFound,
                "\(importer) is not a party to \(regime.agreement) on the day asked: its rules of origin give no preference there (the parties are \(parties.map(\.rawValue).sorted().joined(separator: ", ")))",
                at: SourceLocation(file: "input", field: "importer"))
        }
        let criterion = try rule?.criterion ?? generalRule()
        let c = try count(p)
        var notes = c.notes
        var leaves: [CriterionOutcome] = []
        var issues: [MaterialIssue] = []
        var figures: [RVCFigure] = []
        var deMinimisNote: String?
        var shares: [MaxNOMFigure] = []
        var conditionNumber = 0
        let total = try c.vom + c.vnm
        if p.fob > .zero, total > p.fob {
            notes.append("the materials (\(total.normalized)) are worth more than the FOB value (\(p.fob.normalized)): check the values")
        }

        func test(_ k: OriginCriterion) throws(TarifError) -> (Outcome, String?) {
            switch k {
            case .whollyObtained:
                let nonOriginating = p.materials.indices.filter { !c.originating[$0] }
                if !p.whollyObtained {
                    leaves.append(.init(criterion: "WO", outcome: .notMet, detail: "the good is not declared wholly obtained or produced in \(p.exporter)"))
                    return (.notMet, nil)
                }
                if !nonOriginating.isEmpty {
                    leaves.append(.init(criterion: "WO", outcome: .notMet, detail: "declared wholly obtained, but the bill of materials has non-originating materials (rows \(Self.rows(nonOriginating.map { p.materials[$0].row })))"))
                    return (.notMet, nil)
                }
                leaves.append(.init(criterion: "WO", outcome: .met, detail: "wholly obtained or produced in \(p.exporter)"))
                return (.met, "WO")
            case .tariffShift(let level, let except):
                let name = k.description
                guard Int(p.product.length) >= level.digits else {
                    leaves.append(.init(criterion: name, outcome: .undetermined, detail: "the product code \(p.product) is not precise to the \(level.rawValue)"))
                    return (.undetermined, nil)
                }
                let target = p.product.prefix(level.digits)
                var failing = ExactDecimal.zero
                var unknown = ExactDecimal.zero
                var mine: [MaterialIssue] = []
                for (i, m) in p.materials.enumerated() where !c.originating[i] {
                    if let x = except.first(where: { $0.contains(m.code) }) {
                        failing = try failing + m.value
                        mine.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "classified in \(x), excepted by the rule: it must be originating"))
                    } else if Int(m.code.length) < level.digits {
                        unknown = try unknown + m.value
                        mine.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "its code \(m.code) is not precise to the \(level.rawValue): the shift cannot be checked"))
                    } else if m.code.prefix(level.digits) == target {
                        failing = try failing + m.value
                        mine.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "same \(level.rawValue) as the product (\(target)): no change of \(level.rawValue)"))
                    }
                }
                if mine.isEmpty {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "every non-originating material changes \(level.rawValue)"))
                    return (.met, name)
                }
                let blocked = try failing + unknown
                let dmBase = regime.deMinimisBasis == .exWorks ? (p.exWorks ?? .zero) : p.fob
                let dmName = regime.deMinimisBasis == .exWorks ? "the ex-works price" : "FOB"
                if let dm = regime.deMinimisPercent, dmBase > .zero, try blocked * .hundred <= (try dm * dmBase), except.isEmpty || mine.allSatisfy({ !$0.reason.hasPrefix("classified in") }) {
                    let share = try (try blocked * .hundred).divided(by: dmBase, scale: 2, rule: .up) ?? .zero
                    deMinimisNote = "materials that do not change \(level.rawValue) are worth \(blocked.normalized) = \(share.normalized)% of \(dmName), within the tolerance of \(dm.normalized)%\(regime.provisions["deMinimis"].map { " (\($0))" } ?? "")"
                    leaves.append(.init(criterion: name, outcome: .met, detail: "met by de minimis: " + deMinimisNote!))
                    return (.met, "\(name) with de minimis")
                }
                issues += mine
                let outcome: Outcome = failing.isZero ? .undetermined : .notMet
                let dmText = regime.deMinimisPercent.map { ", above the tolerance of \($0.normalized)% of \(regime.deMinimisBasis == .exWorks ? "the ex-works price" : "FOB")" } ?? ""
                leaves.append(
                    .init(
                        criterion: name, outcome: outcome,
                        detail: "\(mine.count) non-originating material\(mine.count == 1 ? "" : "s") worth \(blocked.normalized) do\(mine.count == 1 ? "es" : "") not qualify\(dmText)"))
                return (outcome, nil)
            case .regionalValueContent(let threshold):
                guard p.fob > .zero else {
                    leaves.append(.init(criterion: k.description, outcome: .undetermined, detail: "a share of the FOB value: give --fob"))
                    return (.undetermined, nil)
                }
                var best: (RVCFormula, ExactDecimal)?
                for f in regime.formulas {
                    guard let v = try rvc(f, p, c) else { continue }
                    let headroom = try (try (try v - threshold) * p.fob).divided(by: .hundred, scale: 2, rule: .down)
                    figures.removeAll { $0.formula == f && $0.threshold == threshold }
                    figures.append(RVCFigure(formula: f, text: f.formula, percent: v, threshold: threshold, margin: try v - threshold, headroom: headroom))
                    if best == nil || v > best!.1 { best = (f, v) }
                }
                guard let (f, v) = best else {
                    leaves.append(.init(criterion: k.description, outcome: .undetermined, detail: "no value-content formula is defined for \(regime.id)"))
                    return (.undetermined, nil)
                }
                let all = figures.filter { $0.threshold == threshold }.map { "\($0.formula.rawValue) \($0.percent.normalized)%" }.joined(separator: ", ")
                if v >= threshold {
                    leaves.append(.init(criterion: k.description, outcome: .met, detail: "\(all); at least \(threshold.normalized)% by the \(f.rawValue) formula"))
                    return (.met, "\(k.description) by the \(f.rawValue) formula: \(v.normalized)%")
                }
                leaves.append(.init(criterion: k.description, outcome: .notMet, detail: "\(all); below \(threshold.normalized)% by \((try threshold - v).normalized) points"))
                return (.notMet, nil)
            case .specificProcess(let process):
                let key = Registry.key(process)
                conditionNumber += 1
                let label = "c\(conditionNumber)"
                if p.processes.contains(where: { Registry.key($0) == key || $0.lowercased() == label }) {
                    leaves.append(.init(criterion: k.description, outcome: .met, detail: "declared carried out in \(p.exporter) (\(label))"))
                    return (.met, k.description)
                }
                leaves.append(
                    .init(
                        criterion: k.description, outcome: .notMet,
                        detail: "not declared: if it is carried out in \(p.exporter), give --process \(label) (or the process's words)"))
                return (.notMet, nil)
            case .maxNonOriginating(let percent, let scope, let basis):
                let name = k.description
                let base = basis == .exWorks ? (p.exWorks ?? .zero) : p.fob
                guard base > .zero else {
                    leaves.append(.init(criterion: name, outcome: .undetermined, detail: "a share of the \(basis == .exWorks ? "ex-works price: give --ex-works" : "FOB value: give --fob")"))
                    return (.undetermined, nil)
                }
                var sum = ExactDecimal.zero
                var imprecise = 0
                for (i, m) in p.materials.enumerated() where !c.originating[i] {
                    switch scope {
                    case .all: sum = try sum + m.value
                    case .sameLevel(let level):
                        if Int(m.code.length) < level.digits || Int(p.product.length) < level.digits {
                            imprecise += 1
                            sum = try sum + m.value
                        } else if m.code.prefix(level.digits) == p.product.prefix(level.digits) {
                            sum = try sum + m.value
                        }
                    case .ranges(let ranges):
                        if ranges.contains(where: { $0.contains(m.code) }) { sum = try sum + m.value }
                    case .allExcept(let ranges):
                        if !ranges.contains(where: { $0.contains(m.code) }) { sum = try sum + m.value }
                    }
                }
                let limit = try (try percent * base).divided(by: .hundred, scale: 2, rule: .down) ?? .zero
                let share = try (try sum * .hundred).divided(by: base, scale: 2, rule: .up) ?? .zero
                shares.append(MaxNOMFigure(criterion: name, basis: basis, base: base, nonOriginating: sum, percent: share, limit: limit, headroom: try limit - sum))
                let what: String
                switch scope {
                case .all: what = "non-originating materials"
                case .sameLevel(let level): what = "non-originating materials of the product's \(level.rawValue)"
                case .ranges(let r): what = "non-originating materials of \(r.map(\.description).joined(separator: ", "))"
                case .allExcept(let r): what = "non-originating materials other than those of \(r.map(\.description).joined(separator: ", "))"
                }
                let counted = imprecise > 0 ? " (\(imprecise) material\(imprecise == 1 ? "" : "s") with codes too short to tell are counted)" : ""
                let detail = "\(what) worth \(sum.normalized) = \(share.normalized)% of the \(basis == .exWorks ? "ex-works price" : "FOB value") \(base.normalized)\(counted)"
                if try sum * .hundred <= (try percent * base) {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "\(detail); at most \(percent.normalized)%"))
                    return (.met, "\(name): \(share.normalized)%")
                }
                leaves.append(.init(criterion: name, outcome: .notMet, detail: "\(detail); above \(percent.normalized)% by \((try sum - limit).normalized)"))
                return (.notMet, nil)
            case .tariffShiftAllowing(let level, let except, let percent, let within):
                let name = k.description
                guard Int(p.product.length) >= level.digits else {
                    leaves.append(.init(criterion: name, outcome: .undetermined, detail: "the product code \(p.product) is not precise to the \(level.rawValue)"))
                    return (.undetermined, nil)
                }
                let target = p.product.prefix(level.digits)
                var tolerated = ExactDecimal.zero
                var blocked: [MaterialIssue] = []
                var unknown = false
                var toleratedRows: [MaterialIssue] = []
                for (i, m) in p.materials.enumerated() where !c.originating[i] {
                    if let x = except.first(where: { $0.contains(m.code) }) {
                        blocked.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "classified in \(x), excepted by the rule: it must be originating"))
                    } else if Int(m.code.length) < level.digits {
                        unknown = true
                        blocked.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "its code \(m.code) is not precise to the \(level.rawValue): the change cannot be checked"))
                    } else if m.code.prefix(level.digits) == target {
                        if within.isEmpty || within.contains(where: { $0.contains(m.code) }) {
                            tolerated = try tolerated + m.value
                            toleratedRows.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "same \(level.rawValue) as the product: counted against the allowance of \(percent.normalized)%"))
                        } else {
                            blocked.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "same \(level.rawValue) as the product (\(target)) and outside the allowance"))
                        }
                    }
                }
                if !blocked.isEmpty {
                    issues += blocked
                    leaves.append(.init(criterion: name, outcome: unknown && blocked.allSatisfy({ $0.reason.hasPrefix("its code") }) ? .undetermined : .notMet, detail: "\(blocked.count) non-originating material\(blocked.count == 1 ? "" : "s") do\(blocked.count == 1 ? "es" : "") not qualify"))
                    return (unknown && blocked.allSatisfy({ $0.reason.hasPrefix("its code") }) ? .undetermined : .notMet, nil)
                }
                if tolerated.isZero {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "every non-originating material changes \(level.rawValue)"))
                    return (.met, name)
                }
                guard let exw = p.exWorks, exw > .zero else {
                    issues += toleratedRows
                    leaves.append(.init(criterion: name, outcome: .undetermined, detail: "materials of the same \(level.rawValue) worth \(tolerated.normalized) are allowed up to \(percent.normalized)% of the ex-works price: give --ex-works"))
                    return (.undetermined, nil)
                }
                let share = try (try tolerated * .hundred).divided(by: exw, scale: 2, rule: .up) ?? .zero
                if try tolerated * .hundred <= (try percent * exw) {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "materials of the same \(level.rawValue) worth \(tolerated.normalized) = \(share.normalized)% of the ex-works price, within the allowance of \(percent.normalized)%"))
                    return (.met, "\(name): \(share.normalized)%")
                }
                issues += toleratedRows
                leaves.append(.init(criterion: name, outcome: .notMet, detail: "materials of the same \(level.rawValue) worth \(tolerated.normalized) = \(share.normalized)% of the ex-works price, above the allowance of \(percent.normalized)%"))
                return (.notMet, nil)
            case .anyHeading(let except), .whollyObtainedMaterials(let except):
                let name = k.description
                let isWO: Bool = { if case .whollyObtainedMaterials = k { return true } else { return false } }()
                var mine: [MaterialIssue] = []
                for (i, m) in p.materials.enumerated() where !c.originating[i] {
                    if let x = except.first(where: { $0.contains(m.code) }) {
                        mine.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: isWO ? "classified in \(x), which must be wholly obtained (originating)" : "classified in \(x), excepted by the rule: it must be originating"))
                    }
                }
                if mine.isEmpty {
                    leaves.append(.init(criterion: name, outcome: .met, detail: isWO ? "no non-originating material of \(except.map(\.description).joined(separator: ", "))" : "materials of any heading may be used\(except.isEmpty ? "" : ", and none of the excepted ones is non-originating")"))
                    return (.met, name)
                }
                issues += mine
                leaves.append(.init(criterion: name, outcome: .notMet, detail: "\(mine.count) non-originating material\(mine.count == 1 ? "" : "s") of the excepted ranges"))
                return (.notMet, nil)
            case .materialsFrom(let ranges):
                let name = k.description
                var mine: [MaterialIssue] = []
                for (i, m) in p.materials.enumerated() where !c.originating[i] && !ranges.contains(where: { $0.contains(m.code) }) {
                    mine.append(.init(row: m.row, code: m.code, origin: m.origin, value: m.value, criterion: name, reason: "non-originating and not of \(ranges.map(\.description).joined(separator: ", ")), from which the rule requires production"))
                }
                if mine.isEmpty {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "every non-originating material is of \(ranges.map(\.description).joined(separator: ", "))"))
                    return (.met, name)
                }
                issues += mine
                leaves.append(.init(criterion: name, outcome: .notMet, detail: "\(mine.count) non-originating material\(mine.count == 1 ? "" : "s") of other headings (materials that by their nature cannot meet the condition may still be used: check them)"))
                return (.notMet, nil)
            case .minOriginating(let percent, let ranges):
                let name = k.description
                guard let exw = p.exWorks, exw > .zero else {
                    leaves.append(.init(criterion: name, outcome: .undetermined, detail: "a share of the ex-works price: give --ex-works"))
                    return (.undetermined, nil)
                }
                var sum = ExactDecimal.zero
                for (i, m) in p.materials.enumerated() where c.originating[i] && ranges.contains(where: { $0.contains(m.code) }) { sum = try sum + m.value }
                let share = try (try sum * .hundred).divided(by: exw, scale: 2, rule: .down) ?? .zero
                let detail = "originating materials of \(ranges.map(\.description).joined(separator: ", ")) worth \(sum.normalized) = \(share.normalized)% of the ex-works price"
                if try sum * .hundred > (try percent * exw) {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "\(detail), more than \(percent.normalized)%"))
                    return (.met, name)
                }
                leaves.append(.init(criterion: name, outcome: .notMet, detail: "\(detail), not more than \(percent.normalized)%"))
                return (.notMet, nil)
            case .maxWeight(let percent, let scope, let nonOriginating, let of):
                let name = k.description
                var counted = ExactDecimal.zero
                var base = ExactDecimal.zero
                var missing: [Int] = []
                for (i, m) in p.materials.enumerated() {
                    let inScope = scope.contains(where: { $0.contains(m.code) })
                    let inBase = !of.isEmpty && of.contains(where: { $0.contains(m.code) })
                    guard inScope || inBase else { continue }
                    guard let w = m.weight else {
                        missing.append(m.row)
                        continue
                    }
                    if inScope, !nonOriginating || !c.originating[i] { counted = try counted + w }
                    if inBase { base = try base + w }
                }
                if of.isEmpty {
                    guard let w = p.weight, w > .zero else {
                        leaves.append(.init(criterion: name, outcome: .undetermined, detail: "a share of the product's weight: give --weight (and a weight column in the bill of materials)"))
                        return (.undetermined, nil)
                    }
                    base = w
                }
                guard missing.isEmpty else {
                    leaves.append(.init(criterion: name, outcome: .undetermined, detail: "the bill of materials gives no weight on rows \(Self.rows(missing)): add a weight column"))
                    return (.undetermined, nil)
                }
                guard base > .zero else {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "no material of \(of.map(\.description).joined(separator: ", ")) is used"))
                    return (.met, name)
                }
                let share = try (try counted * .hundred).divided(by: base, scale: 2, rule: .up) ?? .zero
                let what = (nonOriginating ? "non-originating materials of " : "materials of ") + scope.map(\.description).joined(separator: ", ")
                let detail = "\(what) weigh \(counted.normalized) = \(share.normalized)% of \(of.isEmpty ? "the product's weight" : "the materials of \(of.map(\.description).joined(separator: ", "))") \(base.normalized)"
                if try counted * .hundred <= (try percent * base) {
                    leaves.append(.init(criterion: name, outcome: .met, detail: "\(detail); at most \(percent.normalized)%"))
                    return (.met, name)
                }
                leaves.append(.init(criterion: name, outcome: .notMet, detail: "\(detail); above \(percent.normalized)%"))
                return (.notMet, nil)
            case .nonOriginatingNotAboveOriginating:
                if c.vnm <= c.vom {
                    leaves.append(.init(criterion: k.description, outcome: .met, detail: "non-originating \(c.vnm.normalized) does not exceed originating \(c.vom.normalized)"))
                    return (.met, k.description)
                }
                leaves.append(.init(criterion: k.description, outcome: .notMet, detail: "non-originating \(c.vnm.normalized) exceeds originating \(c.vom.normalized)"))
                return (.notMet, nil)
            case .anyOf(let list):
                var undetermined = false
                var metBy: String?
                for x in list {
                    let (o, by) = try test(x)
                    if o == .met, metBy == nil { metBy = by }
                    if o == .undetermined { undetermined = true }
                }
                if let metBy { return (.met, metBy) }
                return (undetermined ? .undetermined : .notMet, nil)
            case .allOf(let list):
                var outcomes: [(Outcome, String?)] = []
                for x in list { outcomes.append(try test(x)) }
                if outcomes.contains(where: { $0.0 == .notMet }) { return (.notMet, nil) }
                if outcomes.contains(where: { $0.0 == .undetermined }) { return (.undetermined, nil) }
                return (.met, outcomes.compactMap(\.1).joined(separator: " and "))
            }
        }

        var (outcome, metBy) = try test(criterion)
        // RVC figures are worth showing even when the rule has no RVC criterion.
        if figures.isEmpty {
            for f in regime.formulas {
                if let v = try rvc(f, p, c) { figures.append(RVCFigure(formula: f, text: f.formula, percent: v, threshold: nil, margin: nil, headroom: nil)) }
            }
        }
        if regime.formulas.contains(.direct), p.labour.isZero, p.overhead.isZero, p.profit.isZero, p.otherCosts.isZero {
            notes.append("the direct formula counts only originating materials here: give --labour, --overhead, --profit and --other-costs to include them")
        }

        // Minimal operations.
        var minimal = "operations not stated: assumed to go beyond the minimal operations\(regime.minimalOperations.isEmpty ? "" : " (\(regime.minimalOperations.map(\.id).joined(separator: ", ")))")"
        let hasNonOriginating = c.originating.contains(false)
        if let ops = p.operations, !ops.isEmpty {
            let known = Dictionary(regime.minimalOperations.map { (Registry.key($0.id), $0) }, uniquingKeysWith: { a, _ in a })
            let mins = ops.compactMap { known[Registry.key($0)] }
            if mins.count == ops.count, hasNonOriginating {
                minimal = "only minimal operations (\(mins.map(\.text).joined(separator: "; "))), which never confer origin\(regime.provisions["minimalOperations"].map { " (\($0))" } ?? "")"
                if outcome == .met { notes.append("the rule is met on paper, but minimal operations alone never confer origin") }
                outcome = .notMet
                metBy = nil
            } else {
                let others = ops.filter { known[Registry.key($0)] == nil }
                minimal = others.isEmpty ? "only minimal operations, but every material is originating" : "operations beyond the minimal ones: \(others.joined(separator: ", "))"
            }
        }

        // Direct consignment.
        var consignment = "shipped directly from \(p.exporter)"
        var consignmentFails = false
        for t in p.transits where !parties.contains(t.country) {
            if t.processed {
                consignment = "transit through \(t.country), a non-party, with operations other than unloading, reloading or preservation: not directly consigned\(regime.provisions["directConsignment"].map { " (\($0))" } ?? "")"
                consignmentFails = true
            } else if !consignmentFails {
                consignment = "transit through \(t.country), a non-party: allowed if only for geographic or transport reasons, not traded or consumed there, under customs control; keep the through bill of lading and the transit country's customs documents"
            }
        }
        if consignmentFails {
            outcome = .notMet
            metBy = nil
        }

        let qualifies: Bool? = outcome == .undetermined ? nil : outcome == .met
        let cumulationText: String
        switch regime.cumulation {
        case .none: cumulationText = "none: only materials originating in \(p.exporter) count"
        case .bilateral: cumulationText = "bilateral: materials originating in \(p.exporter) or \(p.importer?.rawValue ?? "the importer") count as originating"
        case .diagonal:
            let named = parties.count <= 8 ? parties.map(\.rawValue).sorted().joined(separator: ", ") : "any of the \(parties.count) parties"
            cumulationText = "materials originating in \(named) count as originating\(regime.provisions["cumulation"].map { " (\($0))" } ?? "")"
        case .full: cumulationText = "full: materials produced in any party count toward the value content"
        }
        return OriginResult(
            regime: regime.id, product: p.product, exporter: p.exporter, qualifies: qualifies, rule: rule?.text ?? regime.generalRule,
            ruleSource: rule?.source ?? (regime.provisions["generalRule"] ?? "general rule"), criterionMet: qualifies == true ? metBy : nil, criteria: leaves,
            rvc: figures, maxNOM: shares, failingMaterials: issues.sorted { $0.row < $1.row }, originatingValue: c.vom, nonOriginatingValue: c.vnm, cumulation: cumulationText,
            deMinimis: deMinimisNote, minimalOperations: minimal, consignment: consignment, proofOfOrigin: regime.proofOfOrigin, notes: notes)
    }
}
