#!/usr/bin/env bash
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
CP="java/target/compofa-0.1.0-SNAPSHOT.jar:bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar:java/target/lib/*"
for r in 1 2; do for v in after spin0; do
  lib=/work/main/build/lib; [ $v = spin0 ] && lib=/tmp/spin0/lib
  echo "== $v round $r $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -Dcompofa.library.path=$lib -cp "$CP" org.compofa.latency.OrtComparison /work/bench/out/ab-$v-$r.csv --threads 2 --rounds 4 --fused yes 2>&1 | grep -E "^d[0-9]" | awk '{printf "%s b%s ours %s ort %s ratio %s\n", substr($1,1,6), $2, $3, $4, $5}'
done; done
