import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifRules

struct MarketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markets",
        abstract: "Where an exporter's product pays least: every importer ranked by the duty on goods of one origin.",
        discussion: """
            tarif markets --from IDN --product 0901.21 --on 2026-01-01
            tarif markets --from VNM --product 6109.10 --svg markets.svg
            Each market is ranked by the simple average of the applied ad valorem rates over its national
            lines under the product (best treatment per line, origin assumed proved); lines with specific or
            compound rates are counted apart with an example.
            """)

    @Option(name: .long, help: "The exporter's country, ISO alpha-3.")
    var from: String

    @Option(name: .long, help: "The product: an HS subheading (0901.21) or any code prefix.")
    var product: String

    @Option(name: .long, help: "Also draw the ranking as a bar chart in this SVG file.")
    var svg: String?

    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let origin = try registry.country(named: from).code
            let product = try TariffCode(product)
            let day = try options.day()
            let index = try tarif.resolutionIndex(origins: [origin], registry: registry, days: [day])
            let ranking = try index.markets(from: origin, product: product, on: day)
            guard !ranking.isEmpty else {
                throw TarifError(.notFound, "no market in the database has lines under \(product) on \(day)")
            }
            let rows = ranking.enumerated().map { i, m in Self.row(i, m) }
            var footer = ranking.compactMap { m in m.example.map { "\(m.importer): not ad valorem, e.g. \($0)" } }
            footer.append("Rates assume the goods' origin is proved; MFN is the fallback. Each market's schedule is the one in force on \(day).")
            if let svg {
                let chart = SVGBarChart(
                    title: "Duty on \(origin) goods under \(product), by market, \(day)", unit: "%",
                    bars: ranking.compactMap { m in
                        m.averageRate.map {
                            SVGBarChart.Bar(
                                label: "\(m.importer) \(m.name)", value: $0.doubleValue,
                                note: m.treatments.max { $0.value < $1.value }?.key ?? "")
                        }
                    })
                try chart.write(to: svg)
                footer.append("Chart written to \(svg).")
            }
            try Output(format: options.format).emit(
                header: ["#", "market", "avg applied", "range", "avg MFN", "margin", "treatments (lines)", "lines"], rows: rows,
                json: ranking, title: "Markets for \(origin) goods under \(product) on \(day)", footer: footer)
        }
    }
}

extension MarketsCommand {
    static func percent(_ x: ExactDecimal?) -> String { x.map { "\($0.normalized)%" } ?? "—" }

    static func row(_ i: Int, _ m: MarketRanking) -> [String] {
        let range = [m.minRate, m.maxRate].compactMap { $0 }.map { "\($0.normalized)%" }.joined(separator: "–")
        let margin = m.margin.map { "\($0.normalized) pt" } ?? "—"
        let treatments = m.treatments.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        let lines = "\(m.lines)" + (m.nonAdValorem > 0 ? " (\(m.nonAdValorem) not ad valorem)" : "")
        return [String(i + 1), "\(m.importer) \(m.name)", percent(m.averageRate), range, percent(m.averageFloorRate), margin, treatments, lines]
    }
}

struct OriginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "origins",
        abstract: "Who competes with a preference: every origin ranked by the duty its goods pay on one line into one market.",
        discussion: """
            tarif origins --to USA --line 6109.10.00 --on 2026-03-01
            tarif origins --to USA --line 6109.10.00 --value 10000 --svg origins.svg --limit 40
            """)

    @Option(name: .long, help: "The importing market, ISO alpha-3.")
    var to: String

    @Option(name: .long, help: "The tariff line.")
    var line: String

    @Option(name: .long, help: "Customs value in the importer's currency (ranks by duty; default: by rate).")
    var value: String?

    @Option(name: .long, help: "A quantity with its unit, for specific rates: 2000kg.")
    var quantity: [String] = []

    @Option(name: .long, help: "Show only the first N origins.")
    var limit: Int?

    @Option(name: .long, help: "Also draw the ranking as a bar chart in this SVG file.")
    var svg: String?

    @OptionGroup var options: QueryOptions

    func validate() throws {
        if let limit, !(1...100_000).contains(limit) { throw ValidationError("--limit must be 1 to 100,000") }
    }

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let importer = try registry.country(named: to).code
            let code = try TariffCode(line)
            let day = try options.day()
            _ = try tarif.rate(importer: importer, code: code, on: day)  // a clear error for an unknown importer or line
            let index = try tarif.resolutionIndex(importers: [importer], registry: registry, days: [day])
            guard let currency = index.currency(of: importer, on: day) else { throw TarifError(.unknownImporter, "no schedule for \(importer)") }
            let context = DutyContext(
                currency: currency, customsValue: try value.map { Money(try InputLimits.number($0, field: "--value", kind: .amount), currency) },
                quantities: try quantity.map { try Quantity(parsing: $0) }, day: day)
            var ranking = try index.origins(to: importer, code: code, on: day, context: context)
            if let limit { ranking = Array(ranking.prefix(limit)) }
            let rows = ranking.enumerated().map { i, r in
                [String(i + 1), "\(r.origin) \(r.name)", r.treatment, r.rate, r.duty?.grouped ?? "—", r.saved.map(\.grouped) ?? ""]
            }
            var footer = ["Applied treatment per origin, origin assumed proved; column 2 for origins without MFN status."]
            if let svg {
                let bars = ranking.map { r in
                    SVGBarChart.Bar(
                        label: "\(r.origin) \(r.name)", value: Double((r.duty?.amount ?? r.ratePercent ?? .zero).description) ?? 0,
                        note: r.treatment, highlighted: r.kind == .preferential)
                }
                try SVGBarChart(
                    title: "Duty on \(importer) \(code) by origin, \(day)", unit: value == nil ? "%" : " \(currency.code)", bars: bars
                ).write(to: svg)
                footer.append("Chart written to \(svg).")
            }
            try Output(format: options.format).emit(
                header: ["#", "origin", "treatment", "rate", "duty", "saved vs MFN"], rows: rows, json: ranking,
                title: "Origins into \(importer) \(code) on \(day)", footer: footer)
        }
    }
}
