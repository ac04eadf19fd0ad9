"""Runs gegravity's OneSectorGE (Herman) on the 30-country 2006 sample for the experiments
in ge_experiments.json, with the trade-cost coefficients of pyfixest's fepois
(specification "ge_sample" in gravity_specs.json), sigma 5, reference importer DEU.

Prints JSON: the coefficients used and, per experiment, every country's results and the
seconds gegravity took (model build, baseline, experiment and simulation; best of --repeat).

    python gegravity_ge.py --data ../shared/data [--repeat 3] [--tolerance 1e-12]
"""
import argparse, io, json, contextlib, time, warnings, sys, os

import pandas as pd
import gegravity as ge

sys.path.insert(0, os.path.dirname(__file__))
import pyfixest_gravity as pg

warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tolerance", type=float, default=1e-8, help="gegravity's mr_tolerance and ge_tolerance")
    a = ap.parse_args()
    here = os.path.dirname(__file__)
    spec = [s for s in json.load(open(os.path.join(here, "gravity_specs.json"))) if s["name"] == "ge_sample"][0]
    experiments = json.load(open(os.path.join(here, "ge_experiments.json")))
    est = pg.run(spec, a.data, 1)
    coeffs = est["coefficients"]
    variables = list(coeffs)
    data = pd.read_csv(f"{a.data}/{spec['data']}")
    out = {"gegravity": "0.3", "sigma": experiments["sigma"], "reference_importer": experiments["reference_importer"],
           "coefficients": coeffs, "experiments": []}
    for exp in experiments["experiments"]:
        best = None
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                baseline = ge.BaselineData(data, imp_var_name="importer", exp_var_name="exporter", year_var_name="year",
                                           trade_var_name="trade", expend_var_name="E", output_var_name="Y")
                cost = ge.CostCoeffs(estimates=pd.DataFrame([{"var": v, "coeff": coeffs[v], "ste": 0.0} for v in variables]),
                                     identifier_col="var", coeff_col="coeff", stderr_col="ste")
                model = ge.OneSectorGE(baseline, year="2006", expend_var_name="E", output_var_name="Y",
                                       cost_coeff_values=cost, cost_variables=variables,
                                       reference_importer=experiments["reference_importer"], sigma=experiments["sigma"], quiet=True)
                model.build_baseline(omr_rescale=100, mr_tolerance=a.tolerance)
                exp_data = model.baseline_data.copy()
                for shock in exp["shocks"]:
                    countries = shock["countries"]
                    mask = exp_data["exporter"].isin(countries) & exp_data["importer"].isin(countries) & (exp_data["exporter"] != exp_data["importer"])
                    exp_data.loc[mask, shock["variable"]] = shock["value"]
                model.define_experiment(exp_data)
                model.simulate(ge_tolerance=a.tolerance)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        results = model.country_results
        countries = {}
        for c in results.index:
            row = results.loc[c]
            countries[c] = {k: float(v) for k, v in row.items()}
        out["experiments"].append({"name": exp["name"], "shock": exp["tarif_shock"], "seconds": best,
                                   "converged": all(d.success for d in model.solver_diagnostics.values()),
                                   "countries": countries})
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
