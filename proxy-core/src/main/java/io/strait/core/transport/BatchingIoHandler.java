package io.strait.core.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import java.util.concurrent.locks.LockSupport;

/**
 * An event loop's I/O handler that gathers events at low load ({@code runtime.batch_wait}): after a turn that handled
 * I/O, when nothing more is ready, the loop sleeps for up to the batch wait and then polls without blocking, instead
 * of blocking in the poller and waking for each event as it arrives. At a moderate rate every request otherwise pays
 * its own wake-ups (the loop sleeps and wakes once for the request and once for the upstream's response); gathered,
 * one wake-up serves what arrived meanwhile, for up to the wait's added latency per hop. Under load nothing changes:
 * events are ready at every poll, so the loop never sleeps; and an idle loop blocks in the poller as before (the
 * wait follows only a turn that handled I/O).
 *
 * <p>Confined to its loop except {@link #wakeup()}, which other threads call after queueing a task: it wakes a
 * sleeping loop as the poller's own wake-up would.
 */
public final class BatchingIoHandler implements IoHandler {

    private final IoHandler delegate;
    private final long waitNanos;
    private final NowContext now = new NowContext();
    /** The loop's thread while it sleeps in a batch wait, else null; read by {@link #wakeup()} on other threads. */
    private volatile Thread sleeping;
    private boolean handledLastTurn;

    BatchingIoHandler(final IoHandler delegate, final long waitNanos) {
        if (waitNanos <= 0) {
            throw new IllegalArgumentException("waitNanos must be positive: " + waitNanos);
        }
        this.delegate = delegate;
        this.waitNanos = waitNanos;
    }

    /** {@code factory}'s handlers, gathering for up to {@code waitNanos}; {@code factory} itself when it is 0. */
    public static IoHandlerFactory factory(final IoHandlerFactory factory, final long waitNanos) {
        if (waitNanos <= 0) {
            return factory;
        }
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(final ThreadAwareExecutor executor) {
                return new BatchingIoHandler(factory.newHandler(executor), waitNanos);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return factory.isChangingThreadSupported();
            }
        };
    }

    @Override
    public int run(final IoHandlerContext context) {
        if (!handledLastTurn || !context.canBlock()) {
            return turn(delegate.run(context));
        }
        now.context = context;
        final int ready = delegate.run(now);
        if (ready > 0) {
            return ready;
        }
        final long wait = Math.min(waitNanos, context.delayNanos(System.nanoTime()));
        if (wait > 0) {
            sleeping = Thread.currentThread();
            // Re-checked after publishing the thread: a task queued before this point is seen here, one queued
            // after it finds the thread in wakeup().
            if (context.canBlock()) {
                LockSupport.parkNanos(this, wait);
            }
            sleeping = null;
        }
        return turn(delegate.run(now));
    }

    private int turn(final int handled) {
        handledLastTurn = handled > 0;
        return handled;
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
        final Thread thread = sleeping;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public void prepareToDestroy() {
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public IoRegistration register(final IoHandle handle) throws Exception {
        return delegate.register(handle);
    }

    @Override
    public boolean isCompatible(final Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }

    /** The loop's context, but never blocking: the poller only collects what is ready. */
    private static final class NowContext implements IoHandlerContext {
        private IoHandlerContext context;

        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(final long currentTimeNanos) {
            return context.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return context.deadlineNanos();
        }

        @Override
        public void reportActiveIoTime(final long activeNanos) {
            context.reportActiveIoTime(activeNanos);
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return context.shouldReportActiveIoTime();
        }
    }
}
