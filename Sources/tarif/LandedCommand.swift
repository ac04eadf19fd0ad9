import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifRegistry
import TarifRules

struct LandedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landed",
        abstract: "Everything a consignment pays at the border: the duty, the taxes and fees of importation, each with its legal basis, and the total.",
        discussion: """
            tarif landed IDN 1006.30.99 --from VNM --value 500000 --currency USD --fx USD=16250 --quantity 2000000kg --incoterm FOB --freight 20000 --insurance 1500 --on 2026-03-01
            tarif landed GBR 0901.21.00 --from IDN --value 10000 --incoterm CIF --on 2026-03-01
            tarif landed USA 6109.10.00 --from VNM --value 50000 --incoterm FOB --transport sea --on 2026-03-01
            tarif landed JPN 0901.21.000 --from IDN --value 1000000 --incoterm CIF --on 2026-08-01
            tarif landed AUS 0403.20.10 --from IDN --value 20000 --incoterm FOB --freight 1500 --insurance 100 --on 2026-08-01
            tarif landed --batch consignments.csv --output landed.csv
            The customs value is taken as the importer's law does: CIF for Indonesia, Japan and the UK,
            FOB for the US and Australia (whose GST adds transport and insurance).
            A batch file has the columns importer, line, value and any of origin, date, currency, fx,
            incoterm, freight, insurance, quantity (2000000kg; several separated by ;), transport, entry,
            api, pph22, ppnbm, vat_rate, food, incidental; each row gets its total (or its error).
            """)

    @Argument(help: "The importer, ISO alpha-3 (IDN, GBR, USA, JPN, AUS) or name.")
    var importer: String?

    @Argument(help: "The tariff line.")
    var code: String?

    @Option(name: .long, help: "A CSV of consignments (importer, line, value, and optional columns: see above); one row out per consignment, with its total.")
    var batch: String?

    @Option(name: .long, help: "With --batch: write the rows to this file (default: standard output); written aside and renamed, so never half-written.")
    var output: String?

    @Option(name: .long, help: "The origin of the goods, ISO alpha-3 or name; without it only MFN is resolved.")
    var from: String?

    @Option(name: .long, help: "The invoice price, in --currency.")
    var value: String?

    @Option(name: .long, help: "The price's currency (default: the importer's).")
    var currency: String?

    @Option(name: .long, help: "The exchange rate into the importer's currency: USD=16250. Needed when --currency is not the importer's.")
    var fx: [String] = []

    @Option(name: .long, help: "The delivery terms of the price: EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP (default: the importer's basis, CIF or FOB).")
    var incoterm: String?

    @Option(name: .long, help: "International freight to the importer's border, in --currency.")
    var freight: String?

    @Option(name: .long, help: "Insurance to the importer's border, in --currency.")
    var insurance: String?

    @Option(name: .long, help: "A quantity with its unit: 2000000kg. Repeatable.")
    var quantity: [String] = []

    @Option(name: .long, help: "A measured fact (alcohol=40) or metal content (steel-content=4000). Repeatable.")
    var fact: [String] = []

    @Option(name: .long, help: "The value of a component an ad valorem part is charged on: case=120. Repeatable.")
    var component: [String] = []

    @Option(name: .long, help: "For a rate stated as alternatives, which one fits the goods (1 = first).")
    var alternative: Int?

    @Option(name: .long, help: "How the goods arrive: sea, air, land, mail (default: sea; the US Harbor Maintenance Fee is charged on sea shipments).")
    var transport: String = "sea"

    @Option(name: .long, help: "US entry type: formal or informal (default: formal above USD 2,500).")
    var entry: String?

    @Flag(name: .customLong("no-api"), help: "Indonesia: the importer holds no importer identification number (API): PPh 22 at 7.5%.")
    var noAPI = false

    @Option(name: .customLong("pph22"), help: "Indonesia: the PPh 22 rate in percent for goods on a list of PMK 34/PMK.010/2017 (10, 7.5).")
    var pph22: String?

    @Option(name: .long, help: "Indonesia: the PPnBM rate in percent that fits the goods, among those the schedule prints.")
    var ppnbm: String?

    @Option(name: .customLong("vat-rate"), help: "The UK: the goods' VAT rate in percent where not the standard 20% (5, 0).")
    var vatRate: String?

    @Option(name: .long, help: "Japan: yes if the goods are food (飲食料品, reduced consumption tax), no if not (default: by the line's chapter).")
    var food: String?

    @Option(name: .long, help: "The UK: costs from the place of entry to the first destination in the UK, in the importer's currency (added to the value for VAT).")
    var incidental: String?

    @OptionGroup var options: QueryOptions

    func validate() throws {
        if batch == nil {
            guard importer != nil, code != nil else { throw ValidationError("give an importer and a line (tarif landed IDN 1006.30.99 --value …), or --batch FILE") }
            guard value != nil else { throw ValidationError("--value is needed: the invoice price of the consignment") }
        } else if importer != nil || code != nil {
            throw ValidationError("--batch takes the importers and lines from the file; give no importer or line")
        }
        if output != nil && batch == nil { throw ValidationError("--output is for --batch") }
        if let alternative, !(1...100).contains(alternative) { throw ValidationError("--alternative must be 1 to 100 (1 = the first rate stated)") }
        guard BorderTaxInputs.Transport(rawValue: transport.lowercased()) != nil else {
            throw ValidationError("--transport '\(InputLimits.echo(transport))' is not one of sea, air, land, mail")
        }
        if let entry, BorderTaxInputs.Entry(rawValue: entry.lowercased()) == nil {
            throw ValidationError("--entry '\(InputLimits.echo(entry))' is not one of formal, informal")
        }
        if let food, !["yes", "no"].contains(food.lowercased()) { throw ValidationError("--food '\(InputLimits.echo(food))' is not yes or no") }
    }

    func run() throws {
        try TarifCLI.run {
            let tarif = try options.open()
            let registry = try tarif.registry()
            if let batch { return try runBatch(batch, tarif: tarif, registry: registry) }
            guard let importer, let code, let value else { return }
            let importerCode = try registry.countryCode(named: importer)
            let day = try options.day()
            let own = try tarif.schedule(for: importerCode, on: day).info.currency
            let priceCurrency = try currency.map { try Currency($0.uppercased()) } ?? own
            let rates = try DutyCommand.pairs(fx, "--fx", kind: .exchangeRate)
            var exchange: ExactDecimal?
            for (name, rate) in rates {
                guard (try? Currency(name.uppercased())) == priceCurrency else {
                    throw TarifError(.badInput, "--fx \(name)=\(rate) is not for the price's currency \(priceCurrency)")
                }
                exchange = rate
            }
            let basis = CustomsValuation.basis(of: importerCode)?.basis ?? "CIF"
            let price = ConsignmentPrice(
                amount: try InputLimits.number(value, field: "--value", kind: .amount), currency: priceCurrency,
                incoterm: try incoterm.map { try Incoterm(parsing: $0) } ?? (basis == "FOB" ? .fob : .cif),
                freight: try freight.map { try InputLimits.number($0, field: "--freight", kind: .amount) },
                insurance: try insurance.map { try InputLimits.number($0, field: "--insurance", kind: .amount) }, exchangeRate: exchange)
            var inputs = BorderTaxInputs()
            inputs.transport = BorderTaxInputs.Transport(rawValue: transport.lowercased())!
            inputs.entry = entry.flatMap { BorderTaxInputs.Entry(rawValue: $0.lowercased()) }
            inputs.importerIdentification = !noAPI
            inputs.pph22Rate = try pph22.map { try Self.percent($0, field: "--pph22") }
            inputs.ppnbmRate = try ppnbm.map { try Self.percent($0, field: "--ppnbm") }
            inputs.vatRate = try vatRate.map { try Self.percent($0, field: "--vat-rate") }
            inputs.food = food.map { $0.lowercased() == "yes" }
            inputs.incidentalCosts = try incidental.map { try InputLimits.number($0, field: "--incidental", kind: .amount) }
            let answer = try tarif.landed(
                importer: importerCode, origin: try from.map { try registry.countryCode(named: $0) }, code: try TariffCode(code), on: day, price: price,
                quantities: try quantity.map { try Quantity(parsing: $0) }, facts: try DutyCommand.facts(fact),
                components: try DutyCommand.components(component, facts: fact), alternative: alternative.map { $0 - 1 }, inputs: inputs, registry: registry)
            try print(answer)
        }
    }

    /// Each consignment of the file with its total; a summary on standard error.
    func runBatch(_ path: String, tarif: Tarif, registry: Registry) throws {
        let started = Date()
        let runner = LandedBatch(tarif: tarif, registry: registry, defaultDay: try options.day(), progress: TerminalProgress())
        let summary: LandedBatch.Summary
        if let output {
            // Written beside the output and moved into place at the end: a run that fails
            // leaves no half-written file (nor touches one already there).
            let partial = output + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let out = FileHandle(forWritingAtPath: partial) else {
                throw TarifError(.io, "cannot write \(partial) (the output is written there first, then renamed to \(output))")
            }
            do {
                summary = try runner.run(path: path) { try out.write(contentsOf: Data($0.utf8)) }
                try out.close()
                guard rename(partial, output) == 0 else { throw TarifError(.io, "cannot rename \(partial) to \(output): \(String(cString: strerror(errno)))") }
            } catch {
                try? out.close()
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
        } else {
            summary = try runner.run(path: path) { try FileHandle.standardOutput.write(contentsOf: Data($0.utf8)) }
        }
        var lines = [
            "\(summary.rows) consignments: \(summary.computed) computed, \(summary.failed) failed (see the error column), \(summary.totalUnknown) with a total that needs more input; \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        ]
        for (c, v) in summary.totals.sorted(by: { $0.key.code < $1.key.code }) {
            lines.append("paid at the border in \(c.code): \(Money(v, c).grouped), of which duty \(Money(summary.duties[c] ?? .zero, c).grouped)")
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// A rate in percent, from 0 to 100.
    static func percent(_ text: String, field: String) throws -> ExactDecimal {
        let p = try InputLimits.number(text.hasSuffix("%") ? String(text.dropLast()) : text, field: field, kind: .fact)
        guard p <= 100 else { throw TarifError(.badInput, "\(field) \(p.normalized) is not a percentage from 0 to 100") }
        return p
    }

    func print(_ a: LandedCostAnswer) throws {
        let rows = a.items.map { i in [i.name, i.base?.grouped ?? "—", i.rate, i.amount?.grouped ?? "not known"] }
            + [["Total", "", a.shareOfValue.map { "\($0.normalized)% of the customs value" } ?? "", a.total?.grouped ?? "not known"]]
        var footer = ["Valuation (\(a.valuation.basis), \(a.valuation.legalBasis)):"]
        footer += a.valuation.steps.map { "  " + $0 }
        footer.append("Duty: \(a.treatment) at \(a.dutyRate)")
        footer.append("")
        for i in a.items {
            footer.append("\(i.name) — \(i.nameIndonesian): \(i.legalBasis)")
            for n in i.notes { footer.append("  note: \(n)") }
        }
        for n in a.notes { footer.append("Note: \(n)") }
        footer += ["", a.english, "", a.indonesian]
        if let e = a.exportDuty { footer += ["", e.noteIndonesian, "Export duty's legal basis: \(e.legalBasis)"] }
        try Output(format: options.format).emit(
            header: ["item", "base", "rate", "amount"], rows: rows, json: a,
            title: "\(a.importer) \(a.code.formatted) — landed cost\(a.origin.map { " of goods from \($0)" } ?? "") on \(a.day)", footer: footer)
    }
}
