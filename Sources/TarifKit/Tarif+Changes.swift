public import TarifCore
import Foundation
import TarifStore

/// Two versions of an importer's schedule and what changed from one to the other.
public struct ScheduleComparison: Sendable, Codable {
    public var importer: CountryCode
    public var from: StoredSchedule
    public var to: StoredSchedule
    /// The versions that took effect after `from`, up to and including `to`.
    public var between: [StoredSchedule]
    public var changes: ScheduleChanges
}

extension Tarif {
    /// The version of `importer`'s schedule a user names: a day (the version in force on it)
    /// or a revision of a loaded history (`2025_rev_7`; `rev_7` when only one year has it;
    /// `2026_basic`).
    /// - Throws: ``TarifError`` naming the revisions there are, or the day's error.
    public func version(of importer: CountryCode, named text: String) throws -> StoredSchedule {
        if let day = try? Day(iso: text) { return try schedule(for: importer, on: day) }
        let series = ScheduleInfo.mfnSeries(for: importer)
        let versions = try store.schedules().filter { $0.info.series == series && $0.revision != nil }
        let wanted = text.replacingOccurrences(of: "-", with: "_").lowercased()
        let found = versions.filter { v in
            let name = v.revision!.lowercased()
            return name == wanted || name.hasSuffix("_" + wanted) && name.count == wanted.count + 5
        }
        if found.count == 1 { return found[0] }
        let names = versions.compactMap(\.revision)
        if found.isEmpty {
            let known = names.isEmpty ? "\(importer)'s schedule has no revisions loaded (only days)" : "its revisions: \(names.joined(separator: ", "))"
            throw TarifError(.notFound, "'\(InputLimits.echo(text))' is neither a day (YYYY-MM-DD) nor a revision of \(series); \(known)")
        }
        throw TarifError(.badInput, "'\(InputLimits.echo(text))' names \(found.compactMap(\.revision).joined(separator: " and ")); give the year too")
    }

    /// What changed in `importer`'s schedule from the version `from` names to the one `to` names.
    public func changes(importer: CountryCode, from: String, to: String) throws -> ScheduleComparison {
        let a = try version(of: importer, named: from)
        let b = try version(of: importer, named: to)
        let between = try store.schedules().filter {
            $0.info.series == a.info.series && $0.validity.start > a.validity.start && $0.validity.start <= b.validity.start
        }
        // Two versions of one history: only the lines whose rows changed between them are read.
        if let codes = try store.changedCodes(from: a, to: b) {
            let (before, after) = try store.lines(in: a, and: b, codes: codes)
            return ScheduleComparison(
                importer: importer, from: a, to: b, between: between, changes: ScheduleChanges(before: Self.states(before), after: Self.states(after)))
        }
        return ScheduleComparison(
            importer: importer, from: a, to: b, between: between, changes: ScheduleChanges(before: try states(of: a), after: try states(of: b)))
    }

    /// Every line of a version with its rates and notes.
    func states(of schedule: StoredSchedule) throws -> [LineState] {
        Self.states(try store.allLines(in: schedule))
    }

    static func states(_ read: (lines: [TariffLine], rates: [LineRate], notes: [LineNote])) -> [LineState] {
        let (lines, rates, notes) = read
        var states = lines.map { LineState(line: $0) }
        let index = Dictionary(states.indices.map { (states[$0].line.code, $0) }, uniquingKeysWith: { a, _ in a })
        for r in rates { if let i = index[r.code] { states[i].rates.append(r) } }
        for n in notes { if let i = index[n.code] { states[i].notes.append(n) } }
        return states
    }
}
