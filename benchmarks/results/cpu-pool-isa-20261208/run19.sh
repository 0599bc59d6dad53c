#!/usr/bin/env bash
# Side-by-side #19 benchmarks on one quiet machine: before (0eab820: OpenMP passive, AVX2) vs after (pool + AVX-512), peers.
set -u
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
BEFORE=/tmp/cpubuild/lib
AFTER=/work/main/build/lib
CP="java/target/compofa-0.1.0-SNAPSHOT.jar:bindings/target/compofa-bindings-0.1.0-SNAPSHOT.jar:java/target/lib/*"
J="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED"
OUT=/work/bench/out; mkdir -p $OUT
echo "== start $(date -u) load $(cat /proc/loadavg)"
# 1. compound step: ours before (its default was OMP_WAIT_POLICY=passive), ours after (no env), libtorch at its defaults
for lib in after before spin0; do
  if [ $lib = before ]; then envs="OMP_WAIT_POLICY=passive COMPOFA_LIBRARY_PATH=$BEFORE"; elif [ $lib = spin0 ]; then envs="COMPOFA_LIBRARY_PATH=/tmp/spin0/lib"; else envs="COMPOFA_LIBRARY_PATH=$AFTER"; fi
  env $envs SKIP_BUILD=1 CALM_WAIT=0 benchmarks/run-jmh.sh '\.CompoundStepBenchmark' -p net=fashion,imagenet-r128 -p fused=true -wi 2 -w 5 -i 5 -r 5 > $OUT/step-$lib.log 2>&1
  grep -E "^CompoundStep|Benchmark " $OUT/step-$lib.log | tail -4
done
env COMPOFA_LIBRARY_PATH=$AFTER SKIP_BUILD=1 CALM_WAIT=0 benchmarks/run-jmh.sh 'TorchCompoundStep' -p net=fashion,imagenet-r128 -p format=nchw,channels-last -wi 2 -w 5 -i 5 -r 5 > $OUT/step-torch.log 2>&1
grep -E "^TorchCompoundStep|Benchmark " $OUT/step-torch.log | tail -6
echo "== ort $(date -u) load $(cat /proc/loadavg)"
# 2. inference vs ORT, batch 1 and 64, before and after
$J -Dcompofa.library.path=$AFTER -cp "$CP" org.compofa.latency.OrtComparison $OUT/ort-after.csv --threads 2 --rounds 4 --fused yes > $OUT/ort-after.log 2>&1
env OMP_WAIT_POLICY=passive $J -Dcompofa.library.path=$BEFORE -cp "$CP" org.compofa.latency.OrtComparison $OUT/ort-before.csv --threads 2 --rounds 4 --fused yes > $OUT/ort-before.log 2>&1
echo "== dw $(date -u) load $(cat /proc/loadavg)"
# 3. depthwise vs copy bandwidth, 2 threads, both ISAs of the after build, 3 rounds
for round in 1 2 3; do for isa in avx2 avx512; do
  LD_LIBRARY_PATH=$AFTER build/bin/compofa_bench --isa $isa --ops copy_buffer --reps 3 | sed "s/^/$isa,/" >> $OUT/dw.csv
  for sh in st1a_n64_112x112_c96/96_k3/7_s2_none st1b_n64_56x56_c144/144_k3/7_s1_none st2a_n64_56x56_c144/144_k5/7_s2_none st2b_n64_28x28_c240/240_k5/7_s1_none; do
    LD_LIBRARY_PATH=$AFTER build/bin/compofa_bench --isa $isa --ops dwconv --shapes $sh --reps 3 | sed "s/^/$isa,/" >> $OUT/dw.csv
  done; done; done
echo "== end $(date -u) load $(cat /proc/loadavg)"
