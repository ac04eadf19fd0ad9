/// One product of a list that decides what a US chapter 99 heading covers (HTSUS subchapter
/// III's U.S. notes: Annex II of the reciprocal order, the Section 232 product lists, an order's
/// annex of exempt products), with the days it was on the list.
///
/// `list` names the list: `annex-ii`, `section-232`, `section-232-derivative`,
/// `section-122-exempt`, a heading (`9903.02.76`: the products that heading describes) or
/// `exempt-from:9903.01.77` (products an order's annex exempts from that heading).
public struct Chapter99ScopeRow: Sendable, Hashable, Codable {
    public var list: String
    /// The HTS digits the entry names (4 to 10): every line under them is on the list.
    public var prefix: String
    /// The first day on the list; `nil` when on it since the measure began.
    public var from: Day?
    /// The last day on the list; `nil` while it stays.
    public var through: Day?
    /// The instrument the publisher cites, or the file's own description.
    public var source: String
    /// What else the publisher says of the entry, as its own words (`steel mill`, `1a steel`,
    /// `9903.81.91 steel`): for the Section 232 lists, the metal and the kind, annex or
    /// heading that decide which heading charges the goods; empty when the list says nothing more.
    public var detail: String = ""

    public init(list: String, prefix: String, from: Day?, through: Day?, source: String, detail: String = "") {
        self.list = list
        self.prefix = prefix
        self.from = from
        self.through = through
        self.source = source
        self.detail = detail
    }

    /// Whether the entry is on its list on `day`.
    public func holds(on day: Day) -> Bool {
        (from.map { day >= $0 } ?? true) && (through.map { day <= $0 } ?? true)
    }
}

/// The list entries that touch one tariff line: those naming the line or a code above it
/// (`covering`) and those naming only part of it, a code below it (`partial`).
public struct Chapter99Scope: Sendable, Hashable {
    public var covering: [Chapter99ScopeRow]
    public var partial: [Chapter99ScopeRow]

    /// The lines below this one in the schedule (their digits), when some entry names only part:
    /// entries naming every one of them name the whole line.
    public var children: [String] = []

    public init(covering: [Chapter99ScopeRow] = [], partial: [Chapter99ScopeRow] = [], children: [String] = []) {
        self.covering = covering
        self.partial = partial
        self.children = children
    }

    public enum Membership: Sendable, Hashable {
        /// On the list on the day, by this entry.
        case listed(Chapter99ScopeRow)
        /// Only some codes under the line are (the entries name them).
        case partly([String])
        case notListed
    }

    /// Whether the line is on `list` on `day`.
    public func membership(_ list: String, on day: Day) -> Membership {
        if let row = covering.first(where: { $0.list == list && $0.holds(on: day) }) { return .listed(row) }
        let rows = partial.filter { $0.list == list && $0.holds(on: day) }
        guard let first = rows.first else { return .notListed }
        let leaves = children.filter { c in !children.contains { $0 != c && $0.hasPrefix(c) } }
        if !leaves.isEmpty, leaves.allSatisfy({ leaf in rows.contains { leaf.hasPrefix($0.prefix) } }) { return .listed(first) }
        return .partly(Array(Set(rows.map(\.prefix))).sorted())
    }
}
