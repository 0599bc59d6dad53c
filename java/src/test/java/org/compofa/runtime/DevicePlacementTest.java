package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.compofa.bindings.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** The CUDA device of a process: requested, else the local rank under an MPI launcher, else 0. */
class DevicePlacementTest {
    @Test
    void aProcessStartedByMpirunOpensTheDeviceOfItsLocalRank() {
        Map<String, String> env = Map.of("OMPI_COMM_WORLD_SIZE", "8", "OMPI_COMM_WORLD_LOCAL_RANK", "3");
        assertEquals(3, DevicePlacement.choose(null, env, 4).device());
        Map<String, String> srun = Map.of("PMIX_RANK", "5", "SLURM_LOCALID", "1");
        assertEquals(1, DevicePlacement.choose(" ", srun, 2).device());
        Map<String, String> hydra = Map.of("PMI_SIZE", "2", "MPI_LOCALRANKID", "1");
        assertEquals(1, DevicePlacement.choose(null, hydra, 2).device());
    }

    @Test
    void withoutALauncherTheLocalRankVariablesAreIgnored() {
        // A Slurm batch script has SLURM_LOCALID without being an MPI process.
        assertEquals(0, DevicePlacement.choose(null, Map.of("SLURM_LOCALID", "2"), 4).device());
        assertEquals(0, DevicePlacement.choose(null, Map.of("OMPI_COMM_WORLD_SIZE", "2"), 4).device());
    }

    @Test
    void aRequestedDeviceWinsAndIsChecked() {
        Map<String, String> env = Map.of("OMPI_COMM_WORLD_SIZE", "8", "OMPI_COMM_WORLD_LOCAL_RANK", "3");
        assertEquals(1, DevicePlacement.choose("1", env, 4).device());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> DevicePlacement.choose("4", env, 4));
        assertTrue(e.getMessage().contains("allowed 0..3"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> DevicePlacement.choose("gpu1", env, 4));
    }

    @Test
    void moreLocalRanksThanDevicesIsAClearError() {
        Map<String, String> env = Map.of("OMPI_COMM_WORLD_SIZE", "8", "OMPI_COMM_WORLD_LOCAL_RANK", "4");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> DevicePlacement.choose(null, env, 4));
        assertTrue(e.getMessage().contains("at most 4 rank(s) per node"), e.getMessage());
    }
}
