/// An exact base-10 number: `significand × 10^-scale`.
///
/// Money, rates and quantities in Tarif are exact. `ExactDecimal` keeps a 128-bit
/// significand (about 38 significant digits) and a scale of 0...`maxScale` decimal
/// places, so customs values, specific rates and their products never pass through
/// binary floating point. Division, which can produce non-terminating results, always
/// names the scale and rounding it uses.
public struct ExactDecimal: Sendable {
    /// The largest number of decimal places a value keeps.
    public static let maxScale = 24

    public let significand: Int128
    public let scale: Int

    /// Creates `significand × 10^-scale`; `scale` must be in 0...`maxScale`.
    public init(significand: Int128, scale: Int = 0) {
        precondition((0...Self.maxScale).contains(scale), "scale out of range")
        self.significand = significand
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(significand: Int128(integer), scale: 0)
    }

    public static let zero = ExactDecimal(0)
    public static let one = ExactDecimal(1)
    public static let hundred = ExactDecimal(100)

    public var isZero: Bool { significand == 0 }
    public var isNegative: Bool { significand < 0 }

    /// The same value with trailing fractional zeros removed (`12.500` → `12.5`).
    public var normalized: ExactDecimal {
        // Nearly every value fits 64 bits, whose division is the processor's (128-bit is not).
        if let small = Int64(exactly: significand) {
            let (s, k) = Self.trimmingZeros(small, scale: scale)
            return ExactDecimal(significand: Int128(s), scale: k)
        }
        let (s, k) = Self.trimmingZeros(significand, scale: scale)
        return ExactDecimal(significand: s, scale: k)
    }

    /// `significand` and `scale` with the trailing fractional zeros dropped.
    private static func trimmingZeros<T: BinaryInteger>(_ significand: T, scale: Int) -> (T, Int) {
        var s = significand
        var k = scale
        while k > 0, s % 10 == 0 {
            s /= 10
            k -= 1
        }
        return (s, k)
    }

    /// The value at a larger scale, exactly (`1.5` at scale 3 is `1.500`).
    /// - Throws: ``TarifError`` `.overflow` when the widened significand does not fit 128 bits.
    func widened(to newScale: Int) throws(TarifError) -> ExactDecimal {
        precondition(newScale >= scale)
        return ExactDecimal(significand: try Self.scaledUp(significand, by: newScale - scale), scale: newScale)
    }

    /// The powers of ten that fit a 128-bit signed integer: 10^0 ... 10^38.
    static let powersOfTen: [Int128] = (0...38).map { n in (0..<n).reduce(Int128(1)) { r, _ in r * 10 } }

    /// `10^n`, or `nil` when it does not fit 128 bits (n > 38).
    static func powerOfTen(_ n: Int) -> Int128? {
        n >= 0 && n < powersOfTen.count ? powersOfTen[n] : nil
    }

    /// `value × 10^n`, checked.
    static func scaledUp(_ value: Int128, by n: Int) throws(TarifError) -> Int128 {
        if n == 0 || value == 0 { return value }
        guard let p = powerOfTen(n) else { throw .overflow("× 10^\(n)") }
        let (r, o) = value.multipliedReportingOverflow(by: p)
        if o { throw .overflow("× 10^\(n)") }
        return r
    }

    /// Conversion for numerical work (simulation, charts). Money never goes this way back.
    public var doubleValue: Double {
        Double(significand) / Double(Self.powersOfTen[scale])
    }
}

extension ExactDecimal: Equatable, Hashable, Comparable {
    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.significand)
        hasher.combine(n.scale)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        compare(lhs, rhs) < 0
    }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        compare(lhs, rhs) == 0
    }

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`; never overflows: a
    /// significand that cannot be widened to the other's scale is larger in magnitude than
    /// any value at that scale, so its sign decides.
    static func compare(_ lhs: ExactDecimal, _ rhs: ExactDecimal) -> Int {
        if lhs.scale == rhs.scale { return lhs.significand < rhs.significand ? -1 : (lhs.significand == rhs.significand ? 0 : 1) }
        let (narrow, wide, flipped) = lhs.scale < rhs.scale ? (lhs, rhs, false) : (rhs, lhs, true)
        let result: Int
        if let a = try? scaledUp(narrow.significand, by: wide.scale - narrow.scale) {
            result = a < wide.significand ? -1 : (a == wide.significand ? 0 : 1)
        } else {
            result = narrow.significand < 0 ? -1 : 1
        }
        return flipped ? -result : result
    }

    /// The two significands at a common scale.
    /// - Throws: ``TarifError`` `.overflow` when one does not fit 128 bits at that scale.
    static func aligned(_ lhs: ExactDecimal, _ rhs: ExactDecimal) throws(TarifError) -> (Int128, Int128) {
        if lhs.scale == rhs.scale { return (lhs.significand, rhs.significand) }
        let s = max(lhs.scale, rhs.scale)
        return (try lhs.widened(to: s).significand, try rhs.widened(to: s).significand)
    }
}

extension ExactDecimal: CustomStringConvertible {
    /// Plain decimal notation with a point, no exponent and no grouping: `-1234.5`.
    public var description: String {
        // Nearly every value fits 64 bits, whose division is the processor's (128-bit is not).
        if let small = Int64(exactly: significand) { return Self.text(small.magnitude, negative: small < 0, scale: scale) }
        return Self.text(significand.magnitude, negative: significand < 0, scale: scale)
    }

    /// The digits of `magnitude`, with a point `scale` places from the right (at least one digit
    /// before it) and a minus sign when `negative`, written straight into the string.
    private static func text<T: UnsignedInteger>(_ magnitude: T, negative: Bool, scale: Int) -> String {
        var count = 0
        var rest = magnitude
        repeat {
            count += 1
            rest /= 10
        } while rest > 0
        let width = max(count, scale + 1)
        let length = (negative ? 1 : 0) + width + (scale > 0 ? 1 : 0)
        return String(unsafeUninitializedCapacity: length) { out in
            var i = length
            var v = magnitude
            for k in 0..<width {
                if k == scale && k > 0 {
                    i -= 1
                    out[i] = UInt8(ascii: ".")
                }
                i -= 1
                out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            if negative { out[0] = UInt8(ascii: "-") }
            return length
        }
    }
}

extension ExactDecimal: Codable {
    /// Encoded as a JSON string (`"12.5"`) so no decoder turns it into a binary double.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(normalized.description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = ExactDecimal(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(InputLimits.echo(text))' is not a plain decimal number")
        }
        self = value
    }
}

extension ExactDecimal: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}
