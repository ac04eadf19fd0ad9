import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifSimulation

extension SimulateCommand {
    struct GE: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ge",
            abstract: "General-equilibrium counterfactual (structural gravity): welfare, prices, trade per country.",
            discussion: """
                tarif simulate ge --data sample.csv --where "year = 2006" --output Y --expenditure E --sigma 5 --reference DEU \\
                    --formula "trade ~ lndist + contiguity + pta + common_language + international | exporter + importer" \\
                    --shock "pta=1@CAN,JPN" --svg welfare.svg
                The data: one row per exporter–importer pair (intranational flows included) for one year, with output, expenditure
                and the trade-cost variables. Costs are exp(Σ β·x), β from --formula (estimated by PPML here) or --coefficients
                (the JSON of `tarif gravity estimate`, or a CSV variable,coefficient).
                --shock variable=value@A,B,C sets the variable on every pair among the countries (an agreement formed: pta=1, or
                removed: pta=0); variable=value@A>B on one direction. Model and equations: docs/simulation.md.
                """)

        @Option(name: .long, help: "The cross-section (CSV).") var data: String
        @Option(name: .customLong("where"), help: "Keep rows where this holds (repeatable), e.g. \"year = 2006\".") var filters: [String] = []
        @Option(name: .long, help: "Exporter column (default exporter).") var exporter = "exporter"
        @Option(name: .long, help: "Importer column (default importer).") var importer = "importer"
        @Option(name: .long, help: "Output column (Y).") var output: String
        @Option(name: .long, help: "Expenditure column (E).") var expenditure: String
        @Option(name: .long, help: "Elasticity of substitution σ (> 1).") var sigma: Double
        @Option(name: .long, help: "Reference importer (inward resistance normalised to 1).") var reference: String
        @Option(name: .long, help: "Estimate the trade-cost coefficients with this PPML formula first.") var formula: String?
        @Option(name: .long, help: "Trade-cost coefficients: JSON from `tarif gravity estimate --format json`, or CSV variable,coefficient.") var coefficients: String?
        @Option(name: .long, help: "The counterfactual (repeatable): variable=value@A,B[,…] or variable=value@A>B.") var shock: [String] = []
        @Flag(name: .long, help: "Print every pair's trade change instead of the country table.") var pairs = false
        @Option(name: .long, help: "Draw each country's welfare change as an SVG bar chart.") var svg: String?
        @Option(name: .long, help: "Output format: table, json or csv.") var format: OutputFormat = .table

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            let panel = try GravityData.panel(at: data, where: filters)
            let shocks = try shock.map(GEShock.init(parsing:))
            let source: GEStudy.Costs
            switch (formula, coefficients) {
            case (let f?, nil): source = .estimate(try GravityFormula(parsing: f))
            case (nil, let path?): source = .given(try GravityData.coefficients(at: path))
            default: throw TarifError(.missingInput, "give either --formula (estimate the costs) or --coefficients FILE")
            }
            let study = try GEStudy(output: output, expenditure: expenditure, sigma: sigma, reference: reference, costs: source, shocks: shocks)
            let started = Date()
            let outcome = try study.run(panel)
            let seconds = Date().timeIntervalSince(started)
            if !outcome.collinear.isEmpty {
                FileHandle.standardError.write(Data("note: \(outcome.collinear.joined(separator: ", ")) dropped as collinear; not a trade cost\n".utf8))
            }
            let costs = outcome.costs, result = outcome.result
            func f(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", x) }
            let costLine = "trade costs: " + costs.map { "\($0.0) \(f($0.1))" }.joined(separator: ", ")
            let diag = result.diagnostics.map { "\($0.stage) \($0.method), residual \(String(format: "%.1e", $0.residual))" }.joined(separator: "; ")
            let footer = [costLine, "solver: \(diag)", "model built and solved in \(String(format: "%.2f", seconds * 1000)) ms"] + (svg.map { ["Chart written to \($0)."] } ?? [])
            if let svg {
                let shocked = Set(shocks.flatMap(\.countries))
                let bars = result.countries.sorted { $0.welfareChange > $1.welfareChange }.map {
                    SVGBarChart.Bar(label: $0.country, value: $0.welfareChange, note: "exports \(f($0.foreignExportsChange, 2))%", highlighted: shocked.contains($0.country))
                }
                try SVGBarChart(title: "GE: welfare change by country (%), \(shocks.map(\.description).joined(separator: "; "))", unit: "%", bars: bars,
                                caption: "Tarif — structural gravity GE, σ = \(sigma), reference \(reference); orange: countries in the shock").write(to: svg)
            }
            let title = "GE counterfactual: \(shocks.map(\.description).joined(separator: "; ")) (σ \(sigma), reference \(reference))"
            if pairs {
                let rows = result.bilateral.map { [$0.exporter, $0.importer, f($0.baselineTrade, 2), f($0.experimentTrade, 2), f($0.tradeChange)] }
                try Output(format: format).emit(header: ["exporter", "importer", "baseline trade", "experiment trade", "change %"], rows: rows, json: result.bilateral, title: title, footer: footer)
            } else {
                let rows = result.countries.map { c in
                    [c.country, f(c.welfareChange), f(c.realGDPChange), f(c.factoryGatePriceChange), f(c.imrChange), f(c.termsOfTradeChange),
                     f(c.foreignExportsChange), f(c.foreignImportsChange), f(c.intranationalTradeChange)]
                }
                try Output(format: format).emit(
                    header: ["country", "welfare %", "real GDP %", "factory price %", "IMR %", "terms of trade %", "exports %", "imports %", "intranational %"],
                    rows: rows, json: result, title: title, footer: footer)
            }
        }
    }
}
