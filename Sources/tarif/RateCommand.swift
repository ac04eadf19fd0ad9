import ArgumentParser
import TarifCore
import TarifKit

struct RateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "The rates a schedule publishes for a line on a day: MFN, and the others it lists, with source and validity.")

    @Argument(help: "The importer, ISO alpha-3 (IDN, GBR, USA).")
    var importer: String

    @Argument(help: "The tariff line (1006.30.99, 10063099, 10.06.30.99).")
    var code: String

    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            let answer = try tarif.rate(importer: try CountryCode(importer), code: try TariffCode(code), on: try options.day())
            let rows = answer.rates.map { r in
                [r.kind.rawValue, r.program ?? "", r.text, r.expression?.summary ?? "", r.expression?.form ?? ""]
            }
            let s = answer.schedule
            var footer = [
                "Schedule: \(s.info.title)",
                "In force: from \(s.validity.start)\(s.validity.end.map { " until \($0.adding(days: -1))" } ?? " (no later version loaded)")",
                "Legal source: \(s.info.legalSource)",
                "File: \(s.info.sourceFile) (sha256 \(s.info.contentHash.prefix(12))…)",
            ]
            if answer.publishedOn != answer.line.code { footer.append("Rates published on the line above: \(answer.publishedOn)") }
            for note in answer.notes { footer.append("Note (\(note.kind)): \(note.text)") }
            if let b = answer.bindings {
                footer.append("WTO binding (GATT 1994 Art. II:1(b)), \(b.schedule):")
                if b.lines.isEmpty { footer.append("  no bound line under \(answer.line.code.hs6?.formatted ?? answer.line.code.formatted) in the Schedule's nomenclature") }
                for l in b.lines {
                    footer.append("  \(l.code) \(l.bound) — \(l.description)\(l.notes.isEmpty ? "" : " (\(l.notes.joined(separator: "; ")))")")
                }
                if !b.sameNomenclature, !b.lines.isEmpty {
                    footer.append("  the Schedule's lines are of another HS version: these bind the same subheading's goods as classified then")
                }
            }
            try Output(format: options.format).emit(
                header: ["kind", "program", "published", "reads as", "form"], rows: rows, json: answer,
                title: "\(s.info.importer) \(answer.line.code) — \(answer.line.qualifiedDescription)"
                    + (answer.line.descriptionLocal.map { " / \($0)" } ?? ""),
                footer: footer)
        }
    }
}
