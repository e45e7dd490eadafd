#!/usr/bin/env bash
# FIPS mode cost: the same jar as a default-mode server and as a --fips server, alternating, 3 rounds,
# one bench client (default mode) against each. Compare server CPU µs/op between the two: the ratio
# holds when other processes share the cores, the absolute ops/s do not.
set -u
JAR=${JAR:-/tmp/kms-fips-bench.jar}   # a copy of target/kms.jar: a rebuild must not pull it from under the servers
OUT=${OUT:-/tmp/bench-fips}
OPS=${OPS:-sign-eddsa,sign-rs256,verify-eddsa,encrypt-aes-gcm,decrypt-aes-gcm,keygen-ed25519}
mkdir -p $OUT
run_config() {  # name port extra-serve-args...
  local name=$1 port=$2; shift 2
  local dir=/tmp/bench-fips-$name; rm -rf $dir
  java -jar $JAR serve --data-dir $dir --port $port "$@" > $OUT/server-$name.log 2>&1 &
  local pid=$!
  for i in $(seq 1 120); do grep -q 'listening' $OUT/server-$name.log && break; sleep 1; done
  java -jar $JAR bench --url https://127.0.0.1:$port --data-dir $dir --duration ${DURATION:-5} --warmup ${WARMUP:-5} \
       --operations $OPS > $OUT/round$ROUND-$name.txt 2>&1
  kill $pid; wait $pid 2>/dev/null
}
for ROUND in 1 2 3; do
  run_config default 18971
  run_config fips 18972 --fips
done
echo done
