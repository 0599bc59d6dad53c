/**
 * Safe reading of PyTorch checkpoints ({@code torch.save} files, zip and legacy formats) in pure
 * Java: a restricted unpickler that calls nothing but the tensor rebuild functions and OrderedDict,
 * with every size checked against the file. Depends on nothing of ours but
 * {@link org.compofa.io.FileFormatException}.
 */
package org.compofa.io.torch;
