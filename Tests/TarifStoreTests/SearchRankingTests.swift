import TarifCore
import Testing

@testable import TarifStore

/// The order of a word search's lines, which every store applies to what its index matched.
struct SearchRankingTests {
    /// A candidate; `path` is what the index matched above the line (ranking does not read it).
    static func line(_ code: String, _ english: String, local: String? = nil, path: [String] = []) throws -> SearchRanking.Candidate {
        SearchRanking.Candidate(id: Int64(code.hashValue), code: try TariffCode(code).digits, english: english, local: local)
    }

    @Test func moreWordsInTheLineItselfThenWholeWordsThenShorterThenCode() throws {
        let lines = [
            try Self.line("0901.21.00", "Not decaffeinated", path: ["Coffee, roasted or not roasted:", "Coffee, roasted:"]),
            try Self.line("0901.90.20", "Coffee substitutes containing coffee", path: ["Coffee husks and skins; roasted coffee substitutes"]),
            try Self.line("0901.21.10", "Roasted coffee, in retail packages"),
            try Self.line("0901.22.00", "Roasted coffee"),
            try Self.line("2101.11.00", "Coffeehouse extracts, roasted"),
        ]
        let ranked = SearchRanking.rank(lines, for: "coffee roasted", limit: 10).map(\.code)
        // Both words in the line: whole words first (0901.22 shorter than 0901.21.10), then the
        // prefix match (coffeehouse); one word in the line; none (only in the path).
        #expect(ranked == ["09012200", "09012110", "21011100", "09019020", "09012100"])
        #expect(SearchRanking.rank(lines, for: "coffee roasted", limit: 2).map(\.code) == ["09012200", "09012110"])
        #expect(SearchRanking.rank(lines, for: "coffee", limit: 0).isEmpty)
    }

    @Test func theImportersLanguageAndDiacriticsCount() throws {
        let lines = [
            try Self.line("1006.30.99", "Other", local: "Lain-lain", path: ["Beras."]),
            try Self.line("1006.30.30", "Glutinous rice", local: "Beras ketan"),
            try Self.line("2106.90.00", "Crème brûlée preparations"),
        ]
        #expect(SearchRanking.rank(lines, for: "beras", limit: 2).map(\.code) == ["10063030", "10063099"])
        #expect(SearchRanking.rank(lines, for: "CREME brulee", limit: 5).first?.code == "21069000")
    }
}
