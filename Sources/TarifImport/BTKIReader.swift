import TarifCore

/// Indonesia's Buku Tarif Kepabeanan Indonesia (BTKI) 2022 as a CSV transcription of
/// the annex to PMK 26/PMK.010/2022: `hs_code, chapter, description_id, description_en,
/// import_duty, export_duty, ppn, ppnbm, hs_level`.
///
/// Headings (4 digits) and subheadings (6) are lines without rates; the 8-digit pos
/// tarif carry the MFN import duty (Bea Masuk), export duty (Bea Keluar), VAT (PPN)
/// and luxury-goods tax (PPnBM).
public struct BTKIReader: PublicationReader {
    public static let format = "btki-csv"
    public static let scheduleRoles = ["mfn"]
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let csv = try CSVReader(source: source)
        let names = ["hs_code", "description_id", "description_en", "import_duty", "export_duty", "ppn", "ppnbm", "hs_level"]
        let c = try csv.columns(names)
        let parser = DutyExpressionParser(dialect: .btki)
        var path = PathStack()
        while let r = try csv.next() {
            let f = r.fields
            let at = SourceLocation(file: source.displayName, line: r.line, field: "hs_code")
            let code: TariffCode
            do { code = try TariffCode(f[c[0]]) } catch let e as TarifError { throw e.located(at) }
            guard String(code.length) == f[c[7]] else {
                throw TarifError(.badFile, "hs_level \(f[c[7]]) does not match the \(code.length) digits of \(f[c[0]])", at: at)
            }
            let english = f[c[2]]
            let depth = code.length == 4 ? 0 : 1 + Self.dashDepth(english)
            // An 8-digit line is a dutiable leaf: a deeper line after it belongs to a group row the
            // file leaves out (AHTN's uncoded "- - Other:"), not to it.
            let parents = path.enter(depth: depth, text: Self.undashed(english), isLeaf: code.length == 8)
            try emit(
                .line(
                    schedule: "mfn",
                    TariffLine(
                        code: code, indent: depth, descriptionEnglish: Self.undashed(english),
                        descriptionLocal: Self.undashed(f[c[1]]), units: [], path: parents)))
            guard code.length == 8 else { continue }
            let columns: [(Int, RateKind, String)] = [
                (c[3], .mfn, "import_duty"), (c[4], .exportDuty, "export_duty"), (c[5], .vat, "ppn"), (c[6], .luxuryTax, "ppnbm"),
            ]
            for (index, kind, field) in columns {
                try emitRate(
                    f[index], code: code, kind: kind, schedule: "mfn", parser: parser,
                    at: SourceLocation(file: source.displayName, line: r.line, column: index + 1, field: field), emit: emit)
            }
        }
    }

    /// The number of leading `- ` marks (`- - Bibit` → 2).
    static func dashDepth(_ text: String) -> Int {
        var n = 0
        var rest = Substring(text)
        while rest.hasPrefix("-") {
            n += 1
            rest = rest.dropFirst().drop { $0 == " " }
        }
        return n
    }

    static func undashed(_ text: String) -> String {
        var rest = Substring(text)
        while rest.hasPrefix("-") || rest.hasPrefix(" ") { rest = rest.dropFirst() }
        var s = String(rest)
        while s.hasSuffix(" :") || s.hasSuffix(":") || s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}

/// The descriptions of the lines above the current one, by indentation depth.
struct PathStack {
    private var stack: [(depth: Int, text: String, isLeaf: Bool)] = []

    /// Records a line at `depth` and returns the descriptions above it, outermost first.
    /// A leaf (a line that cannot have lines under it) is never named as a parent: when a
    /// deeper line follows one, the group row between them is missing from the file and the
    /// path leaves that level out rather than name the wrong parent.
    mutating func enter(depth: Int, text: String, isLeaf: Bool = false) -> [String] {
        while let last = stack.last, last.depth >= depth { stack.removeLast() }
        let parents = stack.filter { !$0.isLeaf }.map(\.text)
        stack.append((depth, text, isLeaf))
        return parents
    }
}
