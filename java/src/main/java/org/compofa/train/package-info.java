/**
 * Supernet training: the engine ({@link org.compofa.train.SupernetTrainer} running a
 * {@link org.compofa.train.Phase} step by step through {@link org.compofa.train.TrainingStep}),
 * BN recalibration and accuracy ({@link org.compofa.train.Evaluator}), the Fashion-MNIST recipe
 * (teacher, CompOFA compound, OFA progressive shrinking: {@link org.compofa.train.FashionRecipe}),
 * and the infrastructure below them: hyper-parameters, the learning-rate schedule, weight-decay
 * groups, checkpoints, progress and CSV logs.
 *
 * <p>Reading order: {@link org.compofa.train.TrainingConfig} (one phase, validated; presets in
 * {@link org.compofa.train.TrainingPreset}, scaled by {@link org.compofa.train.EpochBudget}) gives a
 * {@link org.compofa.train.LearningRateSchedule} and, through {@link org.compofa.train.SgdConfig}, a
 * {@link org.compofa.train.WeightDecayPolicy} that splits parameter names into
 * {@link org.compofa.train.ParameterGroups}. A run's position is a {@link org.compofa.train.RunState};
 * with the weights it forms a {@link org.compofa.train.Checkpoint}, written and verified by
 * {@link org.compofa.train.CheckpointFile} and rotated by {@link org.compofa.train.CheckpointStore}.
 * {@link org.compofa.train.ProgressBar} and {@link org.compofa.train.CsvLog} report progress.
 *
 * <p>Decisions, each documented on the type named:
 * <ul>
 *   <li>Learning rates are global; warm-up starts at the reference's per-GPU lr, which the presets
 *       fix from the reference launch (32 GPUs for OFA, 8 for CompOFA) (reference §10.11,
 *       {@link org.compofa.train.TrainingPreset}).
 *   <li>The schedule keeps the reference's off-by-one: warm-up counts {@code t + 1}, the cosine
 *       {@code t}, so warm-up ends exactly at {@code init_lr} and the cosine ends just above 0
 *       ({@link org.compofa.train.LearningRateSchedule}).
 *   <li>No-decay keys match by substring, as the reference; an empty key is rejected because it
 *       would exempt everything ({@link org.compofa.train.WeightDecayPolicy}).
 *   <li>All randomness derives from (seed, position), so a checkpoint needs only the position to
 *       resume exactly ({@link org.compofa.train.RunState}).
 *   <li>Checkpoints: own binary format with magic, version, declared length and CRC32C, atomic
 *       rename-into-place; a corrupt newest file is moved aside and the previous one used
 *       ({@link org.compofa.train.CheckpointFile}, {@link org.compofa.train.CheckpointStore}).
 *   <li>The teacher's forward during distillation runs with batch statistics and leaves its
 *       running statistics alone (the reference's {@code train()} mode under {@code no_grad}, minus
 *       the drift of its never-used running stats) ({@link org.compofa.train.TrainingStep}).
 *   <li>Gradients of the sampled subnets are summed, not averaged, before one optimizer step; every
 *       parameter steps every step (momentum and weight decay apply to slices no subnet touched),
 *       as the reference's PyTorch optimizer does once all grads exist.
 *   <li>Channel sorting runs at the start of each compound phase (CompOFA re-sorts at phase 2 too,
 *       §10.3, kept) and of each OFA expand phase (phase 2 protects the top 4x channels).
 * </ul>
 */
package org.compofa.train;
