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

extension ExactDecimal {
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let s = max(lhs.scale, rhs.scale)
        let (a, b) = aligned(lhs, rhs)
        return ExactDecimal(significand: a + b, scale: s)
    }

    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let s = max(lhs.scale, rhs.scale)
        let (a, b) = aligned(lhs, rhs)
        return ExactDecimal(significand: a - b, scale: s)
    }

    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(significand: -value.significand, scale: value.scale)
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs + rhs }

    /// The exact product. Should the scale pass `maxScale`, the product is rounded
    /// half-even to `maxScale` places (24 places: far below any currency's minor unit).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let product = lhs.significand * rhs.significand
        let s = lhs.scale + rhs.scale
        if s <= maxScale { return ExactDecimal(significand: product, scale: s) }
        let dropped = s - maxScale
        return ExactDecimal(
            significand: divide(product, by: powerOfTen(dropped), rule: .halfEven), scale: maxScale)
    }

    /// `self / divisor`, rounded to `scale` decimal places by `rule`.
    /// - Returns: `nil` when `divisor` is zero.
    public func divided(by divisor: ExactDecimal, scale resultScale: Int, rule: RoundingRule = .halfEven)
        -> ExactDecimal?
    {
        guard !divisor.isZero else { return nil }
        // self / d = (s1 / 10^k1) / (s2 / 10^k2) = s1 * 10^(k2 - k1) / s2.
        // Scaled to resultScale: s1 * 10^(resultScale + k2 - k1) / s2.
        let exponent = resultScale + divisor.scale - scale
        var numerator = significand
        var denominator = divisor.significand
        if exponent >= 0 {
            numerator *= Self.powerOfTen(exponent)
        } else {
            denominator *= Self.powerOfTen(-exponent)
        }
        return ExactDecimal(significand: Self.divide(numerator, by: denominator, rule: rule), scale: resultScale)
    }

    /// The value at `scale` decimal places, rounded by `rule` when digits are dropped.
    public func rounded(scale newScale: Int, rule: RoundingRule = .halfUp) -> ExactDecimal {
        if newScale >= scale { return widened(to: newScale) }
        return ExactDecimal(
            significand: Self.divide(significand, by: Self.powerOfTen(scale - newScale), rule: rule),
            scale: newScale)
    }

    /// Integer division of `n` by `d` with the remainder rounded by `rule`.
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
