import TarifCore

/// Closest-name suggestions for "unknown X" errors.
///
/// Bounded work: a text longer than ``InputLimits/maxNameLength`` gets no suggestion, and a
/// candidate whose length differs from the text's by more than the distance allowed is
/// skipped without computing the distance, so a question costs at most
/// `candidates × 200 × (longest candidate)` steps whatever is sent.
public enum Suggest {
    /// Up to `limit` candidates nearest to `text`: those containing it first, then by edit distance.
    public static func closest(to text: String, among candidates: [String], limit: Int = 3) -> [String] {
        guard text.utf8.count <= InputLimits.maxNameLength else { return [] }
        let q = Array(text.lowercased())
        guard !q.isEmpty else { return [] }
        var scored: [(Int, String)] = []
        var seen: Set<String> = []
        for c in candidates where seen.insert(c).inserted {
            let lower = Array(c.lowercased())
            let bound = max(2, q.count / 3)
            let contains = q.count >= 3 && q.count <= lower.count && c.lowercased().contains(String(q))
            if !contains && abs(lower.count - q.count) > bound { continue }
            let d = contains ? 0 : distance(q, lower)
            if d <= bound { scored.append((d, c)) }
        }
        return scored.sorted { ($0.0, $0.1.count, $0.1) < ($1.0, $1.1.count, $1.1) }.prefix(limit).map(\.1)
    }

    /// "; did you mean X, Y?" or "" when nothing is close.
    public static func phrase(for text: String, among candidates: [String]) -> String {
        let c = closest(to: text, among: candidates)
        return c.isEmpty ? "" : "; did you mean \(c.joined(separator: ", "))?"
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
