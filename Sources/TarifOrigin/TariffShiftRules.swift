public import TarifCore

/// The US tariff-shift rules of 19 CFR 102.20, as structured in the published corpus:
/// each rule covers a span of HTSUS codes and offers alternatives, each a change to the
/// good from materials of other chapters, headings or subheadings, with exclusions.
public struct TariffShiftRule: Sendable, Hashable, Codable {
    public struct Source: Sendable, Hashable, Codable {
        /// `any_other` (from any other chapter/heading/subheading), `same_position` (from any
        /// other good of the ranges), `named` (from goods of the ranges described).
        public var kind: String
        public var level: String?
        public var ranges: [String]
        public var outsideThatGroup: Bool
        public var text: String

        enum CodingKeys: String, CodingKey {
            case kind, level, ranges, text
            case outsideThatGroup = "outside_that_group"
        }
    }
    public struct ExcludedWhen: Sendable, Hashable, Codable {
        public var ranges: [String]
        public var when: String
    }
    public struct Shift: Sendable, Hashable, Codable {
        public var sources: [Source]
        public var excluded: [String]
        public var excludedWhen: [ExcludedWhen]
        public var excludedDescriptions: [String]
        public var provisos: [String]

        enum CodingKeys: String, CodingKey {
            case sources, excluded, provisos
            case excludedWhen = "excluded_when"
            case excludedDescriptions = "excluded_descriptions"
        }
    }
    public struct Target: Sendable, Hashable, Codable {
        public var ranges: [String]
        public var description: String?
    }
    public struct Alternative: Sendable, Hashable, Codable {
        public var kind: String
        public var shift: Shift?
        public var target: Target?
        public var text: String
        public var unparsedReason: String?

        enum CodingKeys: String, CodingKey {
            case kind, shift, target, text
            case unparsedReason = "unparsed_reason"
        }
    }

    public var ruleID: String
    public var htsus: String
    public var scope: [String]
    public var alternatives: [Alternative]
    public var section: String?
    public var text: String

    enum CodingKeys: String, CodingKey {
        case htsus, scope, alternatives, section, text
        case ruleID = "rule_id"
    }
}

/// The outcome for one foreign material under 19 CFR 102.20.
public struct MaterialShift: Sendable, Hashable, Codable {
    public var row: Int
    public var code: TariffCode
    public var origin: CountryCode?
    public var value: ExactDecimal
    public var outcome: Outcome
    /// The alternative it meets, or why none.
    public var detail: String
}

/// The country of origin of a good under 19 CFR 102.11, as far as 102.20 decides it.
public struct CountryOfOriginResult: Sendable, Hashable, Codable {
    public var product: TariffCode
    public var producer: CountryCode
    /// The country of origin when 102.11(a) decides it; `nil` otherwise.
    public var origin: CountryCode?
    /// `102.11(a)(2)`, `102.11(a)(3)`, `102.11(a)(3) with de minimis (102.13)`, or what applies next.
    public var basis: String
    public var rule: String
    public var ruleID: String
    public var materials: [MaterialShift]
    public var conditions: [String]
    public var notes: [String]
}

/// Indexes the rules by the codes they cover and applies them.
public struct TariffShiftRuleBook: Sendable {
    struct Entry: Sendable {
        var rule: Int
        var range: CodeRange
    }

    /// One alternative with its code ranges read once.
    struct Compiled: Sendable {
        struct Source: Sendable {
            var kind: String
            var digits: Int
            var ranges: [CodeRange]
            var outsideThatGroup: Bool
            var text: String
            var level: String?
        }
        var targets: [CodeRange]
        var sources: [Source]
        var excluded: [(text: String, range: CodeRange)]
        var excludedWhen: [(ranges: [CodeRange], text: String)]
    }

    public let rules: [TariffShiftRule]
    let entries: [Entry]
    let compiled: [[Compiled?]]
    /// Scope strings that could not be read as code ranges (reported, not fatal).
    public let unreadScopes: [String]

