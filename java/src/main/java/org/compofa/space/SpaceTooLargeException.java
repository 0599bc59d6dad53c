package org.compofa.space;

import java.math.BigInteger;

/** {@link SearchSpace#enumerate} refused because the space holds more subnets than it will list. */
public class SpaceTooLargeException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    /**
     * The message names the space, its size and the limit.
     *
     * @param spaceId the space that was asked
     * @param size how many subnets the request would list
     * @param limit the most that {@code enumerate} lists
     */
    public SpaceTooLargeException(String spaceId, BigInteger size, long limit) {
        super(spaceId + " holds " + size + " (~" + String.format("%.3g", size.doubleValue())
                + ") subnets for this request; enumerate() lists at most " + limit
                + ": use sample() or a Sampler instead");
    }
}
