package org.compofa.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.InvalidHandleException;
import org.compofa.bindings.WrongBackendException;
import org.junit.jupiter.api.Test;

/** One process without a launcher: the local communicator, launcher detection, checked arguments. */
class CommunicatorTest {
    @Test
    void launcherDetectionReadsTheMpiVariablesOnly() {
        assertFalse(Communicator.useMpi("auto", Map.of()));
        assertFalse(Communicator.useMpi("auto", Map.of("SLURM_NTASKS", "4", "SLURM_PROCID", "0")));
        assertTrue(Communicator.useMpi("auto", Map.of("OMPI_COMM_WORLD_SIZE", "2")));
        assertTrue(Communicator.useMpi("auto", Map.of("PMIX_RANK", "0")));
        assertTrue(Communicator.useMpi("auto", Map.of("PMI_SIZE", "8")));
        assertFalse(Communicator.useMpi("AUTO", Map.of("PMI_SIZE", " ")));
        assertTrue(Communicator.useMpi("world", Map.of()));
        assertFalse(Communicator.useMpi("local", Map.of("OMPI_COMM_WORLD_SIZE", "2")));
        assertThrows(InvalidArgumentException.class, () -> Communicator.useMpi("mpi", Map.of()));
    }

    @Test
    void withoutALauncherTheWorldIsThisProcessAndLeavesDataAsItIs() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); ComputeContext other = ComputeContext.open(Backend.REFERENCE)) {
            float[] data = CommunicatorMpiMain.rankData(3, 0, 1001);
            try (Communicator comm = Communicator.world(ctx); Tensor t = Tensor.of(ctx, Layout.VECTOR, data, data.length);
                 Tensor foreign = Tensor.of(other, Layout.VECTOR, data, data.length);
                 Tensor labels = Tensor.labels(ctx, new int[] {1, 2, 3})) {
                assertEquals(0, comm.rank());
                assertEquals(1, comm.size());
                assertEquals(0, comm.localRank());
                assertEquals(Communicator.Transport.SELF, comm.transport());
                comm.allReduce(t, Communicator.Op.SUM);
                comm.allReduce(t, Communicator.Op.AVG);
                comm.broadcast(t, 0);
                comm.barrier();
                assertArrayEquals(data, t.toArray());
                float[] copy = data.clone();
                comm.allReduce(copy, Communicator.Op.AVG);
                assertArrayEquals(data, copy);
                assertThrows(InvalidArgumentException.class, () -> comm.broadcast(t, 1));
                assertThrows(InvalidArgumentException.class, () -> comm.broadcast(t, -1));
                assertThrows(InvalidArgumentException.class, () -> comm.allReduce(labels, Communicator.Op.SUM));
                assertThrows(WrongBackendException.class, () -> comm.allReduce(foreign, Communicator.Op.SUM));
                assertThrows(InvalidArgumentException.class, () -> comm.allReduce(new float[0], Communicator.Op.SUM));
                assertThrows(InvalidArgumentException.class, () -> comm.abort(256, "no"));
                comm.close();
                assertTrue(comm.isClosed());
                assertThrows(InvalidHandleException.class, () -> comm.allReduce(t, Communicator.Op.SUM));
            }
            assertTrue(Communicator.describeLibraries().contains("MPI"));
        }
    }
}
