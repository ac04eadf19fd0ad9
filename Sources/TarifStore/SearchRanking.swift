import Foundation
public import TarifCore

/// The order of the lines a word search finds, the same whichever database found them: each
/// full-text engine only selects the lines (every word a prefix of a word of the line's
/// descriptions or of the lines above it); this ranks them, so SQLite and PostgreSQL answer a
/// search identically, limit included.
///
/// Best first: the lines whose own description (English or the importer's language) holds
/// more of the query's words; among them, more of those as whole words (`rice` before
/// `ricepaper`); then the shorter own description (the more specific line); then the code.
public enum SearchRanking {
    /// A line the index matched, with what ranking needs (the rest is read for the first few only).
    public struct Candidate: Sendable, Hashable {
        public var id: Int64
        public var code: String
        public var english: String
        public var local: String?

        public init(id: Int64, code: String, english: String, local: String?) {
            self.id = id
            self.code = code
            self.english = english
            self.local = local
        }
    }

    /// The first `limit` of `candidates`, found for `query`, in the order above.
    public static func rank(_ candidates: [Candidate], for query: String, limit: Int) -> [Candidate] {
        let words = tokens(query)
        return candidates.map { (key($0, words: words), $0) }.sorted { $0.0 < $1.0 }.prefix(max(0, limit)).map(\.1)
    }

    /// The words of `text` as compared: letters and digits, lowercased, without diacritics.
    static func tokens(_ text: String) -> [Substring] {
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased() : text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.split { !$0.isLetter && !$0.isNumber }
    }

    struct Key: Comparable {
        var wordsInOwn: Int
        var wholeWordsInOwn: Int
        var ownLength: Int
        var code: String

        static func < (a: Key, b: Key) -> Bool {
            if a.wordsInOwn != b.wordsInOwn { return a.wordsInOwn > b.wordsInOwn }
            if a.wholeWordsInOwn != b.wholeWordsInOwn { return a.wholeWordsInOwn > b.wholeWordsInOwn }
            if a.ownLength != b.ownLength { return a.ownLength < b.ownLength }
            return a.code < b.code
        }
    }

    static func key(_ c: Candidate, words: [Substring]) -> Key {
        var own = tokens(c.english)
        if let local = c.local { own += tokens(local) }
        var inOwn = 0
        var whole = 0
        for word in words {
            if own.contains(where: { $0.hasPrefix(word) }) { inOwn += 1 }
            if own.contains(word) { whole += 1 }
        }
        return Key(wordsInOwn: inOwn, wholeWordsInOwn: whole, ownLength: own.count, code: c.code)
    }
}

extension TariffStore {
    /// The columns a search's candidates are read with (`l` the line table).
    public static var candidateColumns: String { "l.id, l.code, l.description_en, l.description_local" }

    /// The first `limit` lines of `rows` (the candidates a full-text index matched, read with
    /// ``candidateColumns``) in ``SearchRanking``'s order, read whole.
    public func rankedLines(_ rows: [StoreRow], for query: String, limit: Int) throws -> [TariffLine] {
        let candidates = try rows.map {
            SearchRanking.Candidate(
                id: try $0.integer("id"), code: try $0.text("code"), english: try $0.text("description_en"), local: try $0.optionalText("description_local"))
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
