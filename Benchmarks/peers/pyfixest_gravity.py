"""Runs pyfixest's fepois on the gravity specifications in gravity_specs.json.

Prints one JSON object per specification: coefficients, standard errors, observations and
the seconds fepois took (data already in memory; best of --repeat runs), and the process's
peak resident memory. Used to record the parity fixture (Tests/.../pyfixest_gravity.json)
and by Benchmarks/run to time the peer.

    python pyfixest_gravity.py --data ../shared/data [--only NAME] [--repeat 3] [--panel FILE]
"""
import argparse, json, re, resource, sys, time

import numpy as np
import pandas as pd
import pyfixest as pf


def load(path, where):
    df = pd.read_csv(path)
    for w in where:
        m = re.fullmatch(r"\s*(\w+)\s+in\s+(.+)", w)
        if m:
            col, values = m.group(1), [float(v) for v in m.group(2).split(",")]
            df = df[df[col].isin(values)]
            continue
        m = re.fullmatch(r"\s*(\w+)\s*(!=|==|=)\s*(\w+)\s*", w)
        col, op, other = m.groups()
        rhs = df[other] if other in df.columns else type(df[col].iloc[0])(other)
        df = df[df[col] != rhs] if op == "!=" else df[df[col] == rhs]
    return df.reset_index(drop=True)


def to_pyfixest(formula, df):
    """log(x) becomes a precomputed column log_x (pyfixest names it so)."""
    for col in re.findall(r"log\((\w+)\)", formula):
        df["log_" + col] = np.log(df[col])
    return re.sub(r"log\((\w+)\)", r"log_\1", formula)


def run(spec, data_dir, repeat, panel=None):
    df = load(panel or f"{data_dir}/{spec['data']}", spec["where"])
    fml = to_pyfixest(spec["formula"], df)
    cluster = spec.get("cluster")
    if cluster:
        # "a^b" is an interaction (a new column); "x+y" two-way clustering.
        names = []
        for part in cluster.split("+"):
            cols = part.split("^")
            if len(cols) > 1:
                df["_".join(cols)] = df[cols].astype(str).agg("_".join, axis=1)
            names.append("_".join(cols))
        cluster = "+".join(names)
    vcov = {"CRV1": cluster} if cluster else "iid"
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        fit = pf.fepois(fml, data=df, vcov=vcov)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    coefs = fit.coef()
    ses = fit.se()
    names = [re.sub(r"^log_(\w+)$", r"log(\1)", n) for n in coefs.index]
    return {
        "name": spec["name"],
        "formula": spec["formula"],
        "pyfixest": pf.__version__,
        "observations": int(fit._N),
        "coefficients": {n: float(c) for n, c in zip(names, coefs.values)},
        "standard_errors": {n: float(s) for n, s in zip(names, ses.values)},
        "seconds": best,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--specs", default=__file__.replace("pyfixest_gravity.py", "gravity_specs.json"))
    ap.add_argument("--only")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--panel", help="run --only on this CSV instead of the spec's data")
    a = ap.parse_args()
    specs = json.load(open(a.specs))
    if a.only:
        specs = [s for s in specs if s["name"] == a.only] or [
            {"name": a.only, "data": a.panel, "formula": "trade ~ rta | exporter^year + importer^year + exporter^importer", "where": [], "cluster": "exporter^importer"}]
    out = [run(s, a.data, a.repeat, a.panel) for s in specs]
    json.dump(out if len(out) > 1 else out[0], sys.stdout, indent=1)
    print()
