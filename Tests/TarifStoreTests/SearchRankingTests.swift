import Foundation
import TarifCore
import Testing

@testable import TarifStore

/// The order of a word search's lines, which every store applies to what its index matched.
struct SearchRankingTests {
    static func line(_ code: String, _ english: String, local: String? = nil, path: [String] = []) throws -> SearchRanking.Candidate {
        SearchRanking.Candidate(
            id: Int64(code.hashValue), code: try TariffCode(code).digits, english: english, local: local, path: path.joined(separator: " > "))
    }

    @Test func theShortestWholeDescriptionFirstThenWordsInTheLineItselfThenCode() throws {
        let lines = [
            try Self.line("0901.21.00", "Not decaffeinated", path: ["Coffee, roasted or not roasted:", "Coffee, roasted:"]),
            try Self.line("0901.90.20", "Coffee substitutes containing coffee", path: ["Coffee husks and skins; roasted coffee substitutes"]),
            try Self.line("0901.21.10", "Roasted coffee, in retail packages"),
            try Self.line("0901.22.00", "Roasted coffee"),
            try Self.line("2101.11.00", "Coffeehouse extracts, roasted"),
        ]
        // 2, 3, 5, 9 and 11 words in all.
        let ranked = SearchRanking.rank(lines, for: "coffee roasted", limit: 10).map(\.code)
        #expect(ranked == ["09012200", "21011100", "09012110", "09012100", "09019020"])
        #expect(SearchRanking.rank(lines, for: "coffee roasted", limit: 2).map(\.code) == ["09012200", "21011100"])
        #expect(SearchRanking.rank(lines, for: "coffee", limit: 0).isEmpty)
    }

    @Test func theLineThatSaysLeastBesidesTheWordsComesFirst() throws {
        // The US schedule's T-shirts: the 8-digit line of cotton T-shirts (13 words in all),
        // babies' T-shirts of cotton (24), and a statistical suffix of the first (27).
        let tshirts = "T-shirts, singlets, tank tops and similar garments, knitted or crocheted:"
        let lines = [
            try Self.line(
                "6111.20.20.00", "T-shirts, singlets and similar garments, except those imported as parts of sets (239)",
                path: ["Babies' garments and clothing accessories, knitted or crocheted:", "Of cotton:"]),
            try Self.line(
                "6109.10.00.04", "T-shirts, all white, short hemmed sleeves, hemmed bottom, crew or round neckline (352)",
                path: [tshirts, "Of cotton"]),
            try Self.line("6109.10.00", "Of cotton", path: [tshirts]),
        ]
        #expect(SearchRanking.rank(lines, for: "cotton t-shirts", limit: 3).map(\.code) == ["61091000", "6111202000", "6109100004"])
    }

    @Test func theImportersLanguageAndDiacriticsCount() throws {
        // Four words each; only the second has "beras" in its own (Indonesian) description.
        let rice = [
            try Self.line("1006.30.99", "Other", local: "Lain-lain", path: ["Beras."]),
            try Self.line("1006.30.30", "Glutinous rice", local: "Beras ketan"),
        ]
        #expect(SearchRanking.rank(rice, for: "beras", limit: 2).map(\.code) == ["10063030", "10063099"])
        // Two words each; "Crème" in the line itself counts as "creme" in the query.
        let cream = [
            try Self.line("0401.10.10", "Other", path: ["Creme"]),
            try Self.line("0401.50.31", "Crème fraîche"),
        ]
        #expect(SearchRanking.rank(cream, for: "CREME", limit: 2).map(\.code) == ["04015031", "04011010"])
    }

    @Test func aLimitGivesTheFirstOfTheWholeOrder() throws {
        // Many ties in length, to exercise the cut at the limit-th length.
        let vocabulary = ["cotton", "of", "shirts", "t", "other", "crème", "knitted", "rice", "beras", "men’s"]
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        func text() -> String { (0...next(4)).map { _ in vocabulary[next(vocabulary.count)] }.joined(separator: " ") }
        let candidates = (0..<300).map { i in
            SearchRanking.Candidate(
                id: Int64(i), code: String(format: "%08d", next(99_999_999)), english: text(), local: next(3) == 0 ? text() : nil,
                path: (0..<next(3)).map { _ in text() }.joined(separator: " > "))
        }
        let whole = SearchRanking.rank(candidates, for: "cotton shirts", limit: 300)
        #expect(whole.count == 300)
        for limit in [1, 2, 7, 50, 299] {
            #expect(SearchRanking.rank(candidates, for: "cotton shirts", limit: limit) == Array(whole.prefix(limit)), "limit \(limit)")
        }
    }

    @Test func aOneLetterWordStandsAlone() throws {
        // Two words each; "t" is the t of "T-shirts", not the first letter of "textile".
        let lines = [
            try Self.line("5208.11.00", "Textile fabrics"),
            try Self.line("6109.10.00", "T-shirts"),
        ]
        #expect(SearchRanking.rank(lines, for: "t", limit: 2).map(\.code) == ["61091000", "52081100"])
        #expect(SearchRanking.matchesAsPrefix("t") == false && SearchRanking.matchesAsPrefix("te") && SearchRanking.matchesAsPrefix("é") == false)
    }
}

/// PostgreSQL's search folds words as SQLite's index (`unicode61 remove_diacritics 2`) does.
/// The expected foldings are SQLite's own, read from an FTS5 index over every character beyond
/// ASCII in the three schedules' descriptions (2026-12-02).
struct SearchFoldingTests {
    @Test func wordsFoldAsSQLitesIndexFoldsThem() {
        let sqlite: [String: String] = [
            "Â": "a", "â": "a", "ä": "a", "ç": "c", "è": "e", "é": "e", "ê": "e", "ï": "i", "ô": "o", "ü": "u",
            "Δ": "δ", "δ": "δ", "µ": "μ", "μ": "μ", "ß": "ß", "ø": "ø", "œ": "œ", "²": "²", "₂": "₂", "º": "º", "ʼ": "ʼ",
        ]
        for (character, folded) in sqlite { #expect(SearchRanking.folded(character) == folded, "\(character)") }
        #expect(SearchRanking.folded("Purée") == "puree")
        #expect(SearchRanking.folded("MÜSLI") == "musli")
        #expect(SearchRanking.folded("µm") == "μm")
        #expect(SearchRanking.folded("Gruye\u{300}re") == "gruyere")  // decomposed
    }

    /// The text PostgreSQL's index is made over: SQLite's words, folded, one space apart.
    @Test func theSearchTextHoldsSQLitesWords() {
        #expect(SearchRanking.searchText("Puree of Tomatoes, 5.00 kg; e.g. 1,2-Dimethyl (and/or) T-shirts") == "puree of tomatoes 5 00 kg e g 1 2 dimethyl and or t shirts")
        #expect(SearchRanking.searchText("  --  ") == "")
        // Beyond ASCII: letters folded, a no-break space, typographic quotes and dashes separate
        // words, ß, ø and ² stay letters and digits; a decomposed accent goes with its letter.
        #expect(SearchRanking.searchText("Purée of Gruyère, MÜSLI 5\u{A0}µm – children’s Δ-9 ß ø m² Gruye\u{300}re")
            == "puree of gruyere musli 5 μm children s δ 9 ß ø m² gruyere")
        // Each word is what the query side makes of the same word.
        for text in ["Okoumé", "Crêpes", "50\u{A0}μm", "n.e.s.o.i."] {
            #expect(SearchRanking.searchText(text) == TarifDatabase.searchWords(text).map(SearchRanking.folded).joined(separator: " "))
        }
    }
}
