package org.compofa.runtime;

import java.util.List;
import java.util.Map;
import org.compofa.bindings.InvalidArgumentException;

/**
 * Which CUDA device a process opens: the one asked for ({@value #DEVICE_PROPERTY} or the CLI's
 * {@code --device}), else, in a process started by an MPI launcher, its local rank (one process per
 * GPU, as Horovod's {@code torch.cuda.set_device(hvd.local_rank())} does), else device 0.
 *
 * @param device the CUDA device ordinal
 * @param reason why, in words
 */
public record DevicePlacement(int device, String reason) {
    /** System property: the CUDA device ordinal to open, overriding the local rank. */
    public static final String DEVICE_PROPERTY = "compofa.device";

    /**
     * Variables holding the node-local rank: Open MPI, MPICH's Hydra, MVAPICH, Slurm's srun. Read only
     * when an MPI launcher started the process ({@link Communicator#LAUNCHER_VARIABLES}).
     */
    public static final List<String> LOCAL_RANK_VARIABLES = List.of("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID",
            "MV2_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID");

    /**
     * Chooses the device.
     *
     * @param requested   the device asked for (property or option), or null / blank
     * @param environment environment variables, name to value
     * @param deviceCount CUDA devices visible to this process, at least 1
     * @return the device and why
     * @throws InvalidArgumentException for a requested device that is not a visible ordinal, or a local
     *                                  rank beyond the visible devices
     */
    public static DevicePlacement choose(String requested, Map<String, String> environment, int deviceCount) {
        if (requested != null && !requested.isBlank()) {
            int d = parse(requested.strip(), "device " + requested.strip());
            if (d < 0 || d >= deviceCount) {
                throw new InvalidArgumentException("CUDA device " + d + ": allowed 0.." + (deviceCount - 1) + " ("
                        + deviceCount + " visible to this process)");
            }
            return new DevicePlacement(d, "requested device " + d);
        }
        if (Communicator.launcher(environment).isEmpty()) {
            return new DevicePlacement(0, "device 0 (one process)");
        }
        for (String name : LOCAL_RANK_VARIABLES) {
            String value = environment.get(name);
            if (value == null || value.isBlank()) {
                continue;
            }
            int local = parse(value.strip(), name + "=" + value);
            if (local < 0 || local >= deviceCount) {
                throw new InvalidArgumentException(name + "=" + local + " but " + deviceCount + " CUDA device(s) are"
                        + " visible: start at most " + deviceCount + " rank(s) per node (one per GPU), or choose"
                        + " devices with -D" + DEVICE_PROPERTY + " / --device");
            }
            return new DevicePlacement(local, "device " + local + " = local rank (" + name + ")");
        }
        return new DevicePlacement(0, "device 0 (the MPI launcher set no local rank variable)");
    }

    private static int parse(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(what + ": not an integer; allowed a CUDA device ordinal >= 0");
        }
    }
}
