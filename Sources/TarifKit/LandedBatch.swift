import Foundation
public import TarifCore
import TarifImport
public import TarifRegistry
public import TarifRules

/// The landed cost of each consignment of a CSV file, one output row per consignment in input
/// order, with its total: the file is read as a stream and each row written as it is computed.
///
/// Input columns, named in the header (any order; `code` for `line` and `on` for `date` too):
/// `importer`, `line`, `value` are required; `origin`, `date`, `currency`, `fx`, `incoterm`,
/// `freight`, `insurance`, `quantity` (with its unit, `2000000kg`; several separated by `;`),
/// `transport`, `entry`, `api` (yes/no), `pph22`, `ppnbm`, `vat_rate`, `food` (yes/no),
/// `incidental` are optional, an empty cell meaning the default. A column not in this list is
/// refused (a misspelt `frieght` would otherwise be silently left out of the value). A row that
/// cannot be computed gets its reason in the `error` column; a file that is not CSV, or lacks a
/// required column, is refused before any row is written.
public struct LandedBatch: Sendable {
    public static let outputHeader =
        "row,importer,origin,line,date,treatment,duty_rate,customs_value,currency,duty,additional_duties,taxes_and_fees,total,share_pct,items,error"

    static let required = ["importer", "line", "value"]
    static let optional = [
        "origin", "date", "currency", "fx", "incoterm", "freight", "insurance", "quantity", "transport", "entry", "api", "pph22", "ppnbm", "vat_rate",
        "food", "incidental",
    ]
    static let aliases = ["code": "line", "on": "date"]

    /// What a run did: rows, those computed, those with an error, the totals by currency.
    public struct Summary: Sendable, Hashable {
        public var rows = 0
        public var computed = 0
        public var failed = 0
        /// Rows whose total is not known (an input an item needs is missing).
        public var totalUnknown = 0
        public var totals: [Currency: ExactDecimal] = [:]
        public var duties: [Currency: ExactDecimal] = [:]
    }

    public let tarif: Tarif
    public let registry: Registry
    public let progress: any ProgressObserver
    /// The day of a row without a date.
    public var defaultDay: Day

    public init(tarif: Tarif, registry: Registry, defaultDay: Day, progress: any ProgressObserver = SilentProgress()) {
        self.tarif = tarif
        self.registry = registry
        self.defaultDay = defaultDay
        self.progress = progress
    }

    /// Reads `path` and hands `write` the output CSV in pieces (the header first).
    /// - Throws: ``TarifError`` for a file that cannot be read, is not CSV or lacks a required
    ///   column (naming file, line and column); `.overflow` when a total passes 38 digits.
    public func run(path: String, write: (String) throws -> Void) throws -> Summary {
        let source = try ByteSource(path: path, hashing: false)
        defer { source.close() }
        let reader = try CSVReader(source: source)
        let names = reader.header.map { h -> String in
            let n = h.lowercased().trimmingCharacters(in: .whitespaces)
            return Self.aliases[n] ?? n
        }
        let at = SourceLocation(file: source.displayName, line: 1)
        let unknown = names.filter { !Self.required.contains($0) && !Self.optional.contains($0) }
        guard unknown.isEmpty else {
            throw TarifError(
                .badFile, "unknown column(s) \(unknown.map { "'\(InputLimits.echo($0))'" }.joined(separator: ", ")); the columns are \((Self.required + Self.optional).joined(separator: ", "))",
                at: at)
        }
        let missing = Self.required.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw TarifError(.badFile, "the header lacks column(s) \(missing.joined(separator: ", ")); it has \(reader.header.joined(separator: ", "))", at: at)
        }
        var seen: Set<String> = []
        for n in names where !seen.insert(n).inserted { throw TarifError(.badFile, "the column '\(n)' is named twice", at: at) }
        let column = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

        try write(Self.outputHeader + "\n")
        var summary = Summary()
        var out = ""
        while let record = try reader.next() {
            summary.rows += 1
            func cell(_ name: String) -> String? {
                guard let i = column[name] else { return nil }
                let v = record.fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            var fields = [String(summary.rows), cell("importer") ?? "", cell("origin") ?? "", cell("line") ?? "", cell("date") ?? defaultDay.description]
            do {
                let a = try answer(cell, line: record.line, file: source.displayName)
                summary.computed += 1
                let duty = a.items.first { $0.key == "duty" }?.amount
                let additional = a.items.first { $0.key == "additional-duties" }?.amount
                var taxes: ExactDecimal? = .zero
                for i in a.items where i.key != "duty" && i.key != "additional-duties" {
                    guard let t = taxes, let amount = i.amount?.amount else { taxes = nil; break }
                    taxes = try t + amount
                }
                let currency = a.valuation.customsValue.currency
                if let total = a.total {
                    try summary.totals[currency, default: .zero] += total.amount
                } else {
                    summary.totalUnknown += 1
                }
                if let duty { try summary.duties[currency, default: .zero] += duty.amount }
                // Amounts at the currency's minor unit (the sums are exact before rounding).
                func plain(_ m: Money?) -> String { m.map { $0.roundedToMinorUnit.amount.description } ?? "" }
                fields += [
                    a.treatment, a.dutyRate, plain(a.valuation.customsValue), currency.code, plain(duty), plain(additional),
                    plain(taxes.map { Money($0, currency) }), plain(a.total), a.shareOfValue?.normalized.description ?? "",
                    a.items.map { "\($0.key)=\($0.amount.map { plain($0) } ?? "?")" }.joined(separator: ";"), "",
                ]
            } catch let e as TarifError {
                summary.failed += 1
                fields += Array(repeating: "", count: 10) + [e.location.map { "\($0): \(e.message)" } ?? e.message]
            }
            out += fields.map(Self.csvField).joined(separator: ",") + "\n"
            if out.utf8.count >= 1 << 16 {
                try write(out)
                out = ""
                if source.sizeOnDisk > 0 { progress.report(phase: "landed cost", fraction: min(1, Double(source.bytesRead) / Double(source.sizeOnDisk))) }
            }
        }
        try write(out)
        progress.finish(phase: "landed cost")
        return summary
    }

