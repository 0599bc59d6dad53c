package org.compofa.nn;

/**
 * Receives the wall time of each top-level piece of a {@link Network#forwardTimed} pass, in forward
 * order: the stem, each active block, the head. Called on the forwarding thread after the context
 * was synchronised, so the time covers the piece's device work; the callback's own time is not
 * charged to the next piece.
 */
@FunctionalInterface
public interface LayerTimer {
    /**
     * Takes the time of one piece.
     *
     * @param piece the piece timed
     * @param nanos its wall time in ns
     */
    void record(ForwardPiece piece, long nanos);
}
