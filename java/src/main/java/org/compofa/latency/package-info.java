/**
 * Measured inference latency of subnets: {@link org.compofa.latency.SubnetTimer} engines (our
 * backend through {@link org.compofa.latency.LatencyMeasurer}, ONNX Runtime on the CPU through
 * {@link org.compofa.latency.OnnxRuntimeLatency}, which needs the optional ONNX Runtime dependency:
 * {@link org.compofa.export.OnnxRuntime}), whole-space tables
 * ({@link org.compofa.latency.LatencyTableBuilder}, {@link org.compofa.latency.LatencyTable}) and the
 * side-by-side check of the two engines ({@link org.compofa.latency.OrtComparison}).
 */
package org.compofa.latency;