    /// One row's landed cost.
    func answer(_ cell: (String) -> String?, line: Int, file: String) throws -> LandedCostAnswer {
        func at(_ column: String) -> SourceLocation { SourceLocation(file: file, line: line, field: column) }
        func located<T>(_ column: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as TarifError { throw TarifError(e.code, e.message, at: at(column)) }
        }
        func number(_ column: String, kind: InputLimits.NumberKind = .amount) throws -> ExactDecimal? {
            try cell(column).map { v in try located(column) { try InputLimits.number(v, field: column, kind: kind) } }
        }
        func percent(_ column: String) throws -> ExactDecimal? {
            guard let p = try number(column, kind: .fact) else { return nil }
            guard p <= 100 else { throw TarifError(.badInput, "\(column) \(p.normalized) is not a percentage from 0 to 100", at: at(column)) }
            return p
        }
        func yesNo(_ column: String) throws -> Bool? {
            guard let v = cell(column)?.lowercased() else { return nil }
            guard ["yes", "no"].contains(v) else { throw TarifError(.badInput, "'\(InputLimits.echo(v))' is not yes or no", at: at(column)) }
            return v == "yes"
        }
        let importer = try located("importer") { try registry.countryCode(named: cell("importer") ?? "") }
        let origin = try cell("origin").map { o in try located("origin") { try registry.countryCode(named: o) } }
        let code = try located("line") { try TariffCode(cell("line") ?? "") }
        let day = try cell("date").map { d in try located("date") { try Day(iso: d) } } ?? defaultDay
        guard let value = try number("value") else { throw TarifError(.missingInput, "the value is empty", at: at("value")) }
        let own = try located("line") { try tarif.schedule(for: importer, on: day).info.currency }
        let currency = try cell("currency").map { c in try located("currency") { try Currency(c.uppercased()) } } ?? own
        let basis = CustomsValuation.basis(of: importer)?.basis ?? "CIF"
        let incoterm = try cell("incoterm").map { t in try located("incoterm") { try Incoterm(parsing: t) } } ?? (basis == "FOB" ? .fob : .cif)
        let price = ConsignmentPrice(
            amount: value, currency: currency, incoterm: incoterm, freight: try number("freight"), insurance: try number("insurance"),
            exchangeRate: try number("fx", kind: .exchangeRate))
        var inputs = BorderTaxInputs()
        if let t = cell("transport") {
            guard let transport = BorderTaxInputs.Transport(rawValue: t.lowercased()) else {
                throw TarifError(.badInput, "'\(InputLimits.echo(t))' is not one of sea, air, land, mail", at: at("transport"))
            }
            inputs.transport = transport
        }
        if let e = cell("entry") {
            guard let entry = BorderTaxInputs.Entry(rawValue: e.lowercased()) else {
                throw TarifError(.badInput, "'\(InputLimits.echo(e))' is not one of formal, informal", at: at("entry"))
            }
            inputs.entry = entry
        }
        if let api = try yesNo("api") { inputs.importerIdentification = api }
        inputs.food = try yesNo("food")
        inputs.pph22Rate = try percent("pph22")
        inputs.ppnbmRate = try percent("ppnbm")
        inputs.vatRate = try percent("vat_rate")
        inputs.incidentalCosts = try number("incidental")
        let texts = (cell("quantity") ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard texts.count <= 8 else { throw TarifError(.tooLarge, "at most 8 quantities (\(texts.count) given)", at: at("quantity")) }
        let quantities = try texts.map { q in try located("quantity") { try Quantity(parsing: q) } }
        return try Self.namingTheColumn(at) {
            try tarif.landed(
                importer: importer, origin: origin, code: code, on: day, price: price, quantities: quantities, inputs: inputs, registry: registry)
        }
    }

    /// An error the valuation or the taxes raise names its input as the CLI writes it
    /// (`--freight is needed`); in a batch it is located at the row's column.
    static func namingTheColumn<T>(_ at: (String) -> SourceLocation, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as TarifError where e.location == nil {
            guard let r = e.message.range(of: "--") else { throw TarifError(e.code, e.message, at: at("line")) }
            let option = String(e.message[r.upperBound...].prefix { $0.isLetter || $0 == "-" })
            let column = ["vat-rate": "vat_rate", "no-api": "api"][option] ?? option
            throw TarifError(e.code, e.message, at: at(column))
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (the batch's and the matrix's).
    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
