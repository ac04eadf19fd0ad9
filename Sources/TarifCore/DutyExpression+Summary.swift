extension DutyExpression: CustomStringConvertible {
    public var description: String { summary }

    /// The rate in Tarif's uniform notation: `8% + 93.1 GBP / 100 kg`, `450 IDR / kg`,
    /// `12% MIN 0.4 EUR / 100 kg`.
    public var summary: String {
        switch self {
        case .free(let condition): return condition.map { "Free (\($0))" } ?? "Free"
        case .adValorem(let p, let basis): return basis == .customsValue ? "\(p)" : "\(p) on \(basis)"
        case .specific(let s): return s.description
        case .sum(let terms): return terms.map(\.summary).joined(separator: " + ")
        case .atLeast(let base, let floor): return "\(base.summary) MIN \(floor.summary)"
        case .atMost(let base, let cap): return "\(base.summary) MAX \(cap.summary)"
        case .graduated(let g):
            return "\(g.base) less \(g.step) per degree under \(g.threshold.normalized), not less than \(g.floor)"
        case .seasonal(let items):
            return items.map { item in
                item.periods.isEmpty
                    ? "\(item.rate.summary) (rest of year)"
                    : "\(item.rate.summary) (\(item.periods.map(\.description).joined(separator: ", ")))"
            }.joined(separator: "; ")
        case .alternatives(let options): return options.map(\.summary).joined(separator: " | ")
        case .reference(let r): return "→ \(r.text)"
        case .annotated(let inner, let note): return "\(inner.summary) [\(note)]"
        }
    }

    /// The form of the rate, as customs people name it.
    public var form: String {
        switch core {
        case .free: "free"
        case .adValorem: "ad valorem"
        case .specific: "specific"
        case .sum(let terms):
            terms.allSatisfy({ if case .adValorem = $0.core { true } else { false } }) ? "ad valorem (multi-part)" : "compound"
        case .atLeast, .atMost: "mixed (minimum/maximum)"
        case .graduated: "graduated"
        case .seasonal: "seasonal"
        case .alternatives: "alternatives"
        case .reference: "reference"
        case .annotated: "annotated"
        }
    }
}
