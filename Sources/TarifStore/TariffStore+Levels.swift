public import TarifCore

extension TariffStore {
    /// ``search(_:in:limit:)``, and when several words find no line together, the lines whose
    /// own words and their headings' words hold them all: "kopi arabika" finds the BTKI's
    /// "- - - Arabika WIB atau Robusta OIB" under "Kopi, …" although no one line's text
    /// (whose path of headings is kept in English only) has both Indonesian words.
    /// - Returns: at most `limit` lines, the deepest that match, in code order.
    public func searchAcrossLevels(_ query: String, in schedule: StoredSchedule, limit: Int) throws -> [TariffLine] {
        let direct = try search(query, in: schedule, limit: limit)
        let words = Self.searchWords(query)
        guard direct.isEmpty, words.count >= 2, words.count <= 8 else { return direct }
        // Each word's lines (bounded), then the lines under them that every word reaches.
        var reach: [[TariffLine]] = []
        for word in words {
            let found = try search(word, in: schedule, limit: 2_000)
            if found.isEmpty { return [] }
            reach.append(found)
        }
        func covers(_ lines: [TariffLine], _ code: TariffCode) -> Bool { lines.contains { $0.code.contains(code) } }
        var candidates: [TariffLine] = []
        var seen: Set<TariffCode> = []
        for (i, found) in reach.enumerated() {
            for line in found where !seen.contains(line.code) {
                let others = reach.indices.filter { $0 != i }
                if others.allSatisfy({ covers(reach[$0], line.code) }) {
                    seen.insert(line.code)
                    candidates.append(line)
                }
            }
        }
        // The deepest lines: drop a candidate that another candidate lies under.
        let deepest = candidates.filter { c in !candidates.contains { $0.code != c.code && c.code.contains($0.code) } }
        return Array(deepest.sorted { $0.code.digits < $1.code.digits }.prefix(limit))
    }
}
