#!/usr/bin/env bash
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
/work/bench/ab.sh
echo "== comm share full data $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
rm -rf /tmp/cs18c; mkdir -p /tmp/cs18c
ci/compofa.sh train teacher --out /tmp/cs18c --teacher-epochs 1 --train-limit 6400 --test-limit 1000 > /work/bench/out/cs-teacher-c.log 2>&1
( time mpirun --oversubscribe -np 2 ci/compofa.sh train compound --out /tmp/cs18c --compound-epochs 2 --test-limit 1000 ) > /work/bench/out/cs-compound-full.log 2>&1
grep -a "ranks\|averaging\|real" /work/bench/out/cs-compound-full.log
echo "== end $(date -u +%T)"
