"""Writes a synthetic gravity panel for the PPML benchmark: COUNTRIES × COUNTRIES pairs
(intranational flows included) × YEARS years, with exporter-year, importer-year and pair
effects, an RTA dummy switching on for a fifth of the pairs, and Poisson-drawn flows (so
with zeros). Deterministic (seed 7).

    python make_panel.py OUT.csv [COUNTRIES=200] [YEARS=20]
"""
import sys
import numpy as np

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
t = int(sys.argv[3]) if len(sys.argv) > 3 else 20
rng = np.random.default_rng(7)
names = np.array([f"C{i:03d}" for i in range(n)])
e = np.repeat(np.arange(n), n * t)
m = np.tile(np.repeat(np.arange(n), t), n)
y = np.tile(np.arange(t), n * n)
size = rng.normal(0, 1.5, n)
exp_year = size[:, None] + rng.normal(0, 0.1, (n, t)).cumsum(axis=1)
imp_year = size[:, None] + rng.normal(0, 0.1, (n, t)).cumsum(axis=1)
pos = rng.uniform(0, 10, (n, 2))
dist = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2)) + 0.5
pair = -1.0 * np.log(dist) + rng.normal(0, 0.5, (n, n)) + 2.0 * np.eye(n)
start = np.where(rng.uniform(size=(n, n)) < 0.2, rng.integers(0, t, (n, n)), t + 1)
start = np.minimum(start, start.T)
np.fill_diagonal(start, t + 1)
rta = (y >= start[e, m]).astype(np.int8)
mu = np.exp(1.0 + exp_year[e, y] + imp_year[m, y] + pair[e, m] + 0.4 * rta)
trade = rng.poisson(mu)
with open(out, "w") as f:
    f.write("exporter,importer,year,trade,rta\n")
    ey = names[e]; im = names[m]
    for i in range(0, len(e), 200000):
        sl = slice(i, i + 200000)
        rows = np.column_stack([ey[sl], im[sl], (2000 + y[sl]).astype(str), trade[sl].astype(str), rta[sl].astype(str)])
        f.write("\n".join(",".join(r) for r in rows) + "\n")
print(f"{out}: {len(e)} rows, {np.mean(trade == 0):.1%} zero flows")
