/// How a division or a change of scale rounds the digits it drops.
public enum RoundingRule: String, Sendable, Codable, CaseIterable {
    /// Away from zero at exactly half (`2.5` → `3`): the rule most customs laws state.
    case halfUp
    /// To the even neighbour at exactly half (`2.5` → `2`): banker's rounding.
    case halfEven
    /// Toward zero: truncation.
    case down
    /// Away from zero when anything is dropped.
    case up
}

/// Checked arithmetic: every operation that can leave the 128-bit significand throws
/// ``TarifError`` `.overflow` instead of trapping. Results never hold `Int128.min`, so
/// negation and magnitude are always exact.
extension ExactDecimal {
    /// `significand × 10^-scale`, refusing `Int128.min` (whose negation does not fit).
    static func checked(_ significand: Int128, scale: Int, _ step: @autoclosure () -> String) throws(TarifError) -> ExactDecimal {
        guard significand != .min else { throw .overflow(step()) }
        return ExactDecimal(significand: significand, scale: scale)
    }

    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) throws(TarifError) -> ExactDecimal {
        let (a, b) = try aligned(lhs, rhs)
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw .overflow("a sum") }
        return try checked(r, scale: max(lhs.scale, rhs.scale), "a sum")
    }

    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) throws(TarifError) -> ExactDecimal {
        let (a, b) = try aligned(lhs, rhs)
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw .overflow("a difference") }
        return try checked(r, scale: max(lhs.scale, rhs.scale), "a difference")
    }

    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(significand: -value.significand, scale: value.scale)
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) throws(TarifError) { lhs = try lhs + rhs }

    /// The exact sum of `values` (zero for none), checked at every step.
    public static func sum(_ values: some Sequence<ExactDecimal>) throws(TarifError) -> ExactDecimal {
        var total = ExactDecimal.zero
        for v in values { total = try total + v }
        return total
    }

    /// The exact product. Should the scale pass `maxScale`, the product is rounded
    /// half-even to `maxScale` places (24 places: far below any currency's minor unit).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) throws(TarifError) -> ExactDecimal {
        let (product, o) = lhs.significand.multipliedReportingOverflow(by: rhs.significand)
        if o {
            // The exact product does not fit; at lower precision it may: drop the digits past
            // maxScale from the operands' fractions first (each loses at most half a unit of
            // the last place kept, far below any minor unit), then multiply.
            return try productAtReducedScale(lhs, rhs)
        }
        let s = lhs.scale + rhs.scale
        if s <= maxScale { return try checked(product, scale: s, "a product") }
        let dropped = s - maxScale
        return try checked(divide(product, by: powersOfTen[dropped], rule: .halfEven), scale: maxScale, "a product")
    }

    /// The product when the exact significands' product overflows: the operands' trailing
    /// zeros are dropped, and the result is exact whenever it fits at all.
    private static func productAtReducedScale(_ lhs: ExactDecimal, _ rhs: ExactDecimal) throws(TarifError) -> ExactDecimal {
        let a = lhs.normalized, b = rhs.normalized
        if a.significand == lhs.significand && b.significand == rhs.significand { throw .overflow("a product") }
        let (product, o) = a.significand.multipliedReportingOverflow(by: b.significand)
        if o { throw .overflow("a product") }
        let s = a.scale + b.scale
        if s <= maxScale { return try checked(product, scale: s, "a product") }
        return try checked(divide(product, by: powersOfTen[s - maxScale], rule: .halfEven), scale: maxScale, "a product")
    }

    /// `self / divisor`, rounded to `scale` decimal places by `rule`.
    /// - Returns: `nil` when `divisor` is zero.
    /// - Throws: ``TarifError`` `.overflow` when the quotient at that scale does not fit.
    public func divided(by divisor: ExactDecimal, scale resultScale: Int, rule: RoundingRule = .halfEven)
        throws(TarifError) -> ExactDecimal?
    {
        guard !divisor.isZero else { return nil }
        precondition((0...Self.maxScale).contains(resultScale), "scale out of range")
        // self / d = (s1 / 10^k1) / (s2 / 10^k2) = s1 * 10^(k2 - k1) / s2.
        // Scaled to resultScale: s1 * 10^(resultScale + k2 - k1) / s2.
        let exponent = resultScale + divisor.scale - scale
        var numerator = significand
        var denominator = divisor.significand
        if exponent >= 0 {
            numerator = try Self.scaledUp(numerator, by: exponent)
        } else if let scaled = try? Self.scaledUp(denominator, by: -exponent) {
            denominator = scaled
        } else {
            // The denominator passes 128 bits at this scale, so |quotient| < 1 unit of the last
            // place: 0, or one unit away from zero when rounding up what is dropped. (Half a
            // unit would need a numerator near 2^127, which no bounded input reaches.)
            let away: Int128 = (significand < 0) != (divisor.significand < 0) ? -1 : 1
            return ExactDecimal(significand: rule == .up && significand != 0 ? away : 0, scale: resultScale)
        }
        return try Self.checked(Self.divide(numerator, by: denominator, rule: rule), scale: resultScale, "a quotient")
    }

    /// The value at `scale` decimal places, rounded by `rule` when digits are dropped.
    /// - Throws: ``TarifError`` `.overflow` when a wider scale does not fit.
    public func rounded(scale newScale: Int, rule: RoundingRule = .halfUp) throws(TarifError) -> ExactDecimal {
        if newScale >= scale { return try widened(to: newScale) }
        return ExactDecimal(
            significand: Self.divide(significand, by: Self.powersOfTen[scale - newScale], rule: rule),
            scale: newScale)
    }

    /// The value rounded to at most `scale` places; digits are never added, so this cannot
    /// overflow (for display: `12.5` stays `12.5` at scale 2 where ``rounded(scale:rule:)`` gives `12.50`).
    public func roundedDown(toAtMost newScale: Int, rule: RoundingRule = .halfUp) -> ExactDecimal {
        if newScale >= scale { return self }
        return ExactDecimal(
            significand: Self.divide(significand, by: Self.powersOfTen[scale - newScale], rule: rule),
            scale: newScale)
    }

    /// Integer division of `n` by `d` with the remainder rounded by `rule`; `d` is not zero
    /// and, with `n`, never `Int128.min`, so neither the quotient nor its step overflows.
    static func divide(_ n: Int128, by d: Int128, rule: RoundingRule) -> Int128 {
        let q = n / d
        let r = n % d
        if r == 0 { return q }
        let negative = (n < 0) != (d < 0)
        let step: Int128 = negative ? -1 : 1
        let twiceRemainder = r.magnitude * 2
        let divisor = d.magnitude
        switch rule {
        case .down:
            return q
        case .up:
            return q + step
        case .halfUp:
            return twiceRemainder >= divisor ? q + step : q
        case .halfEven:
            if twiceRemainder > divisor { return q + step }
            if twiceRemainder < divisor { return q }
            return q % 2 == 0 ? q : q + step
        }
    }

    public func magnitude() -> ExactDecimal {
        isNegative ? -self : self
    }
}
