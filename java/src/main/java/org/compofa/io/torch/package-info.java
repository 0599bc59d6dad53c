/**
 * PyTorch checkpoints ({@code torch.save} files) in pure Java. Reading, safely, both formats (zip and
 * legacy): a restricted unpickler that calls nothing but the tensor rebuild functions and
 * OrderedDict, with every size checked against the file. Writing a state dict in the zip format,
 * laid out as torch.save lays it out ({@link org.compofa.io.torch.TorchCheckpointWriter}). Depends
 * on nothing of ours but {@link org.compofa.io.FileFormatException} and, for atomic writes,
 * {@link org.compofa.report.AtomicFiles}.
 */
package org.compofa.io.torch;
