public import TarifCore

/// Finds the rule sets whose 10-digit ranges cover a code, narrowest first, by one binary
/// search: the ranges are cut once into elementary intervals, each knowing its covering sets.
public struct PSRIndex: Sendable {
    /// The first 10-digit value of each elementary interval, ascending.
    let starts: [UInt64]
    /// For interval `k`, its covering sets are `members[offsets[k]..<offsets[k + 1]]`, narrowest first.
    let offsets: [Int32]
    let members: [Int32]
    let lows: [UInt64]
    let highs: [UInt64]

    static let scale: [UInt64] = (0...10).map { n in (0..<n).reduce(1) { acc, _ in acc * 10 } }

    /// The lowest and highest 10-digit values under `code` (a longer code is cut to 10 digits).
    public static func span(_ code: TariffCode) -> (low: UInt64, high: UInt64) {
        let n = Int(code.length)
        if n >= 10 {
            var v = code.value
            for _ in 0..<(n - 10) { v /= 10 }
            return (v, v)
        }
        let s = scale[10 - n]
        return (code.value * s, code.value * s + s - 1)
    }

    /// - Parameter ranges: each set's lowest and highest 10-digit code, in the sets' order.
    public init(ranges: [(low: TariffCode, high: TariffCode)]) {
        let lows = ranges.map { Self.span($0.low).low }
        let highs = ranges.map { Self.span($0.high).high }
        self.lows = lows
        self.highs = highs
        var points = Set<UInt64>()
        for i in lows.indices {
            points.insert(lows[i])
            if highs[i] < UInt64.max { points.insert(highs[i] + 1) }
        }
        let starts = points.sorted()
        // Sweep: sets sorted by their low end enter as their interval starts, and leave past their high end.
        let order = lows.indices.sorted { lows[$0] < lows[$1] }
        var active: [Int] = []
        var next = 0
        var offsets: [Int32] = [0]
        var members: [Int32] = []
        for start in starts {
            while next < order.count, lows[order[next]] <= start {
                active.append(order[next])
                next += 1
            }
            active.removeAll { highs[$0] < start }
            let covering = active.sorted { (highs[$0] - lows[$0], $0) < (highs[$1] - lows[$1], $1) }
            members += covering.map { Int32($0) }
            offsets.append(Int32(members.count))
        }
        self.starts = starts
        self.offsets = offsets
        self.members = members
    }

    /// The sets covering all of `code`, narrowest first (for a code shorter than 10 digits,
    /// only sets that hold every code under it).
    public func covering(_ code: TariffCode) -> [Int] {
        let (low, high) = Self.span(code)
        // The last interval starting at or before `low`.
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if starts[mid] <= low { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return [] }
        let k = lo - 1
        var out: [Int] = []
        for m in members[Int(offsets[k])..<Int(offsets[k + 1])] where highs[Int(m)] >= high { out.append(Int(m)) }
        return out
    }

    /// The sets that cover only part of `code` (a code too short to choose among them).
    public func partlyCovering(_ code: TariffCode) -> [Int] {
        let (low, high) = Self.span(code)
        return lows.indices.filter { lows[$0] <= high && highs[$0] >= low && !(lows[$0] <= low && highs[$0] >= high) }
    }
}
