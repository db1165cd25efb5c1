package io.strait.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Thread-safe. Holds a TLS listener's current {@link SniCertificateMapper} and, once {@link #start() started},
 * polls the modification times (and sizes) of its files on a scheduler every interval, off the event loops. When a
 * file changed it rebuilds every context; on success the new mapper is swapped in through a volatile field, so NEW
 * handshakes use it while connections already set up keep theirs, and the old mapper is released after a grace
 * period (longer than a handshake may take, so a connection that looked the old one up still gets a live context).
 * A file that cannot be used keeps the old contexts and reports the error to the callback, once per change.
 *
 * <p>{@link #mapping()} is the stable object to give {@code SniHandler}s: it reads the current mapper on each
 * lookup (one volatile read).
 */
public final class CertificateReloader implements AutoCloseable {

    /** Added to the handshake timeout before a replaced mapper is released. */
    static final Duration RELEASE_GRACE = Duration.ofSeconds(10);

    private final TlsServerOptions options;
    /** The listener's ticket keys, kept across rebuilds. */
    private final SessionTickets tickets;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private final Consumer<TlsConfigException> onError;
    private final Consumer<SniCertificateMapper> onReload;
    private final Mapping<String, SslContext> mapping = this::map;
    private volatile SniCertificateMapper current;
    /** The files' stamps when last read. Guarded by this. */
    private List<String> stamps;
    /** Mappers replaced but not yet released. Guarded by this. */
    private final List<SniCertificateMapper> retired = new ArrayList<>();
    private ScheduledFuture<?> poll;
    private ScheduledFuture<?> rotation;
    private boolean closed;

    /**
     * A reloader serving {@code initial} (built from {@code options}, now owned by this reloader).
     *
     * @param options   the settings to rebuild from
     * @param initial   the contexts built from them at start
     * @param scheduler the off-loop thread that polls and releases (may be null when {@code interval} is zero)
     * @param interval  the polling interval; zero disables reloading
     * @param onError   told of a changed file that could not be used (the old contexts stay)
     * @param onReload  told of each new mapper swapped in
     */
    public CertificateReloader(final TlsServerOptions options, final SniCertificateMapper initial,
                               final ScheduledExecutorService scheduler, final Duration interval,
                               final Consumer<TlsConfigException> onError,
                               final Consumer<SniCertificateMapper> onReload) throws TlsConfigException {
        this(options, new SessionTickets(options.sessionTickets()), initial, scheduler, interval, onError, onReload);
    }

    /**
     * A reloader serving {@code initial}, built from {@code options} with {@code tickets}, which every rebuild keeps.
     * When the tickets rotate, it rotates them on the scheduler (which it then needs) and puts the new keys on the
     * contexts in force.
     */
    public CertificateReloader(final TlsServerOptions options, final SessionTickets tickets,
                               final SniCertificateMapper initial, final ScheduledExecutorService scheduler,
                               final Duration interval, final Consumer<TlsConfigException> onError,
                               final Consumer<SniCertificateMapper> onReload) {
        this.options = Objects.requireNonNull(options, "options");
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.current = Objects.requireNonNull(initial, "initial");
        this.scheduler = scheduler;
        this.interval = interval;
        this.onError = onError;
        this.onReload = onReload;
        this.stamps = FileStamps.of(options.files());
        if ((!interval.isZero() || tickets.options().rotates()) && scheduler == null) {
            throw new IllegalArgumentException("reloading and ticket key rotation need a scheduler");
        }
    }

    /** Starts polling (no-op when the interval is zero) and rotating the ticket keys (when they rotate). */
    public synchronized void start() {
        if (closed) {
            return;
        }
        if (tickets.options().rotates() && rotation == null) {
            final long every = Math.max(1, tickets.options().rotation().toMillis());
            rotation = scheduler.scheduleAtFixedRate(this::rotateTickets, every, every, TimeUnit.MILLISECONDS);
        }
        if (interval.isZero() || poll != null) {
            return;
        }
        final long millis = Math.max(1, interval.toMillis());
        poll = scheduler.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The SNI mapping to hand to handlers: it always maps through the current mapper. */
    public Mapping<String, SslContext> mapping() {
        return mapping;
    }

    /** The listener's session ticket keys. */
    public SessionTickets tickets() {
        return tickets;
    }

    /** Makes a new ticket encryption key and puts the keys on the contexts in force (the rotation timer's job). */
    public synchronized void rotateTickets() {
        if (closed) {
            return;
        }
        tickets.rotate();
        for (final SslContext c : current.contexts()) {
            tickets.apply(c);
        }
    }

    /** The mapper in force. */
    public SniCertificateMapper current() {
        return current;
    }

    private SslContext map(final String hostname) {
        return current.map(hostname);
    }

    private void pollQuietly() {
        try {
            checkNow();
        } catch (final RuntimeException e) {
            onError.accept(new TlsConfigException("certificates", "certificate reload failed: " + e));
        }
    }

    /**
     * Checks the files once (the poller calls this; tests may too) and rebuilds if one changed.
     *
     * @return true if new contexts were swapped in
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
        final SniCertificateMapper fresh;
        try {
            tickets.reloadFiles();
            fresh = TlsContextFactory.build(options, tickets);
        } catch (final TlsConfigException e) {
            onError.accept(e);
            return false;
        }
        final SniCertificateMapper old = current;
        current = fresh;
        retire(old);
        if (onReload != null) {
            onReload.accept(fresh);
        }
        return true;
    }

    private void retire(final SniCertificateMapper old) {
        retired.add(old);
        final long delay = options.handshakeTimeout().plus(RELEASE_GRACE).toMillis();
        if (scheduler == null) {
            release(old);
            return;
        }
        try {
            scheduler.schedule(() -> release(old), delay, TimeUnit.MILLISECONDS);
        } catch (final RejectedExecutionException e) {
            release(old);
        }
    }

    private synchronized void release(final SniCertificateMapper old) {
        if (retired.remove(old)) {
            old.close();
        }
    }

    /** Stops polling and releases every context, current and retired. Call once the listener is closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (poll != null) {
            poll.cancel(false);
        }
        if (rotation != null) {
            rotation.cancel(false);
        }
        for (final SniCertificateMapper m : retired) {
            m.close();
        }
        retired.clear();
        current.close();
    }
}
