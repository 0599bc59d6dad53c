/**
 * The safetensors format (an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data): a writer and a safe reader of state
 * dicts held as {@link org.compofa.io.torch.TorchTensor}s. The reader checks every length and offset
 * against the file before allocating. Depends on {@link org.compofa.io}, {@code io.torch}'s tensor
 * record, jackson-jr for the header JSON (strict: bounded nesting, no duplicate keys) and, for
 * atomic writes, {@link org.compofa.report.AtomicFiles}.
 */
package org.compofa.io.safetensors;
