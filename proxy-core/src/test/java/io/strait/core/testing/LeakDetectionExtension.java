package io.strait.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Thread-safe: Netty's detectors report from any thread into a concurrent queue. Fails a test class when Netty
 * reports that a reference-counted object (a {@link ByteBuf}, mostly) was garbage-collected without being released.
 * Registered for every test class by autodetection
 * ({@code junit-platform.properties} and {@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
 *
 * <p>Loading the class installs, once, a {@link ResourceLeakDetectorFactory} whose detectors record every leak they
 * report (as well as logging it as Netty does), and sets the level to PARANOID, so every buffer is tracked with its
 * access records. This must happen before Netty creates its buffer detector (when {@code AbstractByteBuf} is first
 * initialised); autodetected extensions load before any test class, so it does. If it did not,
 * {@link #check(String)} fails rather than pass silently.
 *
 * <p>After all tests of a class, {@link #check(String)} runs a few GC cycles, allocates and releases a few buffers (a
 * detector only looks at its collected references when it tracks a new object), and throws an {@link AssertionError}
 * listing the leak records if any appeared. Only objects that became unreachable while unreleased are reported, so a
 * buffer still held by live code is never flagged.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

    /** How many GC cycles {@link #check(String)} runs. */
    public static final int GC_ROUNDS = 3;

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final Set<String> TRACKED_TYPES = ConcurrentHashMap.newKeySet();
    private static final boolean TRACKS_BYTE_BUFS;

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        final ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1); // initialises AbstractByteBuf now
        probe.release();
        TRACKS_BYTE_BUFS = TRACKED_TYPES.contains(ByteBuf.class.getName());
    }

    /**
     * Created by JUnit's autodetection (or {@code @ExtendWith}); installing happened when the class loaded.
     */
    public LeakDetectionExtension() {
        // state is static: one recorder per JVM
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        check(context.getDisplayName());
    }

    /**
     * Returns true when Netty's buffer leak detector is one of ours (the factory was installed in time).
     */
    public static boolean isRecordingByteBufLeaks() {
        return TRACKS_BYTE_BUFS;
    }

    /**
     * Runs {@link #GC_ROUNDS} GC cycles, polls the detectors, and removes and returns every leak report recorded so
     * far (each is the resource type and Netty's access records, hints included).
     */
    public static List<String> collectLeaks() {
        for (int i = 0; i < GC_ROUNDS; i++) {
            gcAndWait();
            pollDetectors();
        }
        final List<String> found = new ArrayList<>();
        String leak;
        while ((leak = LEAKS.poll()) != null) {
            found.add(leak);
        }
        return found;
    }

    /**
     * Collects leaks as {@link #collectLeaks()} does and throws an {@link AssertionError} naming {@code context} and
     * listing them if there are any. The reports are drained either way, so one leak fails one check only.
     *
     * @throws AssertionError when a leak was reported, or when the recorder was installed too late to see buffers
     */
    public static void check(final String context) {
        if (!TRACKS_BYTE_BUFS) {
            throw new AssertionError("LeakDetectionExtension was loaded after Netty's ByteBuf leak detector was "
                + "created; buffer leaks cannot be recorded (is junit-platform.properties on the test classpath?)");
        }
        final List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            final StringBuilder sb = new StringBuilder(4096).append(leaks.size())
                .append(" Netty resource leak(s) detected after ").append(context).append(':');
            for (final String l : leaks) {
                sb.append("\n\n").append(l);
            }
            throw new AssertionError(sb.toString());
        }
    }

    /** Runs System.gc() and waits until the reference handler has processed what that GC found. */
    private static void gcAndWait() {
        final ReferenceQueue<Object> queue = new ReferenceQueue<>();
        final PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(500);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }

    /** Allocates and releases buffers: each tracked allocation makes the detector report what was collected. */
    private static void pollDetectors() {
        final ByteBufAllocator[] allocators = {
            PooledByteBufAllocator.DEFAULT, ByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT
        };
        for (final ByteBufAllocator a : allocators) {
            a.heapBuffer(8).release();
            a.directBuffer(8).release();
        }
    }

    /**
     * Thread-safe. Builds {@link RecordingDetector}s.
     */
    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(final Class<T> resource, final int samplingInterval,
                                                                   final long maxActive) {
            TRACKED_TYPES.add(resource.getName());
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    /**
     * Thread-safe. A detector that records each leak it reports.
     */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(final Class<T> resource, final int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // report whatever the logging level
        }

        @Override
        protected void reportTracedLeak(final String resourceType, final String records) {
            LEAKS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(final String resourceType) {
            LEAKS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected "
                + "(no access records: raise io.netty.leakDetection.level to find where).");
            super.reportUntracedLeak(resourceType);
        }
    }
}
