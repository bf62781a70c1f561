#!/bin/sh
# bench/bio/run.sh — the repository's benchmarks (docs/benchmarks.md):
# the fp-open-set protocol on FVC2002 DB1-4_B, then enrolment with
# de-duplication against 10k, 100k (and, with FULL=1, 1M) gallery fingers.
# Usage: bench/bio/run.sh [BUILD_DIR]   (from the repository root)
set -eu
B=${1:-build}/bench/bio/bio_bench
D=../shared/data/fingerprints/fvc2002
SETS="$D/DB1_B $D/DB2_B $D/DB3_B $D/DB4_B"
$B open-set $SETS
# 1:1 eKYC: the biometric work of a request, one and two fingers
$B verify 200 1 --dir $D/DB1_B
$B verify 200 2 --dir $D/DB1_B
$B dedup --fingers 10000 --probes 50 --store "${TMPDIR:-/tmp}/bio_bench_10k.db" $SETS
$B dedup --fingers 100000 --probes 20 --store "${TMPDIR:-/tmp}/bio_bench_100k.db" $SETS
if [ "${FULL:-0}" = 1 ]; then
	$B dedup --fingers 1000000 --probes 5 $SETS
fi
