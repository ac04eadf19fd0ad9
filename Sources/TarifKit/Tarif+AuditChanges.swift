public import TarifCore
public import TarifRegistry
public import TarifRules

/// What changed in an importer's treatment of Members between two days: the audit on each,
/// and the measures whose differences were introduced, ended or changed in between (e.g. the
/// reciprocal duties of the first week of April 2025).
public struct AuditChanges: Sendable, Codable {
    public struct Change: Sendable, Codable {
        /// `introduced`, `ended` or `changed`.
        public var kind: String
        public var measure: String
        public var direction: DifferenceDirection
        public var status: Verdict.Status
        public var origins: [CountryCode]
        public var linesBefore: Int
        public var linesAfter: Int
        public var reason: String
    }

    public var importer: CountryCode
    public var from: Day
    public var to: Day
    public var scheduleBefore: String
    public var scheduleAfter: String
    public var differencesBefore: [Verdict.Status: Int]
    public var differencesAfter: [Verdict.Status: Int]
    public var changes: [Change]

    /// Compares two audits of the same importer: a measure is keyed by its name, direction and
    /// verdict; its origins and lines are compared.
    public init(before: AuditReport, after: AuditReport, importer: CountryCode) {
        self.importer = importer
        from = before.day
        to = after.day
        scheduleBefore = before.schedule
        scheduleAfter = after.schedule
        differencesBefore = before.differences
        differencesAfter = after.differences
        struct Key: Hashable {
            var measure: String
            var direction: DifferenceDirection
            var status: Verdict.Status
        }
        func index(_ r: AuditReport) -> [Key: [AuditGroup]] {
            Dictionary(grouping: r.groups, by: { Key(measure: $0.measure.description, direction: $0.direction, status: $0.status) })
        }
        let a = index(before), b = index(after)
        var out: [Change] = []
        for key in Set(a.keys).union(b.keys) {
            let old = a[key] ?? [], new = b[key] ?? []
            let oldOrigins = Set(old.flatMap(\.origins)), newOrigins = Set(new.flatMap(\.origins))
            let oldLines = old.map(\.lines).max() ?? 0, newLines = new.map(\.lines).max() ?? 0
            let kind: String
            if old.isEmpty { kind = "introduced" } else if new.isEmpty { kind = "ended" } else if oldOrigins != newOrigins || oldLines != newLines {
                kind = "changed"
            } else { continue }
            let reason = (new.first ?? old.first)?.reasons.first ?? (new.first ?? old.first)?.instrument ?? ""
            out.append(
                Change(
                    kind: kind, measure: key.measure, direction: key.direction, status: key.status,
                    origins: (newOrigins.isEmpty ? oldOrigins : newOrigins).sorted { $0.rawValue < $1.rawValue },
                    linesBefore: oldLines, linesAfter: newLines, reason: reason))
        }
        let order = ["introduced": 0, "changed": 1, "ended": 2]
        // Findings first, then what was introduced, changed, ended.
        changes = out.sorted { (x, y) in
            if x.status != y.status { return x.status > y.status }
            if x.kind != y.kind { return order[x.kind]! < order[y.kind]! }
            if x.measure != y.measure { return x.measure < y.measure }
            return x.direction.rawValue < y.direction.rawValue
        }
    }
}

extension Tarif {
    /// The audit on `from` and on `to`, and what changed between them.
    public func auditChanges(
        importer: CountryCode, from: Day, to: Day, origins: [CountryCode]? = nil, registry: Registry? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> AuditChanges {
        guard from < to else { throw TarifError(.badInput, "--changes: the first day (\(from)) must come before the second (\(to))") }
        let registry = try registry ?? self.registry()
        let before = try audit(importer: importer, on: from, origins: origins, registry: registry, progress: progress)
        let after = try audit(importer: importer, on: to, origins: origins, registry: registry, progress: progress)
        return AuditChanges(before: before, after: after, importer: importer)
    }
}
