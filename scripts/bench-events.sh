#!/usr/bin/env bash
# Event cost: same jar, three server configurations, alternating, 3 rounds; sign/verify EdDSA at 16 clients.
set -u
JAR=${JAR:-/tmp/kms-events-bench.jar}   # a copy of target/kms.jar: a rebuild must not pull it from under the servers
OUT=${OUT:-/tmp/bench-events}
mkdir -p $OUT
run_config() {  # name port extra-args...
  local name=$1 port=$2; shift 2
  local dir=/tmp/bench-ev-$name; rm -rf $dir
  java -jar $JAR serve --data-dir $dir --port $port "$@" > $OUT/server-$name.log 2>&1 &
  local pid=$!
  for i in $(seq 1 60); do grep -q 'listening' $OUT/server-$name.log && break; sleep 1; done
  java -jar $JAR bench --url https://127.0.0.1:$port --data-dir $dir --duration 8 --warmup 6 \
       --operations sign-eddsa,verify-eddsa > $OUT/round$ROUND-$name.txt 2>&1
  kill $pid; wait $pid 2>/dev/null
}
for ROUND in 1 2 3; do
  run_config all 18951
  run_config nosig 18952 --events key_generated,key_rotated,key_revoked,trust_anchor_updated,policy_violation
  run_config nats 18953 --nats-url nats://127.0.0.1:4222 --nats-stream KMS_EVENTS_BENCH
done
echo done
