/**
 * Export of a chosen subnet as a standalone model: {@link org.compofa.export.ModelFile} (our format:
 * architecture, contiguous weights, checksum; loads for inference) and
 * {@link org.compofa.export.OnnxExporter} (ONNX opset 17), checked by
 * {@link org.compofa.export.OnnxVerifier} in ONNX Runtime against our own logits.
 */
package org.compofa.export;
