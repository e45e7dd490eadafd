#!/usr/bin/env bash
# Backup/restore figures for BENCHMARKS.md ("Backup and restore"): fills a store (BackupBenchmark fill),
# then runs each step as its own JVM from the shipped jar, timed by /usr/bin/time (wall, user, sys, max RSS).
#   mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt && cp target/kms.jar /tmp/kms-backup-bench.jar
#   CP=target/test-classes:target/classes:$(cat cp.txt) scripts/bench-backup.sh /tmp/kms-bb 100000 1000000
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) for the PostgreSQL steps.
set -u
CP=${CP:?test and main classes plus dependencies, see above}
B=${1:?work directory}; KEYS=${2:-100000}; RECEIPTS=${3:-1000000}
JAR=${KMS_JAR:-/tmp/kms-backup-bench.jar}   # a copy of target/kms.jar: a rebuild must not pull it away
MK=$B/source/master.key
T="/usr/bin/time -f %e_wall_s_%U_user_s_%S_sys_s_%M_maxrss_KB"
step() { local name=$1; shift; echo "== $name  load $(cut -d' ' -f1 /proc/loadavg)"; $T java -jar $JAR "$@" 2>&1 | grep -v "^kms:   " | cut -c1-200; }
rm -rf $B/source $B/r1 $B/r2 $B/b1.kmsbak $B/b2.kmsbak
echo "== fill $KEYS keys, $RECEIPTS receipts"
java -cp "$CP" com.zeroui.kms.bench.BackupBenchmark fill $B/source $KEYS $RECEIPTS 2>&1 | grep -v " INFO "
step "create sqlite" backup create --data-dir $B/source --out $B/b1.kmsbak
ls -l $B/b1.kmsbak
step "verify" backup verify $B/b1.kmsbak --master-key $MK
step "restore sqlite->sqlite" backup restore $B/b1.kmsbak --data-dir $B/r1 --master-key $MK
echo "== serve on restored sqlite  load $(cut -d' ' -f1 /proc/loadavg)"
start=$(date +%s.%N)
java -jar $JAR serve --data-dir $B/r1 --port 0 > $B/serve.log 2>&1 &
pid=$!
until grep -q "listening on" $B/serve.log; do sleep 0.2; if ! kill -0 $pid 2>/dev/null; then cat $B/serve.log | tail -5; break; fi; done
echo "listening after $(echo "$(date +%s.%N) - $start" | bc) s"
kill $pid; wait $pid 2>/dev/null
DB=kms_backup_bench_$$
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
step "restore sqlite->postgresql" backup restore $B/b1.kmsbak --data-dir $B/r2 --master-key $MK --database-url jdbc:postgresql://127.0.0.1:5432/$DB --database-user postgres
step "create postgresql" backup create --data-dir $B/r2 --database-url jdbc:postgresql://127.0.0.1:5432/$DB --database-user postgres --out $B/b2.kmsbak
ls -l $B/b2.kmsbak
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB"
echo "== done"
