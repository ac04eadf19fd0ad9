/// What one revision of a schedule publishes for one line: the line, its rates, its notes
/// and the rate texts that could not be read.
public struct LineState: Sendable, Hashable {
    public var line: TariffLine
    public var rates: [LineRate]
    public var notes: [LineNote]
    public var unparsed: [UnparsedRate]

    public init(line: TariffLine, rates: [LineRate] = [], notes: [LineNote] = [], unparsed: [UnparsedRate] = []) {
        self.line = line
        self.rates = rates
        self.notes = notes
        self.unparsed = unparsed
    }

    /// Whether two revisions publish the same for the line. Where an unreadable text sits in
    /// its file (its location) is not part of what is published.
    public func publishesSame(as other: LineState) -> Bool {
        line == other.line && rates == other.rates && notes == other.notes
            && unparsed.map { [$0.kind.rawValue, $0.text, $0.reason] } == other.unparsed.map { [$0.kind.rawValue, $0.text, $0.reason] }
    }
}

/// A schedule's revisions kept as validity intervals: one span per line and state, where
/// loading every revision whole would copy each unchanged line once per revision.
///
/// Revisions are added in the order they took effect; a line whose state in a revision
/// equals its state in the one before extends its open span, any other state closes it
/// and opens a new one, and a line a revision drops has its span closed on that day.
public struct ScheduleHistory: Sendable {
    /// One revision: its name, the day it took effect, and what it held.
    public struct Revision: Sendable, Hashable {
        public var name: String
        public var validFrom: Day
        public var lineCount: Int
        public var rateCount: Int
        public var unparsedCount: Int
    }

    /// One state of one line, from the day a revision gave it until the day one changed it.
    public struct Span: Sendable {
        public var state: LineState
        public var validFrom: Day
        /// Nil: the state of the last revision.
        public var validUntil: Day?
    }

    public private(set) var revisions: [Revision] = []
    /// Closed spans, then (after ``finish()``) the open ones, each line's in day order.
    public private(set) var spans: [Span] = []
    private var open: [TariffCode: Span] = [:]

    public init() {}

    /// Adds the next revision.
    /// - Throws: ``TarifError`` `.badFile` when it does not take effect after the one before
    ///   (revisions must be given in the order they took effect, each on a day of its own).
    public mutating func add(name: String, validFrom: Day, states: [LineState]) throws {
        if let last = revisions.last, validFrom <= last.validFrom {
            throw TarifError(
                .badFile,
                "revision \(name) takes effect on \(validFrom), not after \(last.name) (\(last.validFrom)): a history's revisions take effect one after another")
        }
        var seen: Set<TariffCode> = []
        seen.reserveCapacity(states.count)
        var rates = 0
        var unparsed = 0
        for state in states {
            let code = state.line.code
            guard seen.insert(code).inserted else {
                throw TarifError(.badFile, "revision \(name) lists line \(code.formatted) twice")
            }
            rates += state.rates.count
            unparsed += state.unparsed.count
            if let current = open[code] {
                if current.state.publishesSame(as: state) { continue }
                spans.append(Span(state: current.state, validFrom: current.validFrom, validUntil: validFrom))
            }
            open[code] = Span(state: state, validFrom: validFrom, validUntil: nil)
        }
        for (code, span) in open where !seen.contains(code) {
            spans.append(Span(state: span.state, validFrom: span.validFrom, validUntil: validFrom))
            open[code] = nil
        }
        revisions.append(Revision(name: name, validFrom: validFrom, lineCount: states.count, rateCount: rates, unparsedCount: unparsed))
    }

    /// Moves the open spans (the last revision's states) into ``spans``, in code order.
    public mutating func finish() {
        spans += open.values.sorted { $0.state.line.code < $1.state.line.code }
        open = [:]
    }
}
