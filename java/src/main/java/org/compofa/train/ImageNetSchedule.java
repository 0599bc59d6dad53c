package org.compofa.train;

import org.compofa.space.ResolutionSet;

/**
 * The defaults of the {@code imagenet} preset ({@code compofa train --preset imagenet}): the
 * reference's ImageNet schedule (shared/docs/compofa-reference.md), sized for one GPU. Every number
 * not listed here (SGD-Nesterov 0.9, weight decay 3e-5 off BN and bias, label smoothing 0.1, dropout
 * 0.1, cosine decay, the phases' warm-up) already comes from {@link TrainingPreset} (reference lines
 * 304-306 and 35); learning rates scale linearly from the reference's global batch 2048 to
 * {@link #BATCH}, as the Fashion recipe does (line 306: {@code init_lr = base_lr x num_gpus}).
 *
 * <p>Decision: one GPU's batch is CompOFA's per-GPU batch ({@code base_batch_size=256}, line 310), so
 * the teacher's lr is 2.6 x 256/2048 = 0.325 and the compound phases' 0.01 / 0.03 (lines 317, 337-338).
 */
public final class ImageNetSchedule {
    /** Width multiplier of the released CompOFA supernet. */
    public static final double WIDTH = 1.0;
    /** Training resolutions 128..224 step 4 (line 250: {@code image_size='128,160,192,224'}, continuous). */
    public static final ResolutionSet RESOLUTIONS = ResolutionSet.TRAINING;
    /** Images per step: CompOFA's per-GPU batch (line 310). */
    public static final int BATCH = 256;
    /** Teacher epochs: CompOFA's {@code teacher} task (line 317). */
    public static final int TEACHER_EPOCHS = 180;
    /** Compound epochs over both phases: 25 + 120 + 5 warm-up (lines 337-338). */
    public static final int COMPOUND_EPOCHS = 150;
    /** The reference's compound lrs, batch-scaled, unchanged (the Fashion x3 is a short-schedule fix). */
    public static final double COMPOUND_LR_SCALE = 1.0;

    private ImageNetSchedule() {
    }
}
