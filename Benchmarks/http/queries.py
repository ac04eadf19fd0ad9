"""Writes the duty questions the HTTP benchmark asks: real lines of every loaded MFN schedule
(those with a rate of their own), each with an origin drawn from trading partners of different
standing (FTA partners, GSP beneficiaries, MFN-only, column 2), one per line of output as a
request path. Usage: queries.py DATABASE COUNT > paths.txt"""
import random
import sqlite3
import sys

database, count = sys.argv[1], int(sys.argv[2])
random.seed(8)
origins = ["VNM", "IDN", "MEX", "CHN", "DEU", "JPN", "KOR", "AUS", "BRA", "IND", "THA", "MYS", "CUB", "CAN", "ZAF"]
db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
latest = db.execute(
    "select s.id, s.importer from schedule s where s.series = s.importer || '-MFN' "
    "and s.valid_from = (select max(valid_from) from schedule t where t.series = s.series)").fetchall()
questions = []
for schedule_id, importer in latest:
    codes = [r[0] for r in db.execute(
        "select distinct code from rate where schedule_id = ? and kind = 'mfn' and length(replace(code, '.', '')) >= 8 and code not like '99%'", (schedule_id,))]
    for code in random.sample(codes, min(len(codes), count // len(latest))):
        origin = random.choice([o for o in origins if o != importer])
        questions.append(f"/v1/duty?importer={importer}&code={code}&origin={origin}&on=2026-03-01&value=10000")
random.shuffle(questions)
sys.stdout.write("\n".join(questions) + "\n")