    public init(rules: [TariffShiftRule]) {
        self.rules = rules
        var entries: [Entry] = []
        var unread: [String] = []
        for (i, r) in rules.enumerated() {
            for s in r.scope {
                if let range = Self.range(s) { entries.append(Entry(rule: i, range: range)) } else { unread.append("\(r.ruleID): \(s)") }
            }
        }
        self.entries = entries
        self.unreadScopes = unread
        self.compiled = rules.map { r in
            r.alternatives.map { alt in
                guard let shift = alt.shift else { return nil }
                return Compiled(
                    targets: alt.target?.ranges.compactMap { Self.range($0) } ?? [],
                    sources: shift.sources.map { s in
                        Compiled.Source(
                            kind: s.kind, digits: ["chapter": 2, "heading": 4, "subheading": 6][s.level ?? ""] ?? 4, ranges: s.ranges.compactMap { Self.range($0) },
                            outsideThatGroup: s.outsideThatGroup, text: s.text, level: s.level)
                    },
                    excluded: shift.excluded.compactMap { x in Self.range(x).map { (x, $0) } },
                    excludedWhen: shift.excludedWhen.map { w in (w.ranges.compactMap { Self.range($0) }, "excluded from \(w.ranges.joined(separator: ", ")) \(w.when): needs judgement") })
            }
        }
    }

    static func range(_ s: String) -> CodeRange? {
        if let r = try? CodeRange(parsing: s) { return r }
        // A reversed key (the corpus flags 4441-4421): read it as written upward.
        let parts = s.split(separator: "-").map(String.init)
        if parts.count == 2, let a = try? CodeRange.code(parts[0]), let b = try? CodeRange.code(parts[1]), a.length == b.length {
            return CodeRange(min(a, b), max(a, b))
        }
        return nil
    }

    /// The rule that covers `code`: the narrowest scope that holds it.
    public func rule(for code: TariffCode) -> TariffShiftRule? {
        ruleIndex(for: code).map { rules[$0] }
    }

    func ruleIndex(for code: TariffCode) -> Int? {
        entries.filter { $0.range.contains(code) }.max { $0.range.specificity < $1.range.specificity }?.rule
    }

