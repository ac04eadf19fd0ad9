import ArgumentParser
import Foundation
import TarifCore
import TarifKit

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "The market-access matrix: the applied tariff of every importer × origin × line on a day, with its treatment and margin of preference, and the averages per pair and chapter.",
        discussion: """
            tarif matrix --on 2026-08-01 --out matrix/
            tarif matrix --on 2026-08-01 --importers JPN,AUS --origins IDN,VNM,THA --products 09,1511 --out asean/
            Writes cells.csv and cells.parquet (one row per importer, origin and line), pairs.csv and
            chapters.csv (simple average, duty-free share, average margin, preferential lines) and
            manifest.json (the schedules, the day, the data tag). The directory is written aside and
            renamed at the end. --no-cells writes the aggregates only. See docs/matrix.md.
            """)

    @Option(name: .long, help: "The directory to write (replaced when the run succeeds).")
    var out: String

    @Option(name: .long, help: "Importers, comma-separated (default: every one with a schedule in force on the day).")
    var importers: String?

    @Option(name: .long, help: "Origins, comma-separated, ISO alpha-3 or names (default: every country of the registry).")
    var origins: String?

    @Option(name: .long, help: "HS codes or prefixes, comma-separated: 0901,09,1511.10 (default: every line).")
    var products: String?

    @Flag(name: .customLong("no-cells"), help: "Write the aggregates and the manifest only.")
    var noCells = false

    @Option(name: .long, help: "Trade flows (CSV: exporter, importer, hs6, value) to weight the averages with: trade_weighted_average in pairs.csv and chapters.csv.")
    var weights: String?

    @Option(name: .long, help: "Also draw the per-pair simple averages as a heat map, importers × origins (SVG).")
    var svg: String?

    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let day = try options.day()
            func list(_ text: String?) -> [String]? {
                text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            }
            var question = MarketAccessMatrix.Question(day: day)
            question.importers = try list(importers)?.map { try registry.countryCode(named: $0) }
            question.origins = try list(origins)?.map { try registry.countryCode(named: $0) }
            question.products = try list(products)?.map { try TariffCode($0) }
            question.cells = !noCells
            question.flows = try weights.map { try TradeFlows.read(path: $0, registry: registry) }
            for (name, values) in [("--importers", question.importers?.count), ("--origins", question.origins?.count), ("--products", question.products?.count)] {
                if let values, values == 0 { throw TarifError(.badInput, "\(name) names nothing") }
                if let values, values > 10_000 { throw TarifError(.tooLarge, "\(name) names more than 10,000 items") }
            }
            let started = Date()
            let index = try tarif.resolutionIndex(importers: question.importers, registry: registry, days: [day])
            let built = Date()
            let manifest = try MarketAccessMatrix.write(
                question, index: index, dataTag: try DutyService.dataTag(of: tarif.store), schedules: try tarif.store.schedules(), to: out,
                progress: TerminalProgress())
            let done = Date()
            if let svg { try MarketAccessMatrix.heatMap(directory: out, day: manifest.day).write(to: svg) }
            let lines = manifest.schedules.map { "\($0.importer) \($0.lines) lines (\($0.title))" }.joined(separator: "; ")
            FileHandle.standardError.write(
                Data(
                    """
                    \(manifest.cells) cells on \(manifest.day): \(lines); \(manifest.origins) origins
                    index \(String(format: "%.2f", built.timeIntervalSince(started))) s, matrix \(String(format: "%.2f", done.timeIntervalSince(built))) s (\(String(format: "%.1f", Double(manifest.cells) / max(done.timeIntervalSince(built), 1e-9) / 1e6)) M cells/s); written to \(out)

                    """.utf8))
        }
    }
}
