package io.strait.core.stats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Stateless. The layout of a stats file, shared by its writer ({@link StatsFile}) and its readers ({@link
 * StatsFileReader}); like Aeron's CnC file, a header and then Agrona's two counters buffers. All numbers are
 * little-endian.
 *
 * <pre>
 *   0                   8                 12                16                20                24
 *   +-------------------+-----------------+-----------------+-----------------+-----------------+
 *   | magic "STRAITST"  | layout version  | event loops     | metadata length | values length   |
 *   +-------------------+-----------------+-----------------+-----------------+-----------------+
 *   24                  32                        40                        48 ........ 128
 *   | pid (0: released) | process start, epoch ms | file opened, epoch ms   | reserved (zero) |
 *   +-------------------+-------------------------+-------------------------+-----------------+
 *   128: Agrona metadata buffer (512 bytes a counter), then Agrona values buffer (128 bytes a counter)
 * </pre>
 *
 * The writer creates the file under a temporary name, writes the magic last, and renames it into place, so a
 * reader sees either no file, a whole previous one or a whole new one.
 */
final class StatsFileLayout {

    /** "STRAITST" in ASCII, as a little-endian long: the file's first eight bytes once it is ready. */
    static final long MAGIC = ByteBuffer.wrap("STRAITST".getBytes(StandardCharsets.US_ASCII))
        .order(ByteOrder.LITTLE_ENDIAN).getLong();
    /** The layout this code writes and reads. */
    static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int LOOPS_OFFSET = 12;
    static final int METADATA_LENGTH_OFFSET = 16;
    static final int VALUES_LENGTH_OFFSET = 20;
    static final int PID_OFFSET = 24;
    static final int PROCESS_START_OFFSET = 32;
    static final int OPENED_OFFSET = 40;
    /** Two cache lines: the counters buffers that follow start aligned. */
    static final int HEADER_LENGTH = 128;
    /** The most counters a file can hold: it is mapped as one buffer, at most 2 GiB. */
    static final int MAX_CAPACITY = (Integer.MAX_VALUE - HEADER_LENGTH) / CounterArea.BYTES_PER_COUNTER;

    private StatsFileLayout() {
    }

    /** The length of a file of {@code capacity} counters. */
    static int fileLength(final int capacity) {
        return HEADER_LENGTH + capacity * CounterArea.BYTES_PER_COUNTER;
    }

    /**
     * Why the mapped {@code file} of {@code length} bytes is not a whole stats file this code can read, or null if
     * it is.
     */
    static String problem(final AtomicBuffer file, final long length) {
        if (length < HEADER_LENGTH) {
            return "too short for a stats file header (" + length + " bytes)";
        }
        final long magic = file.getLongVolatile(MAGIC_OFFSET);
        if (magic == 0) {
            return "its header is not written (a Strait was creating it, or it is not a stats file)";
        }
        if (magic != MAGIC) {
            return "not a Strait stats file (no STRAITST magic)";
        }
        final int version = file.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            return "stats file layout version " + version + ", this Strait reads version " + VERSION;
        }
        final long metadata = file.getInt(METADATA_LENGTH_OFFSET);
        final long values = file.getInt(VALUES_LENGTH_OFFSET);
        if (values <= 0 || values % CountersReader.COUNTER_LENGTH != 0
            || metadata != values / CountersReader.COUNTER_LENGTH * CountersReader.METADATA_LENGTH
            || HEADER_LENGTH + metadata + values != length) {
            return "inconsistent header: metadata " + metadata + " + values " + values + " bytes in a file of "
                + length;
        }
        return null;
    }

    /**
     * Sums the values of every allocated counter record (and gauge record unless {@code countersOnly}) by label, in
     * name order. Tolerates records allocated and freed while it reads: a record counts only if its state and
     * registration id are the same after reading its label and value as before.
     */
    static Map<String, Long> sum(final CountersReader reader, final boolean countersOnly) {
        final Map<String, Long> sums = new TreeMap<>();
        for (int id = 0; id <= reader.maxCounterId(); id++) {
            final int state = reader.getCounterState(id);
            if (state == CountersReader.RECORD_UNUSED) {
                break;
            }
            if (state != CountersReader.RECORD_ALLOCATED) {
                continue;
            }
            final long registration = reader.getCounterRegistrationId(id);
            final int type = reader.getCounterTypeId(id);
            final String label = reader.getCounterLabel(id);
            final long value = reader.getCounterValue(id);
            if (reader.getCounterState(id) != CountersReader.RECORD_ALLOCATED
                || reader.getCounterRegistrationId(id) != registration) {
                continue;
            }
            if (type == CounterArea.TYPE_COUNTER || type == CounterArea.TYPE_GAUGE && !countersOnly) {
                sums.merge(label, value, Long::sum);
            }
        }
        return sums;
    }
}
