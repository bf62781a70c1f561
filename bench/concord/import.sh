#!/bin/sh
# bench/concord/import.sh [ROWS] — import throughput of a council register:
# ROWS rows (default 100000) made from ../shared/data/linkage/names (given
# and family names drawn with a fixed awk seed, a father from the same
# lists, dates in the four council forms, one row in 500 broken), imported
# into a fresh SQLite store with `shanakht concord import`, then imported
# again (idempotent: every row unchanged). Prints rows/s of each.
set -eu
ROWS=${1:-100000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${SHANAKHT_BIN:-$ROOT/build/src/shanakht}
NAMES=$ROOT/../shared/data/linkage/names
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
awk -v rows="$ROWS" -v F="$NAMES/faker_en_PK_first_names.txt" -v L="$NAMES/faker_en_PK_last_names.txt" '
BEGIN {
	srand(20);
	while ((getline l < F) > 0) first[nf++] = l;
	while ((getline l < L) > 0) last[nl++] = l;
	print "RegNo,Name,Father,Date of birth,Sex";
	for (i = 1; i <= rows; i++) {
		g = first[int(rand() * nf)]; s = last[int(rand() * nl)];
		f = first[int(rand() * nf)] " " s;
		y = 1940 + int(rand() * 80); m = 1 + int(rand() * 12); d = 1 + int(rand() * 28);
		k = i % 4;
		if (i % 500 == 0) dob = "31-02-" y;
		else if (k == 0) dob = sprintf("%02d-%02d-%04d", d, m, y);
		else if (k == 1) dob = sprintf("%02d/%02d/%04d", d, m, y);
		else if (k == 2) dob = sprintf("%04d-%02d-%02d", y, m, d);
		else dob = "01-01-" y;
		printf "R%d,\"%s %s\",%s,%s,%s\r\n", i, g, s, f, dob, (rand() < 0.5 ? "m" : "f");
	}
}' > "$TMP/reg.csv"
cat > "$TMP/map.txt" <<MAP
register_no = RegNo
name = Name
father = Father
dob = Date of birth
sex = Sex
council_code = PB-LHR-01-003
MAP
for pass in first again; do
	t0=$(date +%s.%N)
	"$BIN" concord import --db "sqlite:$TMP/db.sqlite" --mapping "$TMP/map.txt" "$TMP/reg.csv" \
		2>"$TMP/err" | tail -1
	t1=$(date +%s.%N)
	echo "$pass: $(awk -v a="$t0" -v b="$t1" -v n="$ROWS" 'BEGIN { printf "%.2f s, %.0f rows/s", b - a, n / (b - a) }')"
done
