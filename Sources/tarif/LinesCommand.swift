import ArgumentParser
import TarifCore
import TarifKit

struct LinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lines",
        abstract: "Browse an importer's nomenclature by code prefix, or search its descriptions.",
        discussion: "tarif lines IDN 1006.30   |   tarif lines USA --search \"rice\"   |   tarif lines IDN --search beras")

    @Argument(help: "The importer, ISO alpha-3 (IDN, GBR, USA).")
    var importer: String

    @Argument(help: "A code or code prefix (1006, 1006.30, 10063099).")
    var code: String?

    @Option(name: .long, help: "Words to find in the descriptions (English, or the importer's language).")
    var search: String?

    @Option(name: .long, help: "At most this many lines.")
    var limit: Int = 200

    @OptionGroup var options: QueryOptions

    func validate() throws {
        if code == nil && search == nil { throw ValidationError("give a code prefix or --search WORDS") }
        if !(1...100_000).contains(limit) { throw ValidationError("--limit must be 1 to 100,000") }
    }

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            let importerCode = try CountryCode(importer)
            let day = try options.day()
            var (schedule, lines): (StoredSchedule, [TariffLine])
            var how: String?
            if let search {
                let found = try tarif.findLines(importer: importerCode, search, on: day, limit: limit)
                (schedule, lines, how) = (found.schedule, found.lines, found.how)
                if let code {
                    let prefix = try TariffCode(code)
                    lines = lines.filter { prefix.contains($0.code) }
                }
            } else {
                (schedule, lines) = try tarif.lines(importer: importerCode, under: try TariffCode(code!), on: day, limit: limit)
            }
            let local = lines.contains { $0.descriptionLocal != nil }
            let header = ["code", "description"] + (local ? ["uraian (id)"] : [])
            var rows: [[String]] = []
            // Group rows that carry no code of their own (the HTS's "Arabica:", "Robusta:") are
            // in the lines' paths: shown where they begin, below the first line listed.
            let base = lines.first?.path.count ?? 0
            var previous: [String] = []
            // The listed line last seen at each depth of path: a path element that is one of
            // them is that line, not a group row.
            var listed: [Int: String] = [:]
            for line in lines {
                for (k, heading) in line.path.enumerated() where k >= base && listed[k] != heading {
                    if k < previous.count && previous[k] == heading && previous[..<k] == line.path[..<k] { continue }
                    rows.append(["", String(repeating: "  ", count: max(0, k - 1)) + heading] + (local ? [""] : []))
                }
                previous = line.path
                listed = listed.filter { $0.key < line.path.count }
                listed[line.path.count] = line.descriptionEnglish
                let indent = String(repeating: "  ", count: max(0, line.indent - 1))
                rows.append([line.code.formatted, indent + line.descriptionEnglish] + (local ? [line.descriptionLocal ?? ""] : []))
            }
            try Output(format: options.format).emit(
                header: header, rows: rows, json: lines, title: "\(schedule.info.title) — in force \(schedule.validity.start)",
                footer: lines.isEmpty ? ["no lines found"] : ["\(lines.count) line(s)\(lines.count == limit ? " (limit reached; raise --limit)" : "")"] + (how.map { ["(\($0))"] } ?? []))
        }
    }
}
