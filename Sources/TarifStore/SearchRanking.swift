import Foundation
public import TarifCore

/// The order of the lines a word search finds, the same whichever database found them: each
/// full-text engine only selects the lines (every word a prefix of a word of the line's
/// descriptions or of the lines above it); this ranks them, so SQLite and PostgreSQL answer a
/// search identically, limit included.
///
/// Best first: the line whose whole description (its own, in English and the importer's
/// language, with the lines above it) has fewest words — the one that says least besides the
/// query's words, so `cotton t-shirts` finds "T-shirts, singlets…: Of cotton" before
/// "Babies' garments…: Of cotton: T-shirts…"; then the line whose own description holds more
/// of the words, more of them as whole words (`rice` before `ricepaper`); then the code.
public enum SearchRanking {
    /// A line the index matched, with what ranking needs (the rest is read for the first few only).
    public struct Candidate: Sendable, Hashable {
        public var id: Int64
        public var code: String
        public var english: String
        public var local: String?
        /// The descriptions of the lines above, as stored (`a > b > c`).
        public var path: String

        public init(id: Int64, code: String, english: String, local: String?, path: String) {
            self.id = id
            self.code = code
            self.english = english
            self.local = local
            self.path = path
        }
    }

    /// The first `limit` of `candidates`, found for `query`, in the order above.
    public static func rank(_ candidates: [Candidate], for query: String, limit: Int) -> [Candidate] {
        guard limit > 0 else { return [] }
        let words = tokens(query).map { (word: $0, prefix: matchesAsPrefix($0)) }
        let lengths = candidates.map { wordCount($0.english) + ($0.local.map(wordCount) ?? 0) + wordCount($0.path) }
        // Length comes first: a line longer than the limit-th shortest cannot be among the
        // first `limit`, so only the others are compared word by word.
        let cutoff = lengths.count <= limit ? Int.max : lengths.sorted()[limit - 1]
        var keyed: [(Key, Candidate)] = []
        for (i, c) in candidates.enumerated() where lengths[i] <= cutoff { keyed.append((key(c, length: lengths[i], words: words), c)) }
        return keyed.sorted { $0.0 < $1.0 }.prefix(limit).map(\.1)
    }

    /// How many words `text` has: runs of ASCII letters and digits and of other characters
    /// than ASCII ones (counted on the bytes, without making the words).
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for b in text.utf8 {
            let lower = b | 0x20
            let wordByte = b >= 0x80 || (b >= 0x30 && b <= 0x39) || (lower >= 0x61 && lower <= 0x7A)
            if wordByte && !inWord { count += 1 }
            inWord = wordByte
        }
        return count
    }

    /// Whether a query word matches as a prefix of the descriptions' words: every word but one of
    /// a single letter or digit, which must stand alone (the `t` of `t-shirts` would otherwise
    /// find every word that begins with a t). Both stores' queries follow it.
    public static func matchesAsPrefix(_ word: some StringProtocol) -> Bool { word.count > 1 }

    /// The words of `text` as compared: letters and digits, lowercased, without diacritics.
    static func tokens(_ text: String) -> [Substring] {
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased() : text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.split { !$0.isLetter && !$0.isNumber }
    }

    struct Key: Comparable {
        var length: Int
        var wordsInOwn: Int
        var wholeWordsInOwn: Int
        var code: String

        static func < (a: Key, b: Key) -> Bool {
            if a.length != b.length { return a.length < b.length }
            if a.wordsInOwn != b.wordsInOwn { return a.wordsInOwn > b.wordsInOwn }
            if a.wholeWordsInOwn != b.wholeWordsInOwn { return a.wholeWordsInOwn > b.wholeWordsInOwn }
            return a.code < b.code
        }
    }

    static func key(_ c: Candidate, length: Int, words: [(word: Substring, prefix: Bool)]) -> Key {
        var own = tokens(c.english)
        if let local = c.local { own += tokens(local) }
        var inOwn = 0
        var whole = 0
        for (word, prefix) in words {
            if own.contains(where: { prefix ? $0.hasPrefix(word) : $0 == word }) { inOwn += 1 }
            if own.contains(word) { whole += 1 }
        }
        return Key(length: length, wordsInOwn: inOwn, wholeWordsInOwn: whole, code: c.code)
    }
}

extension TariffStore {
    /// The columns a search's candidates are read with (`l` the line table).
    public static var candidateColumns: String { "l.id, l.code, l.description_en, l.description_local, l.path" }

    /// The first `limit` lines of `rows` (the candidates a full-text index matched, read with
    /// ``candidateColumns``) in ``SearchRanking``'s order, read whole.
    public func rankedLines(_ rows: [StoreRow], for query: String, limit: Int) throws -> [TariffLine] {
        let candidates = try rows.map {
            SearchRanking.Candidate(
                id: try $0.integer("id"), code: try $0.text("code"), english: try $0.text("description_en"),
                local: try $0.optionalText("description_local"), path: try $0.text("path"))
        }
        let first = SearchRanking.rank(candidates, for: query, limit: limit)
        guard !first.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: first.count).joined(separator: ", ")
        var lines: [Int64: TariffLine] = [:]
        for row in try fetch("SELECT id, \(StoreDecoding.lineColumns) FROM tariff_line WHERE id IN (\(placeholders))", first.map { .integer($0.id) }) {
            lines[try row.integer("id")] = try StoreDecoding.line(from: row)
        }
        return first.compactMap { lines[$0.id] }
    }
}

extension SearchRanking {
    /// A word as SQLite's full-text index compares it (`unicode61 remove_diacritics 2`): in
    /// lower case, with its diacritics removed (`Purée` → `puree`). PostgreSQL's `simple`
    /// configuration only lowers ASCII letters, so its search folds words with this first.
    public static func folded(_ text: some StringProtocol) -> String {
        let lowered = String(text).lowercased().folding(options: .diacriticInsensitive, locale: nil)
        // SQLite folds case as Unicode's case folding does: the micro sign is the Greek mu.
        return lowered.utf8.contains(0xB5) ? lowered.replacingOccurrences(of: "\u{B5}", with: "\u{3BC}") : lowered
    }

    /// The words of `text` as SQLite's index sees them, folded (``folded(_:)``) and separated by
    /// single spaces: every character that is not a letter or digit separates words there.
    /// PostgreSQL's full-text index is made over this text.
    public static func searchText(_ text: String) -> String {
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (most lines): letters lowered, digits kept, anything else a separator.
            var out = [UInt8]()
            out.reserveCapacity(utf8.count)
            var pendingSpace = false
            for b in utf8 {
                let letterOrDigit = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
                if !letterOrDigit {
                    pendingSpace = !out.isEmpty
                    continue
                }
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            }
            return String(decoding: out, as: UTF8.self)
        }
        return folded(text).split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
    }
}
