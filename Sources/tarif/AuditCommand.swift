import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifRegistry
import TarifRules

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "MFN audit: every difference in a schedule's treatment of WTO Members, justified by an exception or a finding under GATT Art. I:1.",
        discussion: """
            tarif audit USA --on 2026-03-01
            tarif audit USA --on 2026-03-01 --html audit.html --format json > audit.json
            tarif audit IDN --on 2024-01-01 --grant VNM:1006.30:0 --grant USA:1006.30:0
            tarif audit USA --changes 2025-04-01..2025-04-10 --origins IDN,VNM,CHN
            (--changes audits both days and lists the measures whose differences a revision introduced, changed or ended.)
            A grant is ORIGIN:CODE:RATE[:AGREEMENT]; a bare number is a percentage. The audit says whether
            an agreement in force would cover it (Art. XXIV, the Enabling Clause, a waiver) or that it would breach Art. I:1.
            """)

    @Argument(help: "The importing Member whose schedule is audited, ISO alpha-3 or name.")
    var importer: String

    @Option(name: .long, help: "A hypothetical grant to test: ORIGIN:CODE:RATE[:AGREEMENT], e.g. VNM:1006.30:0. Repeatable.")
    var grant: [String] = []

    @Option(name: .long, help: "Audit only these origins (comma-separated alpha-3 codes; default: every country).")
    var origins: String?

    @Option(name: .long, help: "Write a self-contained HTML report with a chart of findings by chapter to this file.")
    var html: String?

    @Option(name: .long, help: "How many line-by-line findings the table shows (JSON and CSV have all).")
    var findings: Int = 20

    @Option(name: .long, help: "Audit two days and list what changed between them: FROM..TO (YYYY-MM-DD..YYYY-MM-DD).")
    var changes: String?

    @OptionGroup var options: QueryOptions

    /// Origins for a table cell: all of them up to 8, else the first 6 and the count.
    static func originList(_ origins: [CountryCode]) -> String {
        origins.count <= 8 ? origins.map(\.rawValue).joined(separator: " ") : "\(origins.prefix(6).map(\.rawValue).joined(separator: " ")) … (\(origins.count))"
    }

    func validate() throws {
        if !(0...1_000_000).contains(findings) { throw ValidationError("--findings must be 0 to 1,000,000") }
    }

    func run() throws {
        try TarifCLI.run { try execute() }
    }

    func execute() throws {
        do {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let importer = try registry.country(named: self.importer).code
            let day = try options.day()
            let schedule = try tarif.schedule(for: importer, on: day)
            let grants = try grant.map { try HypotheticalGrant.parse($0, currency: schedule.info.currency) }
            let origins = try self.origins.map { list in
                try list.split(separator: ",").map { try registry.country(named: String($0).trimming(" ")).code }
            }
            let progress: (@Sendable (Int, Int) -> Void)? = options.format == .table && isatty(2) != 0 ? Self.showProgress : nil
            if let changes {
                let parts = changes.components(separatedBy: "..")
                guard parts.count == 2, changes.utf8.count <= 64 else {
                    throw TarifError(.badInput, "--changes '\(InputLimits.echo(changes))' is not FROM..TO (e.g. 2025-04-01..2025-04-10)")
                }
                let from = try Day(iso: parts[0].trimming(" ")), to = try Day(iso: parts[1].trimming(" "))
                let c = try tarif.auditChanges(importer: importer, from: from, to: to, origins: origins, registry: registry, progress: progress)
                func counts(_ d: [Verdict.Status: Int]) -> String {
                    Verdict.Status.allCases.map { "\($0.rawValue) \(d[$0] ?? 0)" }.joined(separator: ", ")
                }
                try Output(format: options.format).emit(
                    header: ["change", "measure", "verdict", "direction", "origins", "lines before", "lines after", "exception / reason"],
                    rows: c.changes.map {
                        [
                            $0.kind, $0.measure, $0.status.rawValue, $0.direction.rawValue, Self.originList($0.origins), String($0.linesBefore),
                            String($0.linesAfter), $0.reason,
                        ]
                    }, json: c,
                    footer: [
                        "\(importer) on \(c.from) (\(c.scheduleBefore)): \(counts(c.differencesBefore))",
                        "\(importer) on \(c.to) (\(c.scheduleAfter)): \(counts(c.differencesAfter))",
                        "\(c.changes.count) measure(s) introduced, changed or ended; differences are line × origin.",
                    ])
                return
            }
            let report = try tarif.audit(importer: importer, on: day, origins: origins, grants: grants, registry: registry, progress: progress)
            var footer: [String] = []
            if let html {
                try Data(AuditHTML.render(report).utf8).write(to: URL(fileURLWithPath: html))
                footer.append("HTML report written to \(html).")
            }
            switch options.format {
            case .json:
                try Output(format: .json).emit(header: [], rows: [], json: report)
            case .csv:
                try Output(format: .csv).emit(
                    header: ["line", "description", "measure", "agreement", "origins", "rate", "mfn_rate", "direction", "verdict", "exceptions_tried", "article_breached"],
                    rows: report.findings.map { f in
                        [
                            f.line.formatted, f.description, f.measure.description, f.measure.agreement ?? "", f.origins.map(\.rawValue).joined(separator: " "),
                            f.rateText, f.mfnRateText, f.direction.rawValue, f.verdict.status.rawValue,
                            f.verdict.failures.map { "\($0.reason) [\($0.article)]" }.joined(separator: "; "),
                            f.verdict.status == .unjustified ? "GATT 1994 Art. I:1" : "",
                        ]
                    }, json: report)
            case .table:
                Self.printTable(report, findings: findings)
                footer.forEach { print($0) }
            }
        }
    }

    @Sendable static func showProgress(_ done: Int, _ all: Int) {
        FileHandle.standardError.write(Data("\rauditing \(done)/\(all) lines…\(done == all ? "\n" : "")".utf8))
    }

    static func printTable(_ r: AuditReport, findings limit: Int) {
        print("MFN audit of \(r.importer) on \(r.day): \(r.schedule)")
        print("  lines scanned \(r.linesScanned) (\(r.linesWithDifferences) with a difference); origins \(r.origins) (\(r.members) WTO Members)")
        print("  Member pairs compared \(r.pairsCompared) (line × pair), treated differently \(r.pairsTreatedDifferently)")
        print(
            "  differences (line × origin): justified \(r.differences[.justified] ?? 0), unjustified \(r.differences[.unjustified] ?? 0), undetermined \(r.differences[.undetermined] ?? 0)"
        )
        print("  conditional (reciprocal agreements) \(r.conditionalDifferences), unconditional \(r.unconditionalDifferences)")
        for n in r.notes { print("  note: \(n)") }
        if let b = r.bindings {
            print("\nGATT 1994 Art. II:1(b): applied MFN rates against the WTO bindings")
            print("  applied: \(b.appliedSchedule)")
            print("  bound:   \(b.boundSchedule)")
            print("  lines: " + BindingVerdict.Status.allCases.map { "\($0.rawValue) \(b.counts[$0] ?? 0)" }.joined(separator: ", "))
            if !b.sameNomenclature {
                print("  the two nomenclatures differ: lines are compared under the same HS subheading, and no verdict is a finding")
                for (kind, n) in b.undeterminedByKind.sorted(by: { $0.value > $1.value }) { print("    \(kind): \(n)") }
            }
            let shown = b.verdicts.filter { $0.status == .exceeds } + b.verdicts.filter { $0.kind == "apparently above the binding" }
            if !shown.isEmpty {
                print(
                    Output.table(
                        header: ["line", "applied", "bound line(s)", "bound", "verdict", "why"],
                        rows: shown.prefix(limit).map { v in
                            [
                                v.code.formatted, v.appliedText, v.boundCodes.prefix(3).map(\.formatted).joined(separator: " "),
                                v.boundText.prefix(3).joined(separator: " "), v.status.rawValue, v.reason,
                            ]
                        }))
            }
        }
        for u in r.unused { print("  not applied: \(u)") }
        if !r.whatIf.isEmpty {
            print("\nWhat if")
            for a in r.whatIf { print("  [\(a.verdict.status.rawValue)] \(a.answer)") }
        }
        let wrong = r.programs.filter { $0.status != .justified }
        if !wrong.isEmpty {
            print("\nGrants no exception covers (checked once for the day, whatever the lines)")
            print(
                Output.table(
                    header: ["program", "verdict", "origins", "lines printed", "why"],
                    rows: wrong.map { c in
                        [c.measure.description, c.status.rawValue, c.origins.map(\.rawValue).joined(separator: " "), String(c.linesPrinted), c.reasons.joined(separator: "; ")]
                    }))
        }
        print("")
        let rows = r.groups.map { g in
            [
                g.measure.description, g.status.rawValue, g.direction.rawValue,
                g.status == .justified ? "\(g.exception?.shortName ?? ""): \(g.instrument)" : g.reasons.joined(separator: "; "),
                g.conditional ? "conditional" : "unconditional",
                Self.originList(g.origins),
                String(g.lines), String(g.differences),
            ]
        }
        print("Differences by measure")
        print(Output.table(header: ["measure", "verdict", "direction", "exception / reason", "conditionality", "origins", "lines", "differences"], rows: rows))
        let byException = r.unjustifiedByException
        if !byException.isEmpty {
            print("\nUnjustified differences by exception tried: " + byException.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !r.findings.isEmpty {
            print("\nFindings (\(r.findings.count); each cites GATT 1994 Art. I:1; first \(min(limit, r.findings.count)) shown, all with --format json|csv)")
            let rows = r.findings.prefix(limit).map { f in
                [
                    f.line.formatted, f.measure.description, f.origins.map(\.rawValue).joined(separator: " "), "\(f.rateText) vs MFN \(f.mfnRateText)",
                    f.verdict.status.rawValue, f.verdict.failures.map(\.reason).joined(separator: "; "),
                ]
            }
            print(Output.table(header: ["line", "measure", "origins", "rate", "verdict", "why no exception covers it"], rows: rows))
        }
    }
}
