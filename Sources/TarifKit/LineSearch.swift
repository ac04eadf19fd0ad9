public import TarifCore
import TarifStore

/// Everyday words for goods that a schedule writes otherwise ("kaos katun" for the BTKI's
/// "kaus … dari kapas"), curated in `Catalog/search-words.json`, each with the dictionary
/// entry that gives the equivalence.
public struct SearchVocabulary: Sendable {
    public struct Entry: Decodable, Sendable {
        public var word: String
        public var means: [String]
        public var source: String
    }
    struct File: Decodable { var words: [Entry] }

    /// Each word (lower case) and the words it may be replaced by.
    public let entries: [String: Entry]

    public init(_ entries: [Entry]) throws {
        var map: [String: Entry] = [:]
        for (i, e) in entries.enumerated() {
            let key = e.word.lowercased()
            let at = SourceLocation(file: "Catalog/search-words.json", field: ".words[\(i)]")
            guard TarifDatabase.searchWords(key) == [key] else { throw TarifError(.badFile, "'\(e.word)' is not one word", at: at) }
            guard !e.means.isEmpty, e.means.allSatisfy({ !TarifDatabase.searchWords($0).isEmpty }) else {
                throw TarifError(.badFile, "'\(e.word)' has no replacement", at: at)
            }
            guard !e.source.isEmpty else { throw TarifError(.badFile, "'\(e.word)' names no source", at: at) }
            guard map.updateValue(e, forKey: key) == nil else { throw TarifError(.badFile, "'\(e.word)' is listed twice", at: at) }
        }
        self.entries = map
    }

    /// The vocabulary shipped with Tarif.
    public static let bundled: SearchVocabulary = {
        do { return try SearchVocabulary(try BundledResource.decode(File.self, "search-words", in: "Catalog").words) } catch {
            preconditionFailure("Catalog/search-words.json: \(error)")  // checked by a test on every build
        }
    }()

    /// A rewriting of `query`: the queries to try (each combination of the listed words'
    /// replacements, at most `maxVariants`) and the replacements made, or `nil` when no word is listed.
    public func rewrite(_ query: String, maxVariants: Int = 8) -> (queries: [String], replaced: [(word: String, by: String)])? {
        let words = TarifDatabase.searchWords(query)
        guard words.contains(where: { entries[$0.lowercased()] != nil }) else { return nil }
        var queries: [[String]] = [[]]
        var replaced: [(String, String)] = []
        for word in words {
            guard let e = entries[word.lowercased()] else {
                queries = queries.map { $0 + [word] }
                continue
            }
            replaced.append((word, e.means.joined(separator: " / ")))
            queries = Array(queries.flatMap { q in e.means.map { q + [$0] } }.prefix(maxVariants))
        }
        return (queries.map { $0.joined(separator: " ") }, replaced)
    }
}

/// What a search for lines found, and how.
public struct LineSearchAnswer: Sendable {
    /// The importer's schedule in force on the day.
    public var schedule: StoredSchedule
    public var lines: [TariffLine]
    /// The words replaced from ``SearchVocabulary`` ("kaos → kaus"), when the words as given found nothing.
    public var replaced: [(word: String, by: String)] = []
    /// The schedule in another language whose descriptions found the lines' HS subheadings, when
    /// the importer's own found nothing ("BTKI 2022" for "kemeja" in the US tariff).
    public var via: StoredSchedule?

    /// How the lines were found, in English ("kaos read as kaus; found through the descriptions of BTKI 2022"), or `nil`.
    public var how: String? {
        let parts = (replaced.isEmpty ? [] : ["read " + replaced.map { "\($0.word) as \($0.by)" }.joined(separator: ", ")])
            + (via.map { ["found through the descriptions of \($0.info.title)"] } ?? [])
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension Tarif {
    /// Lines whose descriptions match the words of `query` (every word, on the line or the
    /// headings above it), in English or the importer's language. When they find nothing: the
    /// same with everyday words replaced by the schedule's (``SearchVocabulary``), then the words
    /// in another loaded schedule's languages (Indonesian words in the US tariff), this schedule's
    /// lines under the HS subheadings they find.
    public func findLines(
        importer: CountryCode, _ query: String, on day: Day, limit: Int = 50, vocabulary: SearchVocabulary = .bundled
    ) throws -> LineSearchAnswer {
        let schedule = try schedule(for: importer, on: day)
        var answer = LineSearchAnswer(schedule: schedule, lines: try store.searchAcrossLevels(query, in: schedule, limit: limit))
        guard answer.lines.isEmpty else { return answer }
        let rewritten = vocabulary.rewrite(query)
        let queries = [query] + (rewritten?.queries ?? [])
        func union(_ found: [TariffLine]) {
            var seen = Set(answer.lines.map(\.code))
            for line in found where answer.lines.count < limit && seen.insert(line.code).inserted { answer.lines.append(line) }
        }
        for q in queries.dropFirst() { union(try store.searchAcrossLevels(q, in: schedule, limit: limit)) }
        if !answer.lines.isEmpty {
            answer.replaced = rewritten?.replaced ?? []
            return answer
        }
        // Another language: the first other importer's MFN schedule in force that finds the words.
        let others = try store.schedules().filter {
            $0.info.importer != importer && $0.validity.contains(day) && $0.info.series == ScheduleInfo.mfnSeries(for: $0.info.importer)
        }
        for other in others {
            for (k, q) in queries.enumerated() {
                let found = try store.searchAcrossLevels(q, in: other, limit: 20)
                guard !found.isEmpty else { continue }
                var seen = Set<String>()
                for hs6 in found.map({ $0.code.length > 6 ? $0.code.prefix(6) : $0.code }) where seen.insert(hs6.digits).inserted && answer.lines.count < limit {
                    union(try store.lines(under: hs6, in: schedule, limit: limit - answer.lines.count))
                }
                if !answer.lines.isEmpty {
                    answer.via = other
                    if k > 0 { answer.replaced = rewritten?.replaced ?? [] }
                    return answer
                }
            }
        }
        return answer
    }
}
