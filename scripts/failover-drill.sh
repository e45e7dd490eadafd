#!/usr/bin/env bash
# Failover drill: kill the PostgreSQL primary (Patroni and postmaster, SIGKILL) under signing load on
# two kms nodes, ROUNDS times on one loopback cluster (FailoverDrillIT), and print the figures.
#   scripts/failover-drill.sh [ROUNDS]      default 5; needs patroni, etcd and PostgreSQL binaries
# Each round checks that every acknowledged key and receipt survived, the audit log verifies and both
# nodes serve again; a failed check fails the script. Per-round figures: target/failover-drill/figures.tsv
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
mkdir -p target/failover-drill
rm -f target/failover-drill/figures.tsv
log=target/failover-drill/mvn.log
echo "failover drill: $rounds round(s), log in $log" >&2
if ! mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FailoverDrillIT \
    -Dkms.drill.rounds="$rounds" > "$log" 2>&1; then
  grep -E "failover drill round|Tests run|FAIL|AssertionError|Expect" "$log" | head -40 >&2
  echo "failover drill FAILED (see $log)" >&2
  exit 1
fi
grep "failover drill round" "$log"
awk -F'\t' '
  NR == 1 { next }
  { n++; out[n] = $5; rec[n] = $6; ok += $7 + $9; un += $8 + $10; keys += $11; receipts += $12
    if ($13 > longest) longest = $13 }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "rounds %d\n", n
    m = median(out, n)  # sorts out[]: out[1] and out[n] are then the range
    printf "outage window (first failure to first success): median %.0f ms, range %d-%d ms\n", m, out[1], out[n]
    m = median(rec, n)
    printf "kill to first success: median %.0f ms, range %d-%d ms\n", m, rec[1], rec[n]
    printf "requests: %d acknowledged, %d retryable 503, 0 other (any other answer fails the drill); longest %d ms\n", ok, un, longest
    printf "acknowledged and found after failover: %d keys, %d receipts\n", keys, receipts
  }' target/failover-drill/figures.tsv
