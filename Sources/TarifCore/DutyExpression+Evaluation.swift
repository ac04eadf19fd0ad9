extension DutyExpression {
    /// The duty this rate gives for a consignment.
    ///
    /// Ad valorem: `rate/100 × value`; specific: `amount × quantity / unit size`
    /// (× the fact's value for rates per % vol or per % sucrose); `MIN`: the greater of
    /// base and floor; `MAX`: the lesser of base and cap; compound: the sum. Every input
    /// the rate needs and the context lacks is listed, not only the first.
    /// - Parameter context: what is known of the consignment.
    /// - Returns: the exact duty in `context.currency`, or the missing inputs.
    /// - Throws: ``TarifError`` `.overflow` when a step's exact result does not fit 128 bits
    ///   (inputs within ``InputLimits`` never do on any rate the schedules print).
    public func evaluate(in context: DutyContext) throws(TarifError) -> DutyOutcome {
        var notes: [String] = []
        switch try evaluate(context, notes: &notes) {
        case .success(let amount): return .amount(Money(amount, context.currency), notes: notes)
        case .failure(let missing): return .needs(missing.inputs.uniqued())
        }
    }

    /// The ad valorem equivalent, `duty / customs value × 100`, in percent at 4 places.
    /// `nil` where the currencies differ, the value is zero, or the ratio does not fit.
    public static func adValoremEquivalent(duty: Money, customsValue: Money) -> ExactDecimal? {
        guard duty.currency == customsValue.currency, !customsValue.amount.isZero else { return nil }
        return try? (duty.amount * .hundred).divided(by: customsValue.amount, scale: 4, rule: .halfUp)
    }

    struct Missing: Error { var inputs: [MissingInput] }

    func evaluate(_ c: DutyContext, notes: inout [String]) throws(TarifError) -> Result<ExactDecimal, Missing> {
        switch self {
        case .free:
            return .success(.zero)
        case .adValorem(let p, let basis):
            let value: Money?
            switch basis {
            case .customsValue: value = c.customsValue
            case .component(let name): value = c.componentValues[name]
            }
            guard let value else {
                return .failure(
                    Missing(inputs: [basis == .customsValue ? MissingInput(.customsValue, "") : MissingInput(.componentValue, basis.description)]))
            }
            switch try convert(value, c) {
            case .failure(let m): return .failure(m)
            case .success(let v):
                let product = try v * p.numerator
                if p.denominator == 1 {
                    return .success(try product.divided(by: .hundred, scale: min(ExactDecimal.maxScale, product.scale + 2)) ?? .zero)
                }
                notes.append("\(p) is not a terminating decimal: the duty is rounded at 12 decimal places")
                return .success(try product.divided(by: ExactDecimal(100 * p.denominator), scale: 12) ?? .zero)
            }
        case .specific(let rate):
            return try Self.evaluateSpecific(rate, c)
        case .sum(let terms):
            var results: [Result<ExactDecimal, Missing>] = []
            for t in terms { results.append(try t.evaluate(c, notes: &notes)) }
            return try combine(results) { (v) throws(TarifError) in try ExactDecimal.sum(v) }
        case .atLeast(let base, let floor):
            return try combine([try base.evaluate(c, notes: &notes), try floor.evaluate(c, notes: &notes)]) { max($0[0], $0[1]) }
        case .atMost(let base, let cap):
            return try combine([try base.evaluate(c, notes: &notes), try cap.evaluate(c, notes: &notes)]) { min($0[0], $0[1]) }
        case .graduated(let g):
            guard let degrees = c.facts[g.fact] else { return .failure(Missing(inputs: [MissingInput(.fact, g.fact.rawValue)])) }
            let results = [try Self.evaluateSpecific(g.base, c), try Self.evaluateSpecific(g.step, c), try Self.evaluateSpecific(g.floor, c)]
            return try combine(results) { (v) throws(TarifError) in
                guard degrees < g.threshold else { return v[0] }
                return max(v[2], try v[0] - (try v[1] * (try g.threshold - degrees)))
            }
        case .seasonal(let items):
            guard let day = c.day else { return .failure(Missing(inputs: [MissingInput(.day, "")])) }
            let hit = items.first { $0.periods.contains { $0.contains(day) } } ?? items.first { $0.periods.isEmpty }
            guard let hit else {
                return .failure(Missing(inputs: [MissingInput(.reference, "no seasonal rate is stated for \(day)")]))
            }
            return try hit.rate.evaluate(c, notes: &notes)
        case .alternatives(let options):
            guard let i = c.alternative, options.indices.contains(i) else {
                let list = options.map { $0.summary }.joined(separator: ", ")
                return .failure(Missing(inputs: [MissingInput(.alternative, list)]))
            }
            return try options[i].evaluate(c, notes: &notes)
        case .reference(let r):
            return .failure(Missing(inputs: [MissingInput(.reference, r.text)]))
        case .annotated(let inner, let note):
            notes.append("the schedule marks this rate: \(note)")
            return try inner.evaluate(c, notes: &notes)
        }
    }

    static func evaluateSpecific(_ rate: SpecificRate, _ c: DutyContext) throws(TarifError) -> Result<ExactDecimal, Missing> {
        var missing: [MissingInput] = []
        let quantity = try c.quantity(on: rate.unit.basis)
        if quantity == nil { missing.append(MissingInput(.quantity, rate.unit.basis.description)) }
        var factValue = ExactDecimal.one
        if let fact = rate.perFact {
            if let v = c.facts[fact.kind] { factValue = try fact.factor(for: v) } else {
                missing.append(MissingInput(.fact, fact.kind.rawValue))
            }
        }
        let converted = try convert(rate.amount, c)
        if case .failure(let m) = converted { missing += m.inputs }
        guard missing.isEmpty, let quantity, case .success(let perUnit) = converted else {
            return .failure(Missing(inputs: missing))
        }
        let units = try quantity.divided(by: rate.unit.factor, scale: 12) ?? .zero
        return .success(try (try perUnit * units) * factValue)
    }

    static func convert(_ money: Money, _ c: DutyContext) throws(TarifError) -> Result<ExactDecimal, Missing> {
        if money.currency == c.currency { return .success(money.amount) }
        guard let rate = c.exchangeRates[money.currency] else {
            return .failure(Missing(inputs: [MissingInput(.exchangeRate, "\(money.currency)→\(c.currency)")]))
        }
        return .success(try money.amount * rate)
    }

    func convert(_ money: Money, _ c: DutyContext) throws(TarifError) -> Result<ExactDecimal, Missing> { try Self.convert(money, c) }

    func combine(
        _ results: [Result<ExactDecimal, Missing>], _ f: ([ExactDecimal]) throws(TarifError) -> ExactDecimal
    ) throws(TarifError) -> Result<ExactDecimal, Missing> {
        var values: [ExactDecimal] = []
        var missing: [MissingInput] = []
        for r in results {
            switch r {
            case .success(let v): values.append(v)
            case .failure(let m): missing += m.inputs
            }
        }
        return missing.isEmpty ? .success(try f(values)) : .failure(Missing(inputs: missing))
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
