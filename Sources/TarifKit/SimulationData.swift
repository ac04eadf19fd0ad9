import Foundation
public import TarifCore
import TarifImport
import TarifRules
public import TarifRegistry
public import TarifSimulation

/// Inputs for the simulations read from files.
public enum SimulationData {
    /// Reads SMART flows: a CSV with `partner`, `imports` and `tariff` (percent), and
    /// optionally `product` (one simulation per product) and `new_tariff` (percent; else the scenario sets it).
    /// With `tariffOptional` the `tariff` column may be left out (the resolution engine fills it).
    /// - Throws: ``TarifError`` naming the row and column of the first bad field.
    public static func smartFlows(at path: String, registry: Registry, tariffOptional: Bool = false) throws -> [(product: String, flow: SMARTFlow, newTariff: Double?)] {
        let lookup = CountryLookup(Array(registry.countries.values))
        let source = try ByteSource(path: path)
        let csv = try CSVReader(source: source)
        var cols = try csv.columns(["partner", "imports"])
        if let t = csv.header.firstIndex(of: "tariff") { cols.append(t) } else if tariffOptional { cols.append(-1) } else { cols = try csv.columns(["partner", "imports", "tariff"]) }
        let product = csv.header.firstIndex(of: "product")
        let newTariff = csv.header.firstIndex(of: "new_tariff")
        var out: [(String, SMARTFlow, Double?)] = []
        func number(_ text: String, _ column: Int, _ line: Int, _ what: String) throws -> Double {
            guard let v = Double(text.trimming(" ").replacingOccurrences(of: ",", with: "")), v.isFinite, v >= 0 else {
                throw TarifError(.badNumber, "'\(InputLimits.echo(text))' is not \(what)", at: SourceLocation(file: source.displayName, line: line, column: column + 1, field: csv.header[column]))
            }
            return v
        }
        while let r = try csv.next() {
            let f = r.fields
            guard let partner = lookup.find(f[cols[0]].trimming(" ")) else {
                throw TarifError(
                    .badCountry, "'\(f[cols[0]])' is not a known country",
                    at: SourceLocation(file: source.displayName, line: r.line, column: cols[0] + 1, field: "partner"))
            }
            let imports = try number(f[cols[1]], cols[1], r.line, "an import value (zero or more)")
            let tariff = cols[2] < 0 ? 0 : try number(f[cols[2]], cols[2], r.line, "a tariff in percent (zero or more)") / 100
            let next = try newTariff.flatMap { c in f[c].trimming(" ").isEmpty ? nil : try number(f[c], c, r.line, "a tariff in percent") / 100 }
            out.append((product.map { f[$0].trimming(" ") } ?? "", SMARTFlow(partner: partner.code, imports: imports, tariffBefore: tariff, tariffAfter: tariff), next))
        }
        guard !out.isEmpty else { throw TarifError(.badFile, "no flows", at: SourceLocation(file: source.displayName)) }
        return out
    }
}

extension SimulationData {
    /// What an agreement's preference does, line by line, from the resolution engine: for
    /// each flow (its `product` a tariff code of `importer`'s schedule), the tariff without the
    /// agreement (the lowest ad valorem equivalent among the other treatments that apply: MFN
    /// or another preference) and with it (its preferential rate, when it applies to the
    /// partner on `day`; else unchanged).
    ///
    /// - Returns: the flows with `tariffBefore`/`tariffAfter` set, and notes on rows left as
    ///   they were (rates with no ad valorem equivalent at a nominal value, such as specific duties).
    /// - Throws: ``TarifError`` for an unknown importer, agreement or line, naming the row.
    public static func agreementScenario(
        _ rows: [(product: String, flow: SMARTFlow, newTariff: Double?)], tarif: Tarif, importer: CountryCode, agreement: String, on day: Day, registry: Registry
    ) throws -> (rows: [(product: String, flow: SMARTFlow)], notes: [String]) {
        guard registry.agreements.contains(where: { $0.id == agreement }) else {
            throw TarifError(.notFound, "no agreement '\(agreement)' in the registry (see `tarif agreements`)")
        }
        var out: [(String, SMARTFlow)] = []
        var notes: [String] = []
        for (index, row) in rows.enumerated() {
            guard let code = try? TariffCode(row.product) else {
                throw TarifError(.badCode, "product '\(row.product)' is not a tariff code (flow \(index + 1)); with --agreement each product is a line of \(importer)'s schedule")
            }
            let resolution = try tarif.duty(importer: importer, origin: row.flow.partner, code: code, on: day, customsValue: ExactDecimal(100), registry: registry)
            func share(_ t: Treatment) -> Double? { t.adValoremEquivalent.map { $0.doubleValue / 100 } }
            let applicable = resolution.treatments.filter { $0.excludedBecause == nil }
            let others = applicable.filter { $0.agreement != agreement }.compactMap(share)
            guard let without = others.min() else {
                notes.append("\(row.product) from \(row.flow.partner): no ad valorem equivalent at a nominal value (specific or compound rate); left out")
                continue
            }
            let with = applicable.first { $0.agreement == agreement }.flatMap(share)
            var flow = row.flow
            flow.tariffBefore = without
            flow.tariffAfter = min(without, with ?? without)
            out.append((row.product, flow))
        }
        return (out, notes)
    }
}
