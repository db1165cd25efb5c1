package io.strait.core.accesslog;

import io.strait.core.config.AccessLogPaths;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.stats.StatsScope;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The duty cycle of one access log's writer thread: drains a bounded batch of records from the ring, formats them into
 * one reused line buffer, writes and flushes it to the file per batch, and about once a second checks whether the
 * file was moved or removed (logrotate) to reopen it. Confined to the writer thread ({@link #onClose} included).
 *
 * <p>Errors never stop it: a failed open or write counts {@code access_log.write_error}, drops that batch's lines and
 * is retried with the next batch.
 */
final class AccessLogWriter implements Agent, MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);

    /** Records drained per duty cycle at most. */
    static final int BATCH = 1024;
    /** How often the file's identity is checked, in milliseconds. */
    static final long CHECK_INTERVAL_MILLIS = 1000;
    private static final int LINE_BUFFER = 256 * 1024;

    private final String path;
    private final ManyToOneRingBuffer ring;
    private final StatsScope<AccessLogStat> stats;
    private final byte[] lines = new byte[Math.max(LINE_BUFFER, 4 * AccessLogFormatter.MAX_LINE)];
    private final ByteBuffer linesView = ByteBuffer.wrap(lines);
    private final boolean standardStream;
    private int pos;
    private int written;
    private FileChannel channel;
    /** The identity (device and inode) of the file {@link #channel} writes to, or null. */
    private Object fileKey;
    private long nextCheck;
    private volatile boolean reopenRequested;
    private boolean failing;

    AccessLogWriter(final String path, final ManyToOneRingBuffer ring, final StatsScope<AccessLogStat> stats) {
        this.path = path;
        this.ring = ring;
        this.stats = stats;
        this.standardStream = AccessLogPaths.isStdout(path) || AccessLogPaths.isStderr(path);
        open();
    }

    @Override
    public String roleName() {
        return "strait-access-log";
    }

    @Override
    public int doWork() {
        final int work = ring.read(this, BATCH);
        if (pos > 0) {
            flush();
        }
        if (reopenRequested) {
            reopenRequested = false;
            reopen();
        } else if (!standardStream) {
            final long now = System.currentTimeMillis();
            if (now - nextCheck >= 0) {
                nextCheck = now + CHECK_INTERVAL_MILLIS;
                checkMoved();
            }
        }
        return work;
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length) {
        if (lines.length - pos < AccessLogFormatter.MAX_LINE) {
            flush();
        }
        pos = AccessLogFormatter.format(buffer, index, length, msgTypeId, lines, pos);
        written++;
    }

    /** Drains everything still in the ring, writes it and closes the file. */
    @Override
    public void onClose() {
        while (ring.read(this, BATCH) > 0) {
            flush();
        }
        flush();
        closeChannel();
    }

    /** Asks the writer thread to reopen the file at its next cycle (after a log rotation; any thread). */
    void requestReopen() {
        reopenRequested = true;
    }

    private void flush() {
        if (written > 0) {
            count(AccessLogStat.WRITTEN, written);
            written = 0;
        }
        if (pos == 0) {
            return;
        }
        if (channel == null && !open()) {
            pos = 0;
            return;
        }
        final ByteBuffer buf = linesView;
        buf.clear().limit(pos);
        pos = 0;
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            failing = false;
        } catch (final IOException e) {
            writeError("write", e);
            closeChannel();   // opened again with the next batch
        }
    }

    private boolean open() {
        try {
            if (AccessLogPaths.isStdout(path)) {
                channel = new FileOutputStream(FileDescriptor.out).getChannel();
            } else if (AccessLogPaths.isStderr(path)) {
                channel = new FileOutputStream(FileDescriptor.err).getChannel();
            } else {
                final Path p = Path.of(path);
                channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
                fileKey = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            }
            nextCheck = System.currentTimeMillis() + CHECK_INTERVAL_MILLIS;
            failing = false;
            return true;
        } catch (final IOException | RuntimeException e) {
            writeError("open", e);
            closeChannel();
            return false;
        }
    }

    /** Reopens when the path no longer names the file being written (moved, removed, replaced). */
    private void checkMoved() {
        Object current;
        try {
            current = Files.readAttributes(Path.of(path), BasicFileAttributes.class).fileKey();
        } catch (final NoSuchFileException e) {
            current = null;
        } catch (final IOException e) {
            return;   // cannot tell; keep writing where we are
        }
        if (channel == null || current == null || !Objects.equals(current, fileKey)) {
            reopen();
        }
    }

    private void reopen() {
        if (standardStream) {
            return;
        }
        closeChannel();
        if (open()) {
            count(AccessLogStat.REOPEN, 1);
        }
    }

    private void closeChannel() {
        final FileChannel c = channel;
        channel = null;
        fileKey = null;
        if (c != null && !standardStream) {
            try {
                c.close();
            } catch (final IOException e) {
                LOG.debug("closing access log {}: {}", path, e.toString());
            }
        }
    }

    private void writeError(final String what, final Exception e) {
        count(AccessLogStat.WRITE_ERROR, 1);
        if (!failing) {
            failing = true;   // log once per run of failures, not once per batch
            LOG.warn("access log {}: {} failed: {}", path, what, e.toString());
        }
    }

    /** The control slot is shared by the writers of every access log: one at a time. */
    private void count(final AccessLogStat stat, final long n) {
        synchronized (stats) {
            stats.control().add(stat, n);
        }
    }
}
