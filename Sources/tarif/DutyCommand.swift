import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifRules

struct DutyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duty",
        abstract: "Every treatment a consignment can get, the one that applies, the duty, and why.",
        discussion: """
            tarif duty USA 6109.10.00 --from VNM --value 10000 --on 2026-03-01
            tarif duty USA 0709.30.20 --from MEX --value 10000 --quantity 5000kg --on 2026-03-01
            tarif duty IDN 1006.30.99 --from VNM --value 1000000000 --quantity 2000000kg --on 2024-01-01
            tarif duty GBR 2204.21.85.95 --on 2021-06-01 --value 5000 --quantity 900l --fact alcohol=22.5
            Amounts are in the importer's currency (IDR, GBP, USD); rates in other currencies need --fx.
            """)

    @Argument(help: "The importer, ISO alpha-3 (IDN, GBR, USA) or name.")
    var importer: String?

    @Argument(help: "The tariff line.")
    var code: String?

    @Option(name: .long, help: "Resolve a CSV of shipments (importer, origin, line, date, value[, quantity]); one CSV row out per shipment.")
    var batch: String?

    @Option(name: .long, help: "With --batch: write the rows to this file (default: standard output).")
    var output: String?

    @Option(name: .long, help: "Customs value in the importer's currency.")
    var value: String?

    @Option(name: .long, help: "A quantity with its unit: 2000000kg, 70 l, 12 doz, \"500 kg drained weight\". Repeatable.")
    var quantity: [String] = []

    @Option(name: .long, help: "The origin of the goods, ISO alpha-3 (VNM) or name; without it only MFN is resolved.")
    var from: String?

    @Option(
        name: .long,
        help: "A measured fact: alcohol=40 (% vol), sucrose=12 (%), polarization=96 (degrees), line=24; or the value of a metal content a Section 232 duty is charged on: steel-content=4000 (aluminum-, copper-content). Repeatable.")
    var fact: [String] = []

    @Option(name: .long, help: "The value of a component an ad valorem part is charged on: case=120. Repeatable.")
    var component: [String] = []

    @Option(name: .long, help: "An exchange rate into the importer's currency: EUR=0.8931. Repeatable.")
    var fx: [String] = []

    @Option(name: .long, help: "For a rate stated as alternatives, which one fits the goods (1 = first).")
    var alternative: Int?

    @OptionGroup var options: QueryOptions

    func validate() throws {
        if let alternative, !(1...100).contains(alternative) { throw ValidationError("--alternative must be 1 to 100 (1 = the first rate stated)") }
    }

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            if let batch {
                try runBatch(batch, tarif: tarif)
                return
            }
            guard let importer, let code else {
                throw ValidationError("give an importer and a line (tarif duty USA 6109.10.00 --from VNM), or --batch FILE")
            }
            // Countries by code or name (Mexico, Viet Nam), as the help says; a registry is needed
            // for an origin or a name (an MFN question by code needs none).
            let registry = from == nil && importer.utf8.count == 3 ? nil : try tarif.registry()
            let importerCode = try registry?.countryCode(named: importer) ?? CountryCode(importer)
            let resolution = try tarif.duty(
                importer: importerCode, origin: try from.map { try registry!.countryCode(named: $0) }, code: try TariffCode(code),
                on: try options.day(), customsValue: try value.map { try InputLimits.number($0, field: "--value", kind: .amount) },
                quantities: try quantity.map { try Quantity(parsing: $0) }, facts: try Self.facts(fact),
                components: try Self.components(component, facts: fact),
                exchangeRates: try Self.pairs(fx, "--fx", kind: .exchangeRate).reduce(into: [:]) { $0[try Currency($1.0)] = $1.1 },
                alternative: alternative.map { $0 - 1 }, registry: registry)
            try print(resolution, format: options.format, rules: Self.originRules(resolution, tarif: tarif))
        }
    }

    /// Beside each preference of a UK scheme, the product-specific rule of origin in force on the
    /// day (when the scheme's rules are loaded): what the good must meet to claim it.
    static func originRules(_ r: DutyResolution, tarif: Tarif) -> [String: [String]] {
        guard r.importer == .unitedKingdom, r.origin != nil else { return [:] }
        var out: [String: [String]] = [:]
        for t in r.treatments where t.kind == .preferential {
            guard let id = t.agreement, id.hasPrefix("GBR-"), let book = try? tarif.productRules(importer: .unitedKingdom, scheme: id) else { continue }
            let candidates = book.candidates(for: r.code)
            guard let first = candidates.first, let (criterion, alternatives) = first.rule(on: r.day) else { continue }
            var lines = [
                "rule of origin (\(first.source.heading)\(first.source.subdivision.isEmpty ? "" : ": \(first.source.subdivision)"), \(book.file)): \(criterion)"
            ]
            for a in alternatives { lines.append("    \(a.text.replacingOccurrences(of: "\n\n", with: " "))") }
            if candidates.count > 1 { lines.append("    \(candidates.count - 1) other rule set(s) cover the line by description: tarif origin rules GBR --scheme \(book.file) \(r.code)") }
            lines.append("    check a bill of materials: tarif origin check --importer GBR --agreement \(id) --exporter \(r.origin!.rawValue) --product \(r.code) --bom FILE --ex-works …")
            out[t.label] = lines
        }
        return out
    }

    func print(_ r: DutyResolution, format: OutputFormat, rules: [String: [String]] = [:]) throws {
        let rows = r.treatments.enumerated().map { i, t in Self.row(r, i, t) }
        var footer: [String] = ["Origin: \(r.originStatus)"]
        if let value = r.customsValue { footer.append("Customs value: \(value.grouped)") }
        if !r.quantities.isEmpty { footer.append("Quantity: \(r.quantities.map(\.description).joined(separator: ", "))") }
        footer.append("▶ applies (assuming origin is proved)" + (r.fallback != nil ? "; ↩ applies if origin is not proved" : ""))
        footer.append("")
        for t in r.treatments {
            footer.append("\(t.label): \(t.legalBasis)")
            for c in t.conditions where t.isAvailable { footer.append("  condition: \(c)") }
            for line in rules[t.label] ?? [] { footer.append("  " + line) }
            for note in t.notes { footer.append("  note: \(note)") }
        }
        if !r.additionalDuties.isEmpty {
            footer.append("")
            footer.append("Additional duties of chapter 99, named in the line's footnotes or naming the origin (a separate layer, not in the duty above):")
            for l in r.additionalDuties {
                let status = l.applies.map { $0 ? "applies" : "does not apply" } ?? "undetermined"
                let amount = l.duty.map { ", \($0.grouped)" } ?? ""
                footer.append("  \(l.heading) [\(l.effect.rawValue) \(l.rateText)\(amount)] \(status): \(l.reason)")
            }
            if let total = r.dutyWithAdditional, r.additionalDuties.contains(where: { $0.applies == true && $0.effect != .noChange }) {
                footer.append("  Duty with the layers that apply: \(total.grouped)")
            }
        }
        for n in r.notes { footer.append("Note: \(n)") }
        footer += ["", r.explanation.english, "", r.explanation.indonesian]
        try Output(format: format).emit(
            header: ["", "treatment", "rate", "duty", "AVE", "margin", "status"], rows: rows, json: r,
            title: "\(r.importer) \(r.code) — \(r.line.qualifiedDescription) — \(r.origin.map { "from \($0) " } ?? "")on \(r.day)",
            footer: footer)
    }

    func runBatch(_ path: String, tarif: Tarif) throws {
        let started = Date()
        let index = try tarif.resolutionIndex(days: try BatchRunner.days(path: path))
        let runner = BatchRunner(index: index, progress: TerminalProgress())
        let summary: BatchSummary
        if let output {
            // Written beside the output and moved into place at the end: a run that fails
            // leaves no half-written file (nor touches one already there).
            let partial = output + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil),
                  let out = FileHandle(forWritingAtPath: partial)
            else {
                throw TarifError(.io, "cannot write \(partial) (the output is written there first, then renamed to \(output))")
            }
            do {
                summary = try runner.run(path: path) { try out.write(contentsOf: $0) }
                try out.close()
                guard rename(partial, output) == 0 else {
                    throw TarifError(.io, "cannot rename \(partial) to \(output): \(String(cString: strerror(errno)))")
                }
            } catch {
                try? out.close()
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
        } else {
            summary = try runner.run(path: path) { try FileHandle.standardOutput.write(contentsOf: $0) }
        }
        let seconds = Date().timeIntervalSince(started)
        var lines = [
            "\(summary.shipments) shipments: \(summary.resolved) resolved, \(summary.failed) failed (see the error column), \(summary.dutyUnknown) with a duty that needs more input; \(String(format: "%.1f", seconds)) s"
        ]
        for (c, v) in summary.totalDuty.sorted(by: { $0.key < $1.key }) {
            lines.append("total duty \(c): \(Money(v, try Currency(c)).grouped); saved by preferences: \(Money(summary.savedByPreferences[c] ?? .zero, try Currency(c)).grouped)")
        }
        for (t, n) in summary.byTreatment.sorted(by: { $0.value > $1.value }).prefix(12) { lines.append("  \(t): \(n)") }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    static func row(_ r: DutyResolution, _ i: Int, _ t: Treatment) -> [String] {
        let mark = r.applied.contains(i) ? "▶" : (r.fallback == i ? "↩" : "")
        let ave = t.adValoremEquivalent.map { "\($0.normalized)%" } ?? "—"
        var margin = ""
        if let m = t.marginOfPreference {
            margin = m.grouped
        } else if let p = t.marginPoints {
            margin = "\(p.normalized) pt"
        }
        var status = "open"
        if let why = t.excludedBecause {
            status = "✗ " + why
        } else if !t.missing.isEmpty {
            status = "needs " + t.missing.map(\.description).joined(separator: ", ")
        }
        return [mark, t.label, t.rate?.summary ?? "—", t.duty?.grouped ?? "—", ave, margin, status]
    }

    static func pairs(_ items: [String], _ option: String, kind: InputLimits.NumberKind) throws -> [(String, ExactDecimal)] {
        try items.map { item in
            try InputLimits.checkName(item, field: option)
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw TarifError(.badNumber, "\(option) '\(InputLimits.echo(item))' is not NAME=NUMBER") }
            return (parts[0], try InputLimits.number(parts[1], field: "\(option) \(parts[0])", kind: kind))
        }
    }

    /// The metal contents a Section 232 duty is charged on, as `--fact` takes them
    /// (`steel-content=4000`, in the importer's currency): components of the goods' value.
    static let metalContents: [String: String] = [
        "steel-content": "steel-content", "aluminum-content": "aluminum-content", "aluminium-content": "aluminum-content",
        "copper-content": "copper-content",
    ]

    static func isMetalContent(_ item: String) -> Bool {
        metalContents[String(item.prefix { $0 != "=" }).lowercased().trimmingCharacters(in: .whitespaces)] != nil
    }

    /// The components: `--component NAME=VALUE`, and the metal contents given as `--fact`.
    static func components(_ component: [String], facts: [String]) throws -> [String: ExactDecimal] {
        var out = try pairs(component, "--component", kind: .amount).reduce(into: [String: ExactDecimal]()) { $0[$1.0] = $1.1 }
        for (name, value) in try pairs(facts.filter(isMetalContent), "--fact", kind: .amount) {
            out[metalContents[name.lowercased()]!] = value
        }
        return out
    }

    static func facts(_ items: [String]) throws -> [RateFact.Kind: ExactDecimal] {
        let names: [String: RateFact.Kind] = [
            "alcohol": .alcoholStrength, "sucrose": .sucroseContent, "polarization": .polarization, "line": .buttonLine,
        ]
        var out: [RateFact.Kind: ExactDecimal] = [:]
        for (name, value) in try pairs(items.filter { !isMetalContent($0) }, "--fact", kind: .fact) {
            guard let kind = names[name.lowercased()] else {
                throw TarifError(
                    .badNumber, "--fact '\(InputLimits.echo(name))' is not one of \((names.keys.sorted() + metalContents.keys.sorted()).joined(separator: ", "))")
            }
            out[kind] = value
        }
        return out
    }
}
