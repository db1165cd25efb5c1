package io.strait.core.exchange;

import java.util.Arrays;

/**
 * The streams of one HTTP/2 connection that got frames in the current read batch: when the batch ends each one's
 * exchange is told once ({@link Exchange#onReadBatchEnd()}), so the requests the batch carried go upstream in one
 * write per upstream connection, not one per frame.
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2ReadBatch {

    private Http2StreamDownstream[] touched = new Http2StreamDownstream[8];
    private int count;

    /** {@code s} got a frame in this batch. */
    void touch(final Http2StreamDownstream s) {
        if (s.touched) {
            return;
        }
        s.touched = true;
        if (count == touched.length) {
            touched = Arrays.copyOf(touched, count << 1);
        }
        touched[count++] = s;
    }

    /** The batch is over: tells each touched stream's exchange, once. */
    void end() {
        final Http2StreamDownstream[] t = touched;
        final int n = count;
        count = 0;
        for (int i = 0; i < n; i++) {
            final Http2StreamDownstream s = t[i];
            t[i] = null;
            s.touched = false;
            s.exchange.onReadBatchEnd();
        }
    }
}
