package io.strait.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Thread-safe. Holds a cluster's current client {@link SslContext} and, once {@link #start() started}, polls the
 * modification times (and sizes) of its CA bundle, certificate and key every interval on one daemon thread shared
 * by every cluster, off the event loops. When a file changed it rebuilds the context; on success the new one is
 * swapped in through a volatile field, so NEW connections use it while those already set up keep theirs (the old
 * context is freed once no connection refers to it). A file that cannot be used keeps the old context and reports
 * the error to the callback, once per change.
 *
 * <p>The polling task holds the reloader only weakly: a reloader dropped without {@link #close()} (a cluster left
 * behind by a failed reload) stops being polled once collected.
 */
public final class TlsClientReloader implements AutoCloseable {

    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(
        new DefaultThreadFactory("strait-upstream-tls-reload", true));

    private final TlsClientOptions options;
    private final Duration interval;
    private final Consumer<TlsConfigException> onError;
    private final Runnable onReload;
    private volatile SslContext current;
    /** The files' stamps when last read. Guarded by this. */
    private List<String> stamps;
    private ScheduledFuture<?> poll;
    private boolean closed;

    /**
     * Builds the context of {@code options} now (off the loops).
     *
     * @param interval the polling interval; zero disables reloading
     * @param onError  told of a changed file that could not be used (the old context stays)
     * @param onReload told of each new context swapped in
     * @throws TlsConfigException when a file cannot be used
     */
    public TlsClientReloader(final TlsClientOptions options, final Duration interval,
                             final Consumer<TlsConfigException> onError, final Runnable onReload)
        throws TlsConfigException {
        this.options = Objects.requireNonNull(options, "options");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.onError = onError;
        this.onReload = onReload;
        this.stamps = FileStamps.of(options.files());
        this.current = TlsClientContextFactory.build(options);
    }

    /** Starts polling (no-op when the interval is zero, or once closed). */
    public synchronized void start() {
        if (closed || interval.isZero() || poll != null) {
            return;
        }
        final long millis = Math.max(1, interval.toMillis());
        final WeakReference<TlsClientReloader> self = new WeakReference<>(this);
        final ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
        task[0] = POLLER.scheduleWithFixedDelay(() -> {
            final TlsClientReloader r = self.get();
            if (r == null) {
                task[0].cancel(false);
                return;
            }
            r.pollQuietly();
        }, millis, millis, TimeUnit.MILLISECONDS);
        poll = task[0];
    }

    /** The context in force: one volatile read. */
    public SslContext context() {
        return current;
    }

    /** The settings the context is built from. */
    public TlsClientOptions options() {
        return options;
    }

    private void pollQuietly() {
        try {
            checkNow();
        } catch (final RuntimeException e) {
            onError.accept(new TlsConfigException("ca_file", "upstream TLS reload failed: " + e));
        }
    }

    /**
     * Checks the files once (the poller calls this; tests may too) and rebuilds if one changed.
     *
     * @return true if a new context was swapped in
     */
    public synchronized boolean checkNow() {
        if (closed) {
            return false;
        }
        final List<String> now = FileStamps.of(options.files());
        if (now.equals(stamps)) {
            return false;
        }
        stamps = now;
        try {
            current = TlsClientContextFactory.build(options);
        } catch (final TlsConfigException e) {
            if (onError != null) {
                onError.accept(e);
            }
            return false;
        }
        if (onReload != null) {
            onReload.run();
        }
        return true;
    }

    /** True once {@link #close} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Stops polling. The context stays usable for connections still being made. */
    @Override
    public synchronized void close() {
        closed = true;
        if (poll != null) {
            poll.cancel(false);
            poll = null;
        }
    }
}
