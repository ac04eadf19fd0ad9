import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifSimulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Impact simulations: SMART partial equilibrium, structural-gravity GE counterfactuals.", subcommands: [Smart.self, GE.self])

    struct Smart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "SMART (WITS) partial equilibrium: trade creation, diversion, price effect, revenue and welfare of a tariff change.",
            discussion: """
                tarif simulate smart --data flows.csv --elasticity -1.5 --set 0 --partners VNM --svg smart.svg
                tarif simulate smart --data flows.csv --elasticity -1.2 --sigma 1.5 --supply-elasticity 5 --cut 0.5
                flows.csv: partner,imports,tariff (percent) and optionally product (one simulation each) and new_tariff (percent).
                The scenario (--set PERCENT, --cut SHARE, --swiss COEFFICIENT) applies to --partners (default: all) unless new_tariff is given.
                Or what an agreement's preference does, from the resolution engine: --importer USA --agreement USMCA [--on DATE], each
                product a line of the importer's schedule; the tariff column may then be left out.
                Equations and sources: docs/simulation.md.
                """)

        @Option(name: .long, help: "The flows (CSV).") var data: String
        @Option(name: .long, parsing: .unconditional, help: "Import demand elasticity (negative, e.g. -1.5).") var elasticity: Double
        @Option(name: .long, help: "Elasticity of substitution between partners (default 1.5).") var sigma: Double = 1.5
        @Option(name: .customLong("supply-elasticity"), help: "Export supply elasticity (default: infinite).") var supplyElasticity: Double?
        @Option(name: .long, help: "Set the tariff to this percentage.") var set: Double?
        @Option(name: .long, help: "Cut the tariff by this share (0.5 halves it).") var cut: Double?
        @Option(name: .long, help: "Swiss formula with this coefficient (t1 = a·t0/(a+t0), percent).") var swiss: Double?
        @Option(name: .long, help: "The partners the scenario applies to (comma-separated; default all).") var partners: String?
        @Option(name: .long, help: "Draw the per-partner total effects as an SVG bar chart.") var svg: String?
        @Option(name: .long, help: "With --agreement: the importing market whose schedule gives the rates.") var importer: String?
        @Option(name: .long, help: "Scenario: the preference this agreement gives, against the rates without it (from the resolution engine).") var agreement: String?
        @OptionGroup var options: QueryOptions

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let chosen = [set.map { TariffScenario.set($0 / 100) }, cut.map { TariffScenario.cut($0) }, swiss.map { TariffScenario.swiss($0) }].compactMap { $0 }
            let rows = try SimulationData.smartFlows(at: data, registry: registry, tariffOptional: agreement != nil)
            let scenario: SMARTStudy.Scenario
            if let agreement {
                guard chosen.isEmpty else { throw TarifError(.badInput, "--agreement is a scenario of its own; leave out --set, --cut and --swiss") }
                guard let importer else { throw TarifError(.missingInput, "--agreement needs --importer (the market whose schedule gives the rates)") }
                scenario = .agreement(agreement, importer: try registry.country(named: importer).code, day: try options.day())
            } else {
                guard chosen.count <= 1 else { throw TarifError(.badInput, "give one scenario: --set, --cut or --swiss") }
                let targets = try partners.map { try Set($0.split(separator: ",").map { try registry.country(named: String($0).trimming(" ")).code }) }
                scenario = .rule(chosen.first, partners: targets)
            }
            let parameters = try SMARTParameters(importDemandElasticity: elasticity, substitutionElasticity: sigma, supplyElasticity: supplyElasticity)
            let outcome = try SMARTStudy(rows: rows, parameters: parameters, scenario: scenario).run(tarif: tarif, registry: registry)
            let results = outcome.results.map { ($0.product ?? "", $0.result) }
            let byProduct = Dictionary(outcome.results.map { ($0.product ?? "", $0.flows) }, uniquingKeysWith: { a, _ in a })
            let engineNotes = outcome.notes
            func f(_ x: Double) -> String { String(format: "%.2f", abs(x) < 0.005 ? 0 : x) }
            let json = outcome.results
            var table: [[String]] = []
            for (product, r) in results {
                let flows = byProduct[product] ?? []
                for p in r.partners {
                    let tariff = flows.first { $0.partner == p.partner }.map { "\(f($0.tariffBefore * 100)) → \(f($0.tariffAfter * 100))" } ?? ""
                    table.append([product, p.partner.rawValue, tariff, f(p.importsBefore), f(p.tradeCreation), f(p.tradeDiversion), f(p.priceEffect), f(p.totalEffect), f(p.revenueAfter - p.revenueBefore)])
                }
                table.append([product, "total", "", f(r.importsBefore), f(r.tradeCreation), f(r.tradeDiversion), f(r.priceEffect), f(r.totalEffect), f(r.revenueAfter - r.revenueBefore)])
            }
            let footer = results.map { "\($0.0.isEmpty ? "" : "\($0.0): ")consumer surplus \(f($0.1.consumerSurplus)), tariff revenue \(f($0.1.revenueBefore)) → \(f($0.1.revenueAfter)), welfare \(f($0.1.welfare))" }
            if let svg {
                let bars = results.flatMap { product, r in
                    r.partners.map { SVGBarChart.Bar(label: "\(product.isEmpty ? "" : product + " ")\($0.partner.rawValue)", value: $0.totalEffect, note: "creation \(f($0.tradeCreation)), diversion \(f($0.tradeDiversion))", highlighted: $0.totalEffect > 0) }
                }
                try SVGBarChart(title: "SMART: change in imports by partner", unit: "", bars: bars, caption: "Tarif — SMART partial equilibrium; orange: partners that gain").write(to: svg)
            }
            try Output(format: options.format).emit(
                header: ["product", "partner", "tariff %", "imports", "creation", "diversion", "price effect", "total", "revenue change"], rows: table, json: json,
                title: "SMART: εm \(elasticity), σ \(sigma), εx \(supplyElasticity.map { "\($0)" } ?? "∞")", footer: footer + engineNotes + (svg.map { ["Chart written to \($0)."] } ?? []))
        }
    }
}
