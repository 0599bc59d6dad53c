/**
 * Export of a chosen subnet as a standalone model: {@link org.compofa.export.ModelFile} (our format:
 * architecture, contiguous weights, checksum; loads for inference) and
 * {@link org.compofa.export.OnnxExporter} (ONNX opset 17), checked by
 * {@link org.compofa.export.OnnxVerifier} in ONNX Runtime against our own logits. ONNX Runtime is an
 * optional dependency: {@link org.compofa.export.OnnxRuntime} is the one gate to it (writing ONNX
 * never needs it; running ONNX throws {@link org.compofa.export.OnnxRuntimeMissingException} naming
 * what to add when it is absent).
 */
package org.compofa.export;
