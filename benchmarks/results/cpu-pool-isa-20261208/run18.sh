#!/usr/bin/env bash
set -u
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
CP="java/target/compofa-0.1.0-SNAPSHOT.jar:bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar:java/target/lib/*"
echo "== ort spin0 $(date -u) load $(cat /proc/loadavg)"
$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -Dcompofa.library.path=/tmp/spin0/lib -cp "$CP" org.compofa.latency.OrtComparison /work/bench/out/ort-spin0.csv --threads 2 --rounds 4 --fused yes > /work/bench/out/ort-spin0.log 2>&1
echo "== comm share $(date -u) load $(cat /proc/loadavg)"
rm -rf /tmp/cs18
ci/compofa.sh train teacher --out /tmp/cs18 --teacher-epochs 1 --train-limit 6400 --test-limit 1000 > /work/bench/out/cs-teacher.log 2>&1
( time mpirun --oversubscribe -np 2 ci/compofa.sh train compound --out /tmp/cs18 --compound-epochs 2 --train-limit 6400 --test-limit 1000 ) > /work/bench/out/cs-compound.log 2>&1
grep -a "ranks\|averaging\|real" /work/bench/out/cs-compound.log
echo "== end $(date -u) load $(cat /proc/loadavg)"
