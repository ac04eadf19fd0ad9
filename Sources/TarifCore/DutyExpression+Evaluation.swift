extension DutyExpression {
    /// The duty this rate gives for a consignment.
    ///
    /// Ad valorem: `rate/100 × value`; specific: `amount × quantity / unit size`
    /// (× the fact's value for rates per % vol or per % sucrose); `MIN`: the greater of
    /// base and floor; `MAX`: the lesser of base and cap; compound: the sum. Every input
    /// the rate needs and the context lacks is listed, not only the first.
    /// - Parameter context: what is known of the consignment.
    /// - Returns: the exact duty in `context.currency`, or the missing inputs.
    public func evaluate(in context: DutyContext) -> DutyOutcome {
        var notes: [String] = []
        switch evaluate(context, notes: &notes) {
        case .success(let amount): return .amount(Money(amount, context.currency), notes: notes)
        case .failure(let missing): return .needs(missing.inputs.uniqued())
        }
    }

    /// The ad valorem equivalent, `duty / customs value × 100`, in percent at 4 places.
    public static func adValoremEquivalent(duty: Money, customsValue: Money) -> ExactDecimal? {
        guard duty.currency == customsValue.currency, !customsValue.amount.isZero else { return nil }
        return (duty.amount * .hundred).divided(by: customsValue.amount, scale: 4, rule: .halfUp)
    }

    struct Missing: Error { var inputs: [MissingInput] }

    func evaluate(_ c: DutyContext, notes: inout [String]) -> Result<ExactDecimal, Missing> {
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
            return convert(value, c).map { v in
                let product = v * p.numerator
                if p.denominator == 1 {
                    return product.divided(by: .hundred, scale: min(ExactDecimal.maxScale, product.scale + 2)) ?? .zero
                }
                notes.append("\(p) is not a terminating decimal: the duty is rounded at 12 decimal places")
                return product.divided(by: ExactDecimal(100 * p.denominator), scale: 12) ?? .zero
            }
        case .specific(let rate):
            return Self.evaluateSpecific(rate, c)
        case .sum(let terms):
            return combine(terms.map { $0.evaluate(c, notes: &notes) }) { $0.reduce(.zero, +) }
        case .atLeast(let base, let floor):
            return combine([base.evaluate(c, notes: &notes), floor.evaluate(c, notes: &notes)]) { max($0[0], $0[1]) }
        case .atMost(let base, let cap):
            return combine([base.evaluate(c, notes: &notes), cap.evaluate(c, notes: &notes)]) { min($0[0], $0[1]) }
        case .graduated(let g):
            guard let degrees = c.facts[g.fact] else { return .failure(Missing(inputs: [MissingInput(.fact, g.fact.rawValue)])) }
            let results = [Self.evaluateSpecific(g.base, c), Self.evaluateSpecific(g.step, c), Self.evaluateSpecific(g.floor, c)]
            return combine(results) { v in
                guard degrees < g.threshold else { return v[0] }
                return max(v[2], v[0] - v[1] * (g.threshold - degrees))
            }
        case .seasonal(let items):
            guard let day = c.day else { return .failure(Missing(inputs: [MissingInput(.day, "")])) }
            let hit = items.first { $0.periods.contains { $0.contains(day) } } ?? items.first { $0.periods.isEmpty }
            guard let hit else {
                return .failure(Missing(inputs: [MissingInput(.reference, "no seasonal rate is stated for \(day)")]))
            }
            return hit.rate.evaluate(c, notes: &notes)
        case .alternatives(let options):
            guard let i = c.alternative, options.indices.contains(i) else {
                let list = options.map { $0.summary }.joined(separator: ", ")
                return .failure(Missing(inputs: [MissingInput(.alternative, list)]))
            }
            return options[i].evaluate(c, notes: &notes)
        case .reference(let r):
            return .failure(Missing(inputs: [MissingInput(.reference, r.text)]))
        case .annotated(let inner, let note):
            notes.append("the schedule marks this rate: \(note)")
            return inner.evaluate(c, notes: &notes)
        }
    }

    static func evaluateSpecific(_ rate: SpecificRate, _ c: DutyContext) -> Result<ExactDecimal, Missing> {
        var missing: [MissingInput] = []
        let quantity = c.quantity(on: rate.unit.basis)
        if quantity == nil { missing.append(MissingInput(.quantity, rate.unit.basis.description)) }
        var factValue = ExactDecimal.one
        if let fact = rate.perFact {
            if let v = c.facts[fact.kind] { factValue = v * fact.multiplier } else {
                missing.append(MissingInput(.fact, fact.kind.rawValue))
            }
        }
        let converted = convert(rate.amount, c)
        if case .failure(let m) = converted { missing += m.inputs }
        guard missing.isEmpty, let quantity, case .success(let perUnit) = converted else {
            return .failure(Missing(inputs: missing))
        }
        let units = quantity.divided(by: rate.unit.factor, scale: 12) ?? .zero
        return .success(perUnit * units * factValue)
    }

    static func convert(_ money: Money, _ c: DutyContext) -> Result<ExactDecimal, Missing> {
        if money.currency == c.currency { return .success(money.amount) }
        guard let rate = c.exchangeRates[money.currency] else {
            return .failure(Missing(inputs: [MissingInput(.exchangeRate, "\(money.currency)→\(c.currency)")]))
        }
        return .success(money.amount * rate)
    }

    func convert(_ money: Money, _ c: DutyContext) -> Result<ExactDecimal, Missing> { Self.convert(money, c) }

    func combine(_ results: [Result<ExactDecimal, Missing>], _ f: ([ExactDecimal]) -> ExactDecimal) -> Result<ExactDecimal, Missing> {
        var values: [ExactDecimal] = []
        var missing: [MissingInput] = []
        for r in results {
            switch r {
            case .success(let v): values.append(v)
            case .failure(let m): missing += m.inputs
            }
        }
        return missing.isEmpty ? .success(f(values)) : .failure(Missing(inputs: missing))
    }
}

extension Sequence where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
