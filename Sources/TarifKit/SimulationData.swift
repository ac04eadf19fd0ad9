import Foundation
public import TarifCore
import TarifImport
public import TarifRegistry
public import TarifSimulation

/// Inputs for the simulations read from files.
public enum SimulationData {
    /// Reads SMART flows: a CSV with `partner`, `imports` and `tariff` (percent), and
    /// optionally `product` (one simulation per product) and `new_tariff` (percent; else the scenario sets it).
    /// - Throws: ``TarifError`` naming the row and column of the first bad field.
    public static func smartFlows(at path: String, registry: Registry) throws -> [(product: String, flow: SMARTFlow, newTariff: Double?)] {
        let lookup = CountryLookup(Array(registry.countries.values))
        let source = try ByteSource(path: path)
        let csv = try CSVReader(source: source)
        let cols = try csv.columns(["partner", "imports", "tariff"])
        let product = csv.header.firstIndex(of: "product")
        let newTariff = csv.header.firstIndex(of: "new_tariff")
        var out: [(String, SMARTFlow, Double?)] = []
        func number(_ text: String, _ column: Int, _ line: Int, _ what: String) throws -> Double {
            guard let v = Double(text.trimming(" ").replacingOccurrences(of: ",", with: "")), v.isFinite, v >= 0 else {
                throw TarifError(.badNumber, "'\(text)' is not \(what)", at: SourceLocation(file: source.displayName, line: line, column: column + 1, field: csv.header[column]))
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
            let tariff = try number(f[cols[2]], cols[2], r.line, "a tariff in percent (zero or more)") / 100
            let next = try newTariff.flatMap { c in f[c].trimming(" ").isEmpty ? nil : try number(f[c], c, r.line, "a tariff in percent") / 100 }
            out.append((product.map { f[$0].trimming(" ") } ?? "", SMARTFlow(partner: partner.code, imports: imports, tariffBefore: tariff, tariffAfter: tariff), next))
        }
        guard !out.isEmpty else { throw TarifError(.badFile, "no flows", at: SourceLocation(file: source.displayName)) }
        return out
    }
}
