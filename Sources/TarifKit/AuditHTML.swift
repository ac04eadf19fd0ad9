import Foundation
import TarifCore
import TarifRegistry
public import TarifRules

/// The MFN audit as one self-contained HTML page: summary, "what if" answers, the
/// differences by measure and verdict, a chart of findings by chapter, and the findings
/// line by line. No scripts, no fonts or styles to fetch.
public enum AuditHTML {
    /// - Parameter maxFindings: how many line-by-line findings to print (the rest are counted).
    public static func render(_ r: AuditReport, maxFindings: Int = 2000) -> String {
        let e = SVGBarChart.escape
        var h = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>MFN audit of \(e(r.importer.rawValue)) on \(r.day)</title>
            <style>
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.45}
            table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
            th{background:#f4f4f4}.unjustified{color:#a61b1b;font-weight:600}.undetermined{color:#8a5a00;font-weight:600}.justified{color:#256029}
            .num{text-align:right;font-variant-numeric:tabular-nums}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
            .answer{border-left:4px solid #2b6cb0;padding:.4rem .8rem;background:#f5f8fc;margin:.6rem 0}small{color:#555}
            </style></head><body>
            <h1>MFN audit: \(e(r.importer.rawValue)), \(r.day)</h1>
            <p>\(e(r.schedule)) (\(e(r.legalSource))). Every line with an MFN rate and every origin, tested against
            \(e(Verdict.breached)) and its exceptions.</p>
            <h2>Summary</h2>
            <dl>
            <dt>Lines scanned</dt><dd>\(r.linesScanned) (\(r.linesWithDifferences) with a difference)</dd>
            <dt>Origins</dt><dd>\(r.origins) (\(r.members) WTO Members on the day)</dd>
            <dt>Member pairs compared</dt><dd>\(r.pairsCompared) (line × pair); treated differently: \(r.pairsTreatedDifferently)</dd>
            <dt>Differences (line × origin)</dt><dd>justified \(r.differences[.justified] ?? 0), <span class="unjustified">unjustified \(r.differences[.unjustified] ?? 0)</span>, <span class="undetermined">undetermined \(r.differences[.undetermined] ?? 0)</span></dd>
            <dt>Conditional / unconditional</dt><dd>\(r.conditionalDifferences) given under reciprocal agreements (conditional MFN); \(r.unconditionalDifferences) without conditions of reciprocity</dd>
            </dl>

            """
        for n in r.notes + r.unused.map({ "Not applied: \($0)" }) { h += "<p><small>\(e(n))</small></p>\n" }
        if let b = r.bindings { h += bindingSection(b, maxRows: maxFindings) }
        if !r.whatIf.isEmpty {
            h += "<h2>What if</h2>\n"
            for a in r.whatIf {
                h += "<div class=\"answer\"><strong class=\"\(a.verdict.status.rawValue)\">\(a.verdict.status.rawValue)</strong> — \(e(a.answer))</div>\n"
            }
        }
        let wrong = r.programs.filter { $0.status != .justified }
        h += "<h2>Program grants checked</h2>\n<p>Each program code and the origins that receive it on the day, against the exception its agreement relies on.</p>\n"
        h += "<table><thead><tr><th>program</th><th>verdict</th><th>exception or reason</th><th>origins</th><th class=\"num\">lines printed</th></tr></thead><tbody>\n"
        for c in wrong + r.programs.filter({ $0.status == .justified }) {
            let why = c.status == .justified ? "\(c.exception?.shortName ?? ""): \(c.instrument)" : c.reasons.joined(separator: "; ")
            h += "<tr><td>\(e(c.measure.description))</td><td class=\"\(c.status.rawValue)\">\(c.status.rawValue)</td><td>\(e(why))</td><td>\(e(c.origins.map(\.rawValue).joined(separator: " ")))</td><td class=\"num\">\(c.linesPrinted)</td></tr>\n"
        }
        h += "</tbody></table>\n"
        let chapters = r.unjustifiedByChapter.isEmpty ? r.undeterminedByChapter : r.unjustifiedByChapter
        if !chapters.isEmpty {
            let which = r.unjustifiedByChapter.isEmpty ? "undetermined" : "unjustified"
            let chart = SVGBarChart(
                title: "\(which.capitalized) differences by chapter, \(r.importer) \(r.day)", unit: "",
                bars: chapters.sorted { $0.key < $1.key }.map { SVGBarChart.Bar(label: "chapter \($0.key)", value: Double($0.value), highlighted: which == "unjustified") },
                caption: "Tarif MFN audit — (line, origin) differences per HS chapter")
            h += "<h2>Findings by chapter</h2>\n<figure>\(chart.render())</figure>\n"
        } else {
            h += "<h2>Findings by chapter</h2>\n<p>No unjustified or undetermined difference.</p>\n"
        }
        h += "<h2>Differences by measure</h2>\n<table><thead><tr><th>measure</th><th>verdict</th><th>exception or reason</th><th>conditional</th><th>origins</th><th class=\"num\">lines</th><th class=\"num\">differences</th></tr></thead><tbody>\n"
        for g in r.groups {
            let why = g.status == .justified ? "\(g.exception?.shortName ?? ""): \(g.instrument)" : g.reasons.joined(separator: "; ")
            h += "<tr><td>\(e(g.measure.description))</td><td class=\"\(g.status.rawValue)\">\(g.status.rawValue)</td><td>\(e(why))</td><td>\(g.conditional ? "yes" : "no")</td><td>\(e(g.origins.map(\.rawValue).joined(separator: " ")))</td><td class=\"num\">\(g.lines)</td><td class=\"num\">\(g.differences)</td></tr>\n"
        }
        h += "</tbody></table>\n"
        // The breaches first, all of them (within the limit); then what the data cannot
        // decide, grouped by what is missing, so a reader sees the findings before the gaps.
        let unjustified = r.findings.filter { $0.verdict.status == .unjustified }
        let undetermined = r.findings.filter { $0.verdict.status == .undetermined }
        let header = "<table><thead><tr><th>line</th><th>measure</th><th>origins</th><th>rate</th><th>MFN</th><th>verdict</th><th>exceptions tried</th></tr></thead><tbody>\n"
        func row(_ f: AuditFinding) -> String {
            let tried = f.verdict.failures.map { "\($0.reason) [\($0.article)]" }.joined(separator: "; ")
            return "<tr><td>\(e(f.line.formatted))<br><small>\(e(String(f.description.prefix(120))))</small></td><td>\(e(f.measure.description))</td><td>\(e(f.origins.map(\.rawValue).joined(separator: " ")))</td><td>\(e(f.rateText))</td><td>\(e(f.mfnRateText))</td><td class=\"\(f.verdict.status.rawValue)\">\(f.verdict.status.rawValue)</td><td>\(e(tried))</td></tr>\n"
        }
        h += "<h2 id=\"unjustified\">Unjustified: findings under Art. I:1 (\(unjustified.count))</h2>\n"
        if unjustified.isEmpty {
            h += "<p>None: every difference found is covered by an exception, or cannot be decided from the data (below).</p>\n"
        } else {
            h += "<p>Each finding cites \(e(Verdict.breached)).</p>\n" + header
            for f in unjustified.prefix(maxFindings) { h += row(f) }
            h += "</tbody></table>\n"
            if unjustified.count > maxFindings { h += "<p><small>\(unjustified.count - maxFindings) more are in the JSON output (--format json).</small></p>\n" }
        }
        h += "<h2 id=\"undetermined\">Undetermined, by cause (\(undetermined.count))</h2>\n"
        if undetermined.isEmpty {
            h += "<p>None.</p>\n"
        } else {
            // The cause: what the first exception tried could not be shown to cover.
            let causes = Dictionary(grouping: undetermined) { $0.verdict.failures.first.map { "\($0.reason) [\($0.article)]" } ?? "no exception could be tried" }
            let budget = max(0, maxFindings - min(unjustified.count, maxFindings))
            var shown = 0
            for (cause, items) in causes.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
                h += "<details><summary><span class=\"undetermined\">\(items.count)</span> — \(e(cause))</summary>\n" + header
                for f in items.prefix(max(0, budget - shown)) { h += row(f) }
                shown += min(items.count, max(0, budget - shown))
                h += "</tbody></table></details>\n"
            }
            if undetermined.count > shown { h += "<p><small>\(undetermined.count - shown) more are in the JSON output (--format json).</small></p>\n" }
        }
        h += "<footer><small>Tarif MFN audit. Verdicts rest on the registry's curated facts (agreements, parties and dates, WTO membership, development status, waivers), each with its source; “undetermined” says which fact is missing.</small></footer>\n</body></html>\n"
        return h
    }

    /// GATT 1994 Art. II:1(b): the applied MFN rates against the bindings. The lines above their
    /// ceiling first (findings), then those apparently above it where the nomenclatures differ
    /// (undetermined, with the reason), then the counts of what cannot be compared.
    static func bindingSection(_ b: BindingReport, maxRows: Int) -> String {
        let e = SVGBarChart.escape
        var h = "<h2 id=\"bindings\">GATT 1994 Art. II:1(b): applied MFN rates against the WTO bindings</h2>\n"
        h += "<dl><dt>Applied</dt><dd>\(e(b.appliedSchedule))</dd><dt>Bound</dt><dd>\(e(b.boundSchedule)) (\(e(b.legalSource)))</dd>"
        h += "<dt>Lines</dt><dd>" + BindingVerdict.Status.allCases.map { s in
            let n = b.counts[s] ?? 0
            let style = s == .exceeds ? " class=\"unjustified\"" : s == .undetermined ? " class=\"undetermined\"" : ""
            return "<span\(style)>\(s.rawValue) \(n)</span>"
        }.joined(separator: ", ") + "</dd></dl>\n"
        if !b.sameNomenclature {
            h += "<p>The applied schedule and the bindings are codes of different HS versions: lines are compared under the same HS subheading, and no verdict is a finding (each is undetermined, with what it suggests).</p>\n"
            h += "<table><thead><tr><th>undetermined, by what it suggests</th><th class=\"num\">lines</th></tr></thead><tbody>\n"
            for (kind, n) in b.undeterminedByKind.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                h += "<tr><td>\(e(kind))</td><td class=\"num\">\(n)</td></tr>\n"
            }
            h += "</tbody></table>\n"
        }
        let shown = b.verdicts.filter { $0.status == .exceeds } + b.verdicts.filter { $0.status != .exceeds && $0.kind == "apparently above the binding" }
        if shown.isEmpty {
            h += "<p>No applied rate is above its binding.</p>\n"
        } else {
            h += "<table><thead><tr><th>line</th><th>applied</th><th>bound line(s)</th><th>bound</th><th>verdict</th><th>why</th></tr></thead><tbody>\n"
            for v in shown.prefix(maxRows) {
                let verdict = v.status == .exceeds ? "finding" : v.status.rawValue
                let style = v.status == .exceeds ? "unjustified" : v.status.rawValue
                h += "<tr><td>\(e(v.code.formatted))</td><td>\(e(v.appliedText))</td><td>\(e(v.boundCodes.prefix(3).map(\.formatted).joined(separator: " ")))</td><td>\(e(v.boundText.prefix(3).joined(separator: " ")))</td><td class=\"\(style)\">\(verdict)</td><td>\(e(v.reason))</td></tr>\n"
            }
            h += "</tbody></table>\n"
            if shown.count > maxRows { h += "<p><small>\(shown.count - maxRows) more are in the JSON output (--format json).</small></p>\n" }
        }
        return h
    }
}
