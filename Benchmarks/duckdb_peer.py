"""The DuckDB peer for duty resolution: the same look-up as a prepared statement over the
same tables (US MFN and special rates; programs each origin is eligible for on the day):
the lowest ad valorem rate among MFN and the origin's eligible programs on a line."""
import sys, time, csv
import duckdb

d = sys.argv[1]
con = duckdb.connect()
con.execute(f"CREATE TABLE rates AS SELECT * FROM read_csv('{d}/rates.csv', header=true, all_varchar=true)")
con.execute("CREATE TABLE r AS SELECT code, program, CAST(percent AS DOUBLE) AS percent FROM rates")
con.execute(f"CREATE TABLE elig AS SELECT * FROM read_csv('{d}/eligibility.csv', header=true, all_varchar=true)")
queries = [(row["origin"], row["code"]) for row in csv.DictReader(open(f"{d}/queries.csv"))]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
sql = """SELECT min(percent) FROM r WHERE code = $code AND percent >= 0
         AND (program = '' OR program IN (SELECT program FROM elig WHERE origin = $origin))"""
stmt = con.cursor()
for origin, code in queries[:500]:  # warm-up
    stmt.execute(sql, {"code": code, "origin": origin}).fetchone()
start = time.perf_counter()
for origin, code in queries[:n]:
    stmt.execute(sql, {"code": code, "origin": origin}).fetchone()
elapsed = time.perf_counter() - start
print(f"duckdb {duckdb.__version__} prepared statement: {n} look-ups in {elapsed:.3f} s = {n / elapsed:.0f} per second on one core")
