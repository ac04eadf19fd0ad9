import Testing

@testable import TarifCore

/// Revisions kept as validity intervals, and the changes between two states.
struct ScheduleHistoryTests {
    func state(_ code: String, _ rate: String, description: String = "x", note: String? = nil) throws -> LineState {
        let c = try TariffCode(code)
        return LineState(
            line: TariffLine(code: c, indent: 1, descriptionEnglish: description),
            rates: [LineRate(code: c, kind: .mfn, text: rate, expression: try DutyExpressionParser(dialect: .usHTS).parse(rate))],
            notes: note.map { [LineNote(code: c, kind: "footnote", text: $0)] } ?? [])
    }

    func day(_ s: String) throws -> Day { try Day(iso: s) }

    @Test func aLineDroppedAndPublishedAgainHasTwoSpans() throws {
        var h = ScheduleHistory()
        try h.add(name: "a", validFrom: try day("2025-01-01"), states: [try state("0101.21.00", "5%"), try state("0101.29.00", "1%")])
        try h.add(name: "b", validFrom: try day("2025-02-01"), states: [try state("0101.29.00", "1%")])
        try h.add(name: "c", validFrom: try day("2025-03-01"), states: [try state("0101.21.00", "5%"), try state("0101.29.00", "1%")])
        h.finish()
        let spans = h.spans.map { "\($0.state.line.code.digits) \($0.validFrom)..\($0.validUntil?.description ?? "")" }
        #expect(spans.sorted() == ["01012100 2025-01-01..2025-02-01", "01012100 2025-03-01..", "01012900 2025-01-01.."])
        #expect(h.revisions.map(\.lineCount) == [2, 1, 2])
    }

    @Test func whereAnUnreadTextSitsIsNoChange() throws {
        var a = try state("0101.21.00", "5%")
        var b = a
        a.unparsed = [UnparsedRate(location: SourceLocation(file: "rev1.json", line: 10), code: a.line.code, kind: .nonMFN, text: "37% /", reason: "r")]
        b.unparsed = [UnparsedRate(location: SourceLocation(file: "rev2.json", line: 99), code: a.line.code, kind: .nonMFN, text: "37% /", reason: "r")]
        #expect(a.publishesSame(as: b))
        b.unparsed[0].text = "38% /"
        #expect(!a.publishesSame(as: b))
    }

    @Test func revisionsOutOfOrderOrALineTwiceAreRefused() throws {
        var h = ScheduleHistory()
        try h.add(name: "a", validFrom: try day("2025-02-01"), states: [try state("0101.21.00", "5%")])
        #expect(throws: TarifError.self) { try h.add(name: "b", validFrom: try day("2025-02-01"), states: []) }
        #expect(throws: TarifError.self) { try h.add(name: "b", validFrom: try day("2025-01-01"), states: []) }
        #expect {
            try h.add(name: "c", validFrom: try day("2025-03-01"), states: [try state("0101.21.00", "5%"), try state("0101.21.00", "6%")])
        } throws: { ($0 as? TarifError)?.message.contains("lists line 0101.21.00 twice") == true }
    }

    @Test func changesByKindAndChapter() throws {
        let before = [try state("0101.21.00", "5%"), try state("0201.10.00", "2%"), try state("9903.01.61", "0%")]
        let after = [
            try state("0101.21.00", "7%", note: "See 9903.88.15."), try state("0201.10.00", "2%", description: "y"),
            try state("9903.02.27", "0%"),
        ]
        let c = ScheduleChanges(before: before, after: after)
        #expect(c.changes.map { "\($0.code.digits) \($0.kind.rawValue)" } == [
            "01012100 mfn_rate", "01012100 notes", "02011000 redescribed", "99030161 removed", "99030227 added",
        ])
        #expect(c.byChapter.map(\.chapter) == ["01", "02", "99"])
        #expect(c.chapter99.added.map(\.code.digits) == ["99030227"] && c.chapter99.ended.map(\.code.digits) == ["99030161"])
        #expect(c.totals[.mfnRate] == 1 && c.totals[.added] == 1)
        #expect(ScheduleChanges(before: before, after: before).changes.isEmpty)
        var only = c
        try only.keepOnly(prefixes: "99, 0201")
        #expect(only.changes.map(\.code.digits) == ["02011000", "99030161", "99030227"])
        for bad in ["", ",,,", "abc", String(repeating: "x", count: 100_000)] {
            var copy = c
            #expect {
                try copy.keepOnly(prefixes: bad)
            } throws: { ($0 as? TarifError)?.code == .badInput && "\($0)".count < 400 }
            #expect(copy.changes == c.changes)
        }
    }
}
