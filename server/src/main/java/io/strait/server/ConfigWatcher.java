package io.strait.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code strait run --watch INTERVAL}: reads the configuration file every interval and asks for a reload when its
 * content changed (by content, not modification time, so a Kubernetes ConfigMap's symlink swap and an editor's
 * rename both count, and touching the file does not). A content that was tried once is not tried again: an invalid
 * file is reported once, and the next change is tried. A file that cannot be read is skipped until it can.
 *
 * <p>Thread-safe: polls on a daemon thread of its own ({@code strait-config-watch}); {@link #poll} may also be called
 * directly (tests).
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Consumer<Path> reload;
    /** The digest of the content last reloaded or tried; guarded by this. */
    private byte[] seen;
    private ScheduledExecutorService thread;

    /**
     * A watcher of {@code file}, whose current content counts as seen (it is what the server started with).
     *
     * @param reload called with the file on the watcher's thread when the content changed
     */
    ConfigWatcher(final Path file, final Consumer<Path> reload) {
        this.file = file;
        this.reload = reload;
        this.seen = digest(file);
    }

    /** Starts polling every {@code interval}. */
    synchronized ConfigWatcher start(final Duration interval) {
        thread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("strait-config-watch", true));
        final long every = Math.max(1, interval.toMillis());
        thread.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        LOG.info("watching {} for changes every {} ms", file, every);
        return this;
    }

    /** Reads the file once; asks for a reload if its content differs from the last one seen. */
    synchronized boolean poll() {
        final byte[] now = digest(file);
        if (now == null || Arrays.equals(now, seen)) {
            return false;
        }
        seen = now;
        LOG.info("{} changed: reloading", file);
        try {
            reload.accept(file);
        } catch (final RuntimeException e) {
            LOG.warn("reload of {} failed: {}", file, e.toString());
        }
        return true;
    }

    /** The SHA-256 of the file's content, or null if it cannot be read now. */
    private static byte[] digest(final Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (final IOException e) {
            return null;
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
