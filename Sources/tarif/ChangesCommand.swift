import ArgumentParser
import TarifCore
import TarifKit

struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "What changed in an importer's schedule between two days or revisions: lines added, removed, re-described, rates changed.",
        discussion: """
            tarif changes USA --from 2025-04-01 --to 2025-04-10
            tarif changes USA --from 2025_rev_6 --to 2025_rev_9 --chapter 99 --format csv
            Compares the version in force on the first day (or the revision named) with the one in force on the
            second: the table counts the changes by chapter; JSON and CSV list every change.
            """)

    @Argument(help: "The importer, ISO alpha-3 (USA).")
    var importer: String

    @Option(name: .long, help: "The earlier day (YYYY-MM-DD) or revision (2025_rev_6, 2026_basic).")
    var from: String

    @Option(name: .long, help: "The later day or revision (default: today).")
    var to: String?

    @Option(name: .long, help: "Only lines of these chapters or code prefixes (comma-separated: 99,61).")
    var chapter: String?

    @Option(name: .long, help: "Changes listed under the table (all of them in JSON and CSV).")
    var limit = 30

    @OptionGroup var store: StoreOptions

    func run() throws {
        try TarifCLI.run {
            let tarif = try store.open()
            var comparison = try tarif.changes(importer: try CountryCode(importer), from: from, to: to ?? Day.today().description)
            if let chapter { try comparison.changes.keepOnly(prefixes: chapter) }
            let c = comparison.changes
            let kinds = ScheduleChanges.Kind.allCases
            let title = "\(comparison.importer): \(comparison.from.info.title) (from \(comparison.from.validity.start)) → \(comparison.to.info.title) (from \(comparison.to.validity.start))"
            var footer = ["Versions taking effect in between: " + (comparison.between.isEmpty ? "none (the same version)" : comparison.between.map { "\($0.revision ?? $0.info.title) \($0.validity.start)" }.joined(separator: ", "))]
            footer.append("Total: " + kinds.map { "\($0.rawValue) \(c.totals[$0] ?? 0)" }.joined(separator: ", "))
            let ch99 = c.chapter99
            if !ch99.added.isEmpty || !ch99.ended.isEmpty {
                footer.append("Chapter 99 headings added (\(ch99.added.count)): " + ch99.added.map(\.code.formatted).joined(separator: ", "))
                footer.append("Chapter 99 headings ended (\(ch99.ended.count)): " + ch99.ended.map(\.code.formatted).joined(separator: ", "))
            }
            for change in c.changes.prefix(limit) {
                if let d = change.description {
                    footer.append("  \(change.code.formatted) \(change.kind.rawValue): \(d) [\(change.after ?? change.before ?? "no rate")]")
                } else {
                    footer.append("  \(change.code.formatted) \(change.kind.rawValue): \(change.before ?? "—") → \(change.after ?? "—")")
                }
            }
            if c.changes.count > limit { footer.append("  … \(c.changes.count - limit) more (--limit, or --format csv for all)") }
            switch store.format {
            case .csv:
                try Output(format: .csv).emit(
                    header: ["code", "chapter", "change", "before", "after", "description"],
                    rows: c.changes.map { [$0.code.formatted, String($0.code.digits.prefix(2)), $0.kind.rawValue, $0.before ?? "", $0.after ?? "", $0.description ?? ""] },
                    json: comparison)
            default:
                try Output(format: store.format).emit(
                    header: ["chapter"] + kinds.map(\.rawValue),
                    rows: c.byChapter.map { ch in [ch.chapter] + kinds.map { String(ch.counts[$0.rawValue] ?? 0) } },
                    json: comparison, title: title, footer: footer)
            }
        }
    }
}
