package io.strait.load.distributed;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.File;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * Thread-safe (as Aeron's client is); close once. One process's Aeron: an embedded media driver (shared threading
 * mode, small sparse term buffers, its own directory under {@code /dev/shm} or {@code java.io.tmpdir}, deleted on
 * start and on close) and a client connected to it, plus the channel and offer helpers both roles use.
 */
public final class EmbeddedAeron implements AutoCloseable {

    /** Stream id of coordinator → agent messages (on the agent's control endpoint). */
    public static final int CONTROL_STREAM_ID = 1001;
    /** Stream id of agent → coordinator messages (on the coordinator's results endpoint). */
    public static final int RESULTS_STREAM_ID = 1002;
    /**
     * Default term buffer length: 256 KiB, so a message (an encoded histogram) may be up to 32 KiB (term / 8). The
     * files are sparse, so only what is written costs memory. 64 KiB is Aeron's minimum.
     */
    public static final int DEFAULT_TERM_LENGTH = 256 * 1024;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final int termLength;

    private EmbeddedAeron(final MediaDriver driver, final Aeron aeron, final int termLength) {
        this.driver = driver;
        this.aeron = aeron;
        this.termLength = termLength;
    }

    /**
     * Launches an embedded driver and connects a client to it.
     *
     * @param role       names the Aeron directory, e.g. {@code agent}
     * @param termLength term buffer length of the publications this process creates (power of two, &gt;= 64 KiB)
     */
    public static EmbeddedAeron launch(final String role, final int termLength) {
        final String dir = aeronRoot() + File.separator + "strait-load-" + role + "-" + ProcessHandle.current().pid()
                + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        final MediaDriver.Context driverContext = new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10),
                        TimeUnit.MILLISECONDS.toNanos(1)))
                .publicationTermBufferLength(termLength)
                .ipcTermBufferLength(64 * 1024)
                .termBufferSparseFile(true)
                .publicationLingerTimeoutNs(TimeUnit.SECONDS.toNanos(1));
        final MediaDriver driver = MediaDriver.launchEmbedded(driverContext);
        try {
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return new EmbeddedAeron(driver, aeron, termLength);
        } catch (final RuntimeException e) {
            CloseHelper.quietClose(driver);
            throw e;
        }
    }

    private static String aeronRoot() {
        final File shm = new File("/dev/shm");
        return shm.isDirectory() && shm.canWrite() ? shm.getPath() : System.getProperty("java.io.tmpdir");
    }

    /** The Aeron client. */
    public Aeron aeron() {
        return aeron;
    }

    /** The UDP unicast channel to (or bound at) {@code endpoint} ({@code host:port}), with this term length. */
    public String channel(final String endpoint) {
        return new ChannelUriStringBuilder().media("udp").endpoint(endpoint).termLength(termLength).build();
    }

    /**
     * Offers {@code length} bytes of {@code buffer}, retrying back-pressure, admin actions and a not (yet) connected
     * publication until {@code timeoutMillis} passes.
     *
     * @return null when offered, else why not
     */
    public static String offer(final Publication publication, final DirectBuffer buffer, final int length,
            final long timeoutMillis) {
        if (length > publication.maxMessageLength()) {
            return "message of " + length + " bytes exceeds the maximum of " + publication.maxMessageLength()
                    + " (raise --term-length)";
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        final IdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (true) {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0) {
                return null;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                return "publication " + publication.channel() + " failed: " + Publication.errorString(result);
            }
            if (System.nanoTime() - deadline > 0) {
                return "offer to " + publication.channel() + " timed out after " + timeoutMillis + " ms: "
                        + Publication.errorString(result);
            }
            idle.idle();
        }
    }

    /** Parses and checks a {@code host:port} endpoint. */
    public static String checkEndpoint(final String endpoint) {
        final int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("endpoint must be host:port: '" + endpoint + "'");
        }
        try {
            final int port = Integer.parseInt(endpoint.substring(colon + 1));
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range in endpoint '" + endpoint + "'");
            }
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("endpoint must be host:port: '" + endpoint + "'", e);
        }
        return endpoint;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(aeron, driver);
    }
}
