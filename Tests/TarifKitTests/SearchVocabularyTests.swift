import TarifCore
import Testing

@testable import TarifKit

/// The everyday words a search replaces by the schedule's (Catalog/search-words.json).
struct SearchVocabularyTests {
    @Test func theBundledVocabularyLoadsAndEveryEntryNamesItsSource() throws {
        let v = SearchVocabulary.bundled
        #expect(v.entries.count >= 15)
        #expect(v.entries.values.allSatisfy { !$0.source.isEmpty && !$0.means.isEmpty })
        #expect(v.entries["kaos"]?.means == ["kaus"])
    }

    @Test func rewritesEachListedWordKeepingTheOthers() throws {
        let v = SearchVocabulary.bundled
        let r = try #require(v.rewrite("Kaos katun putih"))
        #expect(r.queries == ["kaus kapas putih"])
        #expect(r.replaced.map(\.word) == ["Kaos", "katun"])
        #expect(r.replaced.map(\.by) == ["kaus", "kapas"])
        // A word with two readings gives both queries.
        let m = try #require(v.rewrite("mebel kayu"))
        #expect(m.queries == ["furnitur kayu", "perabot kayu"])
        #expect(m.replaced.first?.by == "furnitur / perabot")
        // Nothing listed: no rewriting.
        #expect(v.rewrite("beras pecah") == nil)
        #expect(v.rewrite("") == nil)
    }

    @Test func theNumberOfQueriesIsBounded() throws {
        let v = try SearchVocabulary([
            .init(word: "a", means: ["b", "c", "d"], source: "s"), .init(word: "e", means: ["f", "g", "h"], source: "s"),
        ])
        let r = try #require(v.rewrite("a e a e a e", maxVariants: 8))
        #expect(r.queries.count == 8)
        #expect(r.queries.first == "b f b f b f")
    }

    @Test func aMalformedEntryIsRefusedNamingIt() throws {
        for (entries, message) in [
            ([SearchVocabulary.Entry(word: "kaos kaki", means: ["kaus"], source: "s")], "not one word"),
            ([.init(word: "kaos", means: [], source: "s")], "no replacement"),
            ([.init(word: "kaos", means: ["--"], source: "s")], "no replacement"),
            ([.init(word: "kaos", means: ["kaus"], source: "")], "names no source"),
            ([.init(word: "kaos", means: ["kaus"], source: "s"), .init(word: "KAOS", means: ["kaus"], source: "s")], "listed twice"),
        ] {
            let error = #expect(throws: TarifError.self) { try SearchVocabulary(entries) }
            #expect(error?.message.contains(message) == true, "\(String(describing: error))")
            #expect(error?.location?.field?.hasPrefix(".words[") == true)
        }
    }
}