    /// Determines the country of origin of a good produced in `producer` from `materials`.
    ///
    /// 102.11(a)(2): a good made in one country only of materials of that country originates
    /// there. 102.11(a)(3): it originates where it was produced if each foreign material
    /// undergoes an applicable change of 102.20; foreign materials that do not are disregarded
    /// when worth no more than 7% of the good's value (102.13(a)). Otherwise 102.11(b) and
    /// following decide (essential character), which needs judgement the codes cannot give.
    /// - Throws: ``TarifError`` `.overflow` when the materials' values do not add up within 38 digits.
    public func countryOfOrigin(product: TariffCode, producer: CountryCode, materials: [Material], value: ExactDecimal?) throws(TarifError) -> CountryOfOriginResult {
        guard let ri = ruleIndex(for: product) else {
            return CountryOfOriginResult(
                product: product, producer: producer, origin: nil, basis: "no 19 CFR 102.20 rule covers \(product)", rule: "", ruleID: "",
                materials: [], conditions: [], notes: ["102.11(b) and following decide: the material that imparts the good's essential character"])
        }
        let rule = rules[ri]
        let foreign = materials.filter { $0.origin != producer }
        if foreign.isEmpty {
            return CountryOfOriginResult(
                product: product, producer: producer, origin: producer, basis: "102.11(a)(2): produced exclusively from domestic materials",
                rule: rule.text, ruleID: rule.ruleID, materials: [], conditions: [], notes: [])
        }
        var conditions: Set<String> = []
        var notes: [String] = []
        let alternatives = rule.alternatives.indices.filter { k in
            guard let c = compiled[ri][k], !c.targets.isEmpty else { return true }
            return c.targets.contains { $0.contains(product) }
        }.map { (rule.alternatives[$0], compiled[ri][$0]) }
        if alternatives.contains(where: { $0.0.target?.description != nil }) {
            notes.append("some alternatives apply only to goods described in the rule (\(alternatives.compactMap { $0.0.target?.description }.joined(separator: "; "))): check the description")
        }
        var shifts: [MaterialShift] = []
        for m in foreign {
            var outcome = Outcome.notMet
            var detail = "no alternative of \(rule.ruleID) is met"
            var reasons: [String] = []
            for (alt, c) in alternatives {
                guard let shift = alt.shift, let c else {
                    if outcome != .met {
                        outcome = .undetermined
                        detail = "a process rule needs judgement: \(alt.text)"
                    }
                    continue
                }
                let (o, why) = Self.test(m.code, product: product, c)
                if o == .met {
                    outcome = .met
                    detail = alt.text
                    conditions.formUnion(shift.provisos)
                    if !shift.excludedDescriptions.isEmpty { conditions.insert("except from: " + shift.excludedDescriptions.joined(separator: "; ")) }
                    break
                }
                if o == .undetermined, outcome == .notMet {
                    outcome = .undetermined
                    detail = why
                }
                reasons.append(why)
            }
            if outcome == .notMet, let r = reasons.first { detail = r }
            shifts.append(MaterialShift(row: m.row, code: m.code, origin: m.origin, value: m.value, outcome: outcome, detail: detail))
        }
        let failing = shifts.filter { $0.outcome != .met }
        var origin: CountryCode?
        var basis: String
        if failing.isEmpty {
            origin = producer
            basis = "102.11(a)(3): each foreign material undergoes an applicable change in tariff classification (102.20)"
        } else if let value, value > .zero, failing.allSatisfy({ $0.outcome == .notMet }),
            try ExactDecimal.sum(failing.map(\.value)) * .hundred <= (try ExactDecimal(7) * value)
        {
            origin = producer
            basis = "102.11(a)(3) with de minimis: the foreign materials that do not shift are worth no more than 7% of the good's value (102.13(a))"
            notes.append("the exceptions of 102.13(b) to de minimis (agricultural and textile goods among them) are not checked")
        } else if failing.contains(where: { $0.outcome == .undetermined }) {
            basis = "undetermined: \(failing.filter { $0.outcome == .undetermined }.count) material(s) need judgement the codes cannot give"
        } else {
            basis = "102.11(a) does not decide: \(failing.count) foreign material(s) do not undergo the required change; 102.11(b) and following (essential character) apply"
        }
        return CountryOfOriginResult(
            product: product, producer: producer, origin: origin, basis: basis, rule: rule.text, ruleID: rule.ruleID, materials: shifts,
            conditions: conditions.sorted(), notes: notes)
    }

    /// Whether a material of `code` meets one alternative's change.
    static func test(_ code: TariffCode, product: TariffCode, _ c: Compiled) -> (Outcome, String) {
        for x in c.excluded where x.range.contains(code) { return (.notMet, "excluded: a change from \(x.text) does not qualify") }
        for w in c.excludedWhen where w.ranges.contains(where: { $0.contains(code) }) { return (.undetermined, w.text) }
        var why = "does not change as required"
        for s in c.sources {
            switch s.kind {
            case "any_other":
                guard Int(code.length) >= s.digits else { return (.undetermined, "the material's code \(code) is not precise to the \(s.level ?? "level")") }
                if s.outsideThatGroup {
                    if !c.targets.contains(where: { $0.contains(code.prefix(s.digits)) }) { return (.met, s.text) }
                    why = "within the group \(c.targets.map(\.description).joined(separator: ", ")): \(s.text) requires a change from outside it"
                } else if code.prefix(s.digits) != product.prefix(s.digits) {
                    return (.met, s.text)
                } else {
                    why = "same \(s.level ?? "position") as the good (\(code.prefix(s.digits))): \(s.text)"
                }
            case "same_position", "named":
                if s.ranges.contains(where: { $0.contains(code) }) {
                    return (.met, s.text + (s.kind == "named" ? " (the material must be the good the rule describes)" : ""))
                }
            default:
                continue
            }
        }
        return (.notMet, why)
    }
}
