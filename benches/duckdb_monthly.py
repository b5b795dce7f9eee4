"""The yardstick for `monthly` (and, with MONTHS = 12, for `techniques`): DuckDB loading the
same two CSVs, keeping the latest feedback per session, and running the monthly groupings
(totals, by technique, by therapist, by region, by day) over the MONTHS calendar months ending
with YYYY-MM (default 1). Prints the wall time in seconds.
Usage: duckdb_monthly.py DIR YYYY-MM [MONTHS]"""
import sys
import time

import duckdb

folder, month = sys.argv[1], sys.argv[2]
months = int(sys.argv[3]) if len(sys.argv) > 3 else 1
start = time.perf_counter()
con = duckdb.connect()
con.execute(f"""
create table s as select * from read_csv('{folder}/sessions.csv', header=true);
create table f as select *, row_number() over () as line
  from read_csv('{folder}/feedback.csv', header=true, types={{'submitted': 'VARCHAR'}});
create table fb as select * from f
  qualify row_number() over (partition by session_id order by submitted[1:10] desc, line desc) = 1;
create table v as select s.*, fb.soreness_hours, fb.pain_followup, fb.mobility, fb.satisfaction,
  fb.session_id is not null as has_feedback
  from s left join fb using (session_id)
  where s.date >= date '{month}-01' - interval ({months} - 1) month
    and s.date < date '{month}-01' + interval 1 month;
""")
outcome = """count(*), count(distinct client_id), sum(duration_min),
  sum(fee), count(*) filter (has_feedback),
  count(soreness_hours), avg(soreness_hours), median(soreness_hours),
  quantile_cont(soreness_hours, 0.9), avg((soreness_hours > 48)::int),
  count(pain_before - pain_followup), avg(pain_before - pain_followup), stddev_samp(pain_before - pain_followup),
  count(*) filter (pain_before > 0 and pain_followup is not null),
  count(*) filter (pain_before > 0 and pain_followup is not null and (pain_before - pain_followup) / pain_before >= 0.3),
  avg(pain_before - pain_after), avg(satisfaction), avg((mobility >= 4)::int)"""
for q in [
    f"select {outcome} from v",
    f"select technique, {outcome} from v group by technique",
    f"select therapist, {outcome} from v group by therapist",
    "select r, count(*) from (select unnest(string_split(body_region, ';')) r from v) group by r",
    "select date, count(*) from v group by date",
    """select count(*) filter (first_date >= min_month) from
       (select client_id, min(date) first_date from s group by client_id) c
       join (select distinct client_id, min(date) over () min_month from v) p using (client_id)""",
]:
    con.execute(q).fetchall()
print(f"{time.perf_counter() - start:.3f}")
