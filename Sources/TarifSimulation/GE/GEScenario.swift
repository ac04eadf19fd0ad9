import Foundation
import TarifCore

/// A counterfactual change of trade-cost variables: `pta=1@CAN,JPN` sets `pta` to 1 on every
/// pair of different countries in the list (an agreement among them), `pta=0@CAN,MEX,USA`
/// removes one, `tariff_factor=1.1@USA>CHN` changes one direction only (exporter > importer).
public struct GEShock: Sendable, Hashable, CustomStringConvertible {
    public var variable: String
    public var value: Double
    public var countries: [String]
    /// Only flows from `countries[0]` to `countries[1]`.
    public var directed: Bool

    public var description: String {
        "\(variable)=\(value)@" + (directed ? countries.joined(separator: ">") : countries.joined(separator: ","))
    }

    /// - Throws: ``TarifError`` `.badInput` when the text is not `variable=value@A,B[,…]` or `variable=value@A>B`.
    public init(parsing text: String) throws {
        func fail(_ why: String) -> TarifError {
            TarifError(.badInput, "shock '\(InputLimits.echo(text))': \(why); write variable=value@A,B (an agreement among A and B) or variable=value@A>B (one direction)", at: SourceLocation(file: "--shock"))
        }
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count == 2 else { throw fail("no '@'") }
        let assignment = halves[0].split(separator: "=", omittingEmptySubsequences: false)
        guard assignment.count == 2 else { throw fail("no 'variable=value'") }
        variable = assignment[0].trimming(" ")
        guard GravityFormula.isName(variable) else { throw fail("'\(variable)' is not a column name") }
        guard let v = Double(assignment[1].trimming(" ")), v.isFinite else { throw fail("'\(assignment[1])' is not a number") }
        value = v
        let who = halves[1].trimming(" ")
        directed = who.contains(">")
        countries = who.split(separator: directed ? ">" : ",").map { $0.trimming(" ") }
        guard countries.count >= 2, countries.allSatisfy({ !$0.isEmpty }) else { throw fail("name at least two countries") }
        guard !directed || countries.count == 2 else { throw fail("a directed shock has one exporter and one importer") }
    }

    func applies(exporter: String, importer: String) -> Bool {
        if directed { return exporter == countries[0] && importer == countries[1] }
        return exporter != importer && countries.contains(exporter) && countries.contains(importer)
    }
}

extension StructuralGE {
    /// Builds the economy from a cross-section panel (one year): one row per exporter–importer
    /// pair including intranational flows, output and expenditure columns, and the trade-cost
    /// variables with their coefficients (tᵢⱼ^{1−σ} = exp(Σ βₖ xₖᵢⱼ)); the experiment applies
    /// `shocks` to the variables. Output is the mean of `output` over an exporter's rows,
    /// expenditure the mean of `expenditure` over an importer's rows (as gegravity).
    /// - Throws: ``TarifError`` for a missing pair, a missing or non-positive output or
    ///   expenditure, a shock on a variable that is not a cost variable, or an unknown country.
    public static func economy(
        panel: Panel, exporter: String = "exporter", importer: String = "importer", output: String, expenditure: String,
        costs: [(GravityFormula.Regressor, Double)], shocks: [GEShock]
    ) throws -> Economy {
        let (ex, exLevels) = try panel.categories(exporter)
        let (im, imLevels) = try panel.categories(importer)
        let yColumn = try panel.numbers(output)
        let eColumn = try panel.numbers(expenditure)
        let variables = try costs.map { try panel.numbers($0.0.column) }
        let countries = Array(Set(exLevels).union(imLevels)).sorted()
        let position = Dictionary(uniqueKeysWithValues: countries.enumerated().map { ($1, $0) })
        for s in shocks {
            guard costs.contains(where: { $0.0.column == s.variable }) else {
                throw TarifError(.badInput, "shock on '\(s.variable)', which is not a trade-cost variable (\(costs.map { $0.0.description }.joined(separator: ", ")))", at: SourceLocation(file: "--shock"))
            }
            for c in s.countries where position[c] == nil {
                throw TarifError(.notFound, "shock names \(c), which is not in the data (\(countries.count) countries)", at: SourceLocation(file: "--shock"))
            }
        }
        let n = countries.count
        var base = [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
        var experiment = base
        var ySum = [Double](repeating: 0, count: n), yCount = [Double](repeating: 0, count: n)
        var eSum = [Double](repeating: 0, count: n), eCount = [Double](repeating: 0, count: n)
        for r in 0..<panel.rowCount {
            guard ex[r] >= 0, im[r] >= 0 else { throw TarifError(.missingInput, "no exporter or importer", at: panel.location(ofRow: r)) }
            let eName = exLevels[Int(ex[r])], iName = imLevels[Int(im[r])]
            let i = position[eName]!, j = position[iName]!
            guard base[i][j].isNaN else {
                throw TarifError(.badInput, "\(eName)→\(iName) appears twice; select one year (--where \"year = 2006\")", at: panel.location(ofRow: r))
            }
            var before = 0.0, after = 0.0
            for (k, (regressor, beta)) in costs.enumerated() {
                let raw = variables[k][r]
                guard raw.isFinite else { throw TarifError(.badNumber, "missing \(regressor.column)", at: panel.location(ofRow: r, field: regressor.column)) }
                let shocked = shocks.last { $0.variable == regressor.column && $0.applies(exporter: eName, importer: iName) }?.value ?? raw
                func transform(_ x: Double) throws -> Double {
                    guard regressor.logarithm else { return x }
                    guard x > 0 else { throw TarifError(.badNumber, "log of \(x)", at: panel.location(ofRow: r, field: regressor.column)) }
                    return log(x)
                }
                before += beta * (try transform(raw))
                after += beta * (try transform(shocked))
            }
            base[i][j] = exp(before)
            experiment[i][j] = exp(after)
            if yColumn[r].isFinite { ySum[i] += yColumn[r]; yCount[i] += 1 }
            if eColumn[r].isFinite { eSum[j] += eColumn[r]; eCount[j] += 1 }
        }
        for i in 0..<n {
            for j in 0..<n where base[i][j].isNaN {
                throw TarifError(.missingInput, "no row for \(countries[i])→\(countries[j]); the GE model needs every pair, intranational flows included", at: SourceLocation(file: panel.source))
            }
            guard yCount[i] > 0 else { throw TarifError(.missingInput, "no \(output) for \(countries[i])", at: SourceLocation(file: panel.source, field: output)) }
            guard eCount[i] > 0 else { throw TarifError(.missingInput, "no \(expenditure) for \(countries[i])", at: SourceLocation(file: panel.source, field: expenditure)) }
        }
        return Economy(countries: countries, output: (0..<n).map { ySum[$0] / yCount[$0] }, expenditure: (0..<n).map { eSum[$0] / eCount[$0] },
                       baselineCosts: base, experimentCosts: experiment)
    }
}
