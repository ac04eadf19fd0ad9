/// What changed between two versions of a schedule, line by line: lines added, removed or
/// re-described, and rates changed by column (MFN, preferential, non-MFN).
public struct ScheduleChanges: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        case added, removed, redescribed
        /// Column 1 General (MFN).
        case mfnRate = "mfn_rate"
        /// Column 1 Special (preferential programs).
        case preferentialRate = "preferential_rate"
        /// Column 2 (countries without normal trade relations).
        case nonMFNRate = "non_mfn_rate"
        /// Footnotes and other notes (a chapter 99 reference added or dropped).
        case notes
    }

    /// One change to one line.
    public struct Change: Sendable, Codable, Hashable {
        public var code: TariffCode
        public var kind: Kind
        public var before: String?
        public var after: String?
        /// For a line added or removed: its description.
        public var description: String?
    }

    /// Counts of one chapter.
    public struct ChapterCount: Sendable, Codable, Hashable {
        public var chapter: String
        public var counts: [String: Int]
    }

    public var changes: [Change]

    /// The changes from `before` to `after`, in code order, each line's in the order of ``Kind``.
    public init(before: [LineState], after: [LineState]) {
        let old = Dictionary(before.map { ($0.line.code, $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(after.map { ($0.line.code, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [Change] = []
        for code in Set(old.keys).union(new.keys).sorted() {
            switch (old[code], new[code]) {
            case (nil, let a?):
                changes.append(Change(code: code, kind: .added, after: Self.rates(a, .mfn), description: a.line.descriptionEnglish))
            case (let b?, nil):
                changes.append(Change(code: code, kind: .removed, before: Self.rates(b, .mfn), description: b.line.descriptionEnglish))
            case (let b?, let a?):
                if b.line.descriptionEnglish != a.line.descriptionEnglish || b.line.path != a.line.path {
                    changes.append(
                        Change(
                            code: code, kind: .redescribed, before: Self.qualified(b.line), after: Self.qualified(a.line)))
                }
                for (kind, rate) in [(Kind.mfnRate, RateKind.mfn), (.preferentialRate, .preferential), (.nonMFNRate, .nonMFN)] {
                    let (x, y) = (Self.rates(b, rate), Self.rates(a, rate))
                    if x != y { changes.append(Change(code: code, kind: kind, before: x, after: y)) }
                }
                let (x, y) = (Self.notes(b), Self.notes(a))
                if x != y { changes.append(Change(code: code, kind: .notes, before: x, after: y)) }
            case (nil, nil): break
            }
        }
        self.changes = changes
    }

    /// Keeps only the changes of lines under the chapters or code prefixes of `list` ("99,61").
    /// - Throws: ``TarifError`` `.badInput` when the list names none.
    public mutating func keepOnly(prefixes list: String) throws(TarifError) {
        let prefixes = list.split(separator: ",").map { $0.filter(\.isNumber) }.filter { !$0.isEmpty }
        guard !prefixes.isEmpty else {
            throw TarifError(.badInput, "chapter '\(InputLimits.echo(list))' names no chapter or code prefix (digits, comma-separated: 99,61)")
        }
        changes.removeAll { c in !prefixes.contains { c.code.digits.hasPrefix($0) } }
    }

    /// Counts by chapter (the code's first two digits) and kind, chapters in order.
    public var byChapter: [ChapterCount] {
        var counts: [String: [String: Int]] = [:]
        for c in changes { counts[String(c.code.digits.prefix(2)), default: [:]][c.kind.rawValue, default: 0] += 1 }
        return counts.keys.sorted().map { ChapterCount(chapter: $0, counts: counts[$0]!) }
    }

    /// Counts by kind.
    public var totals: [Kind: Int] {
        var totals: [Kind: Int] = [:]
        for c in changes { totals[c.kind, default: 0] += 1 }
        return totals
    }

    /// The chapter 99 headings (8-digit lines) the later version adds or ends: where the
    /// US HTS carries its temporary and additional duties.
    public var chapter99: (added: [Change], ended: [Change]) {
        let lines = changes.filter { $0.code.digits.hasPrefix("99") && $0.code.length == 8 }
        return (lines.filter { $0.kind == .added }, lines.filter { $0.kind == .removed })
    }

    /// A rate column's published texts (program by program for the preferential column), or
    /// nil when the line has none.
    static func rates(_ state: LineState, _ kind: RateKind) -> String? {
        let texts = state.rates.filter { $0.kind == kind }.map { r in r.program.map { "\($0): \(r.text)" } ?? r.text }
            + state.unparsed.filter { $0.kind == kind }.map { "\($0.text) (unread)" }
        return texts.isEmpty ? nil : texts.joined(separator: "; ")
    }

    static func notes(_ state: LineState) -> String? {
        state.notes.isEmpty ? nil : state.notes.map(\.text).joined(separator: " | ")
    }

    static func qualified(_ line: TariffLine) -> String {
        (line.path + [line.descriptionEnglish]).filter { !$0.isEmpty }.joined(separator: " › ")
    }
}
