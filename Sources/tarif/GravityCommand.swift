import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifSimulation

struct GravityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gravity", abstract: "Structural gravity: PPML estimation with high-dimensional fixed effects.", subcommands: [Estimate.self])

    struct Estimate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Estimate a gravity equation by Poisson pseudo-maximum-likelihood with fixed effects.",
            discussion: """
                tarif gravity estimate --data panel.csv --formula "trade ~ rta | exporter^year + importer^year + exporter^importer" --cluster exporter^importer
                tarif gravity estimate --data panel.csv --formula "trade ~ log(dist) + cntg + lang + clny | exporter^year + importer^year" \\
                    --where "year in 1986,1990,1994,1998,2002,2006" --where "exporter != importer" --svg coefficients.svg
                Fixed effects are columns or interactions joined by ^ (fixest syntax); --where keeps rows (=, !=, <, <=, >, >=, in a,b,c).
                Rows with missing values, observations separated by the fixed effects (all-zero groups) and singletons are dropped and counted.
                Method, defaults and checks against pyfixest: docs/simulation.md.
                """)

        @Option(name: .long, help: "The panel (CSV, or CSV.gz).") var data: String
        @Option(name: .long, help: "The specification: \"outcome ~ x1 + log(x2) | fe1 + fe2^fe3\".") var formula: String
        @Option(name: .customLong("where"), help: "Keep rows where this holds (repeatable), e.g. \"exporter != importer\".") var filters: [String] = []
        @Option(name: .long, help: "Cluster standard errors by this variable (repeat for two-way), e.g. exporter^importer.") var cluster: [String] = []
        @Option(name: .long, help: "Standard errors: iid, hetero or cluster (default: cluster when --cluster is given, else iid).") var vcov: String?
        @Flag(name: .customLong("keep-singletons"), help: "Keep observations alone in a fixed-effect group (dropped by default, as pyfixest).") var keepSingletons = false
        @Option(name: .long, help: "Relative deviance change that ends the iterations (default 1e-10).") var tolerance: Double = 1e-10
        @Option(name: .customLong("max-iterations"), help: "IRLS iterations allowed (default 100).") var maxIterations: Int = 100
        @Option(name: .long, help: "Draw the coefficients with 95% intervals as SVG.") var svg: String?
        @Flag(name: .long, help: "Print each iteration on standard error.") var verbose = false
        @Option(name: .long, help: "Output format: table, json or csv.") var format: OutputFormat = .table

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            let study = try GravityStudy(
                formula: formula, clusters: cluster, vcov: vcov, keepSingletons: keepSingletons, tolerance: tolerance, maxIterations: maxIterations, place: "options")
            let spec = study.formula
            let panel = try GravityData.panel(at: data, where: filters)
            let interactive = isatty(2) == 1
            let verbose = self.verbose
            let started = Date()
            let estimate = try study.estimate(panel) { step in
                let line = String(format: "iteration %d: deviance %.6f, change %.2e, %d sweeps", step.iteration, step.deviance, step.criterion, step.sweeps)
                if verbose {
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                } else if interactive {
                    FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
                }
            }
            if interactive && !verbose { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let seconds = Date().timeIntervalSince(started)
            let rows = estimate.coefficients.map { c in
                [c.name, String(format: "%.6f", c.estimate), String(format: "%.6f", c.standardError), String(format: "%.3f", c.z), String(format: "%.4g", c.p)]
            }
            var footer = [
                "\(estimate.observations) observations; dropped \(estimate.dropped.missing) missing, \(estimate.dropped.separated) separated by the fixed effects, \(estimate.dropped.singletons) singletons",
                "fixed effects: " + (estimate.fixedEffects.isEmpty ? "none" : estimate.fixedEffects.map { "\($0.name) (\($0.levels))" }.joined(separator: ", ")),
                "standard errors: \(estimate.variance)" + (estimate.clusters.isEmpty ? "" : " by " + estimate.clusters.map { "\($0.name) (\($0.levels))" }.joined(separator: " and ")),
                String(format: "converged in %d iterations (relative deviance change %.1e) in %.3f s; deviance %.4f, pseudo-R² %.4f", estimate.iterations, estimate.criterion, seconds, estimate.deviance, estimate.pseudoR2),
            ]
            footer += estimate.notes
            if !estimate.collinear.isEmpty { footer.append("dropped as collinear with the fixed effects or other regressors: \(estimate.collinear.joined(separator: ", "))") }
            if let svg {
                try SVGCoefficientPlot(
                    title: "PPML: \(spec)",
                    points: estimate.coefficients.map { .init(label: $0.name, estimate: $0.estimate, standardError: $0.standardError) },
                    caption: "Tarif — PPML estimates with 95% intervals (\(estimate.variance) standard errors), \(estimate.observations) observations").write(to: svg)
                footer.append("Chart written to \(svg).")
            }
            try Output(format: format).emit(header: ["coefficient", "estimate", "std. error", "z", "p"], rows: rows, json: estimate, title: "PPML: \(spec)", footer: footer)
        }
    }
}
