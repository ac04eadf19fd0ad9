import ArgumentParser
import Foundation
import TarifCore
import TarifKit

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "A line's duty through every version of an importer's schedule, a step where something changed.",
        discussion: """
            tarif history USA 6109.10.00 --from CHN
            tarif history USA 6109.10.00 --from IDN --since 2025-03-01 --svg tshirts.svg
            Each version (each revision of a history loaded whole) is resolved as `tarif duty` resolves it on its first
            day, with the chapter 99 layers the line's footnotes refer to; versions that change nothing merge into one step.
            """)

    @Argument(help: "The importer, ISO alpha-3 (USA).")
    var importer: String

    @Argument(help: "The tariff line (6109.10.00).")
    var code: String

    @Option(name: .long, help: "The goods' origin (ISO alpha-3 or name); MFN only when absent.")
    var from: String?

    @Option(name: .long, help: "The first day (YYYY-MM-DD; default: the first version's).")
    var since: String?

    @Option(name: .long, help: "The last day (default: the last version's).")
    var until: String?

    @Option(name: .long, help: "Customs value the duty is computed on, in the schedule's currency (default 10000).")
    var value: String?

    @Option(name: .long, help: "Quantity for specific rates (1000kg, 500 l).")
    var quantity: [String] = []

    @Option(name: .long, help: "Also draw the steps as an SVG step chart to this file.")
    var svg: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        try TarifCLI.run {
            let tarif = try store.open()
            let registry = try tarif.registry()
            let origin = try from.map { try registry.country(named: $0).code }
            let value = try value.map { try InputLimits.number($0, field: "value", kind: .amount) } ?? 10_000
            let h = try tarif.lineHistory(
                importer: try CountryCode(importer), code: try TariffCode(code), origin: origin, from: try since.map { try Day(iso: $0) },
                to: try until.map { try Day(iso: $0) }, customsValue: value, quantities: try quantity.map { try Quantity(parsing: $0) })
            let rows = h.steps.map { s in
                [
                    s.from.description, s.until.map { $0.adding(days: -1).description } ?? "—",
                    s.versions.count == 1 ? s.versions[0] : "\(s.versions.first!) … \(s.versions.last!) (\(s.versions.count))",
                    s.missing == nil ? "\(s.treatment ?? "") \(s.rateText ?? "")" : "not in the schedule",
                    (s.layers + s.namedHeadings.map { "(named) \($0)" }).joined(separator: "; "), s.percentOfValue.map { "\((try? $0.rounded(scale: 2)) ?? $0)%" } ?? "—", s.change ?? "",
                ]
            }
            let who = origin.map { "goods of \($0)" } ?? "MFN"
            let title = "\(h.importer) \(h.code.formatted) — \(who): duty through \(h.steps.count) step(s) of the schedule"
            var footer = [
                "Duty as % of a customs value of \(value) with the layers that apply; \"—\" where a specific rate needs --quantity or a layer cannot be decided (`tarif duty` on that day says why).",
                "Chapter 99 layers applied: those the line's footnotes refer to, the IEEPA and Section 122 headings naming the origin",
                "(or any country), less those whose exceptions cover the goods (Annex II, Section 232 lists, other countries' headings),",
                "and the Section 232 heading the lists assign to the line (steel, aluminium, copper, their derivatives, vehicles).",
                "\"(named)\": a heading in force that names the origin whose product list Tarif does not read (Section 301, others), not in the duty.",
            ]
            if let svg {
                let chart = SVGStepChart(
                    title: title, unit: "%",
                    steps: h.steps.map { SVGStepChart.Step(from: $0.from, until: $0.until, value: $0.percentOfValue.map { Double("\($0)") ?? 0 }, label: $0.change ?? "") },
                    caption: "Tarif — duty as % of value per version of \(h.importer)'s schedule; each change numbered")
                try chart.write(to: svg)
                footer.append("Chart: \(svg)")
            }
            try Output(format: store.format).emit(
                header: ["from", "until", "versions", "applied", "chapter 99 layers", "% of value", "change"], rows: rows, json: h, title: title,
                footer: footer)
        }
    }
}
