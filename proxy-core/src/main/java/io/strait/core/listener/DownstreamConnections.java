package io.strait.core.listener;

import io.netty.channel.Channel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The open downstream connections of every listener, which drain, close and the overload manager walk. One set for
 * the whole server, one entry per connection: a listener's own connections are those accepted on its listening
 * sockets ({@link Channel#parent()}), so no second set is kept per listener. Entries are added by the listener's
 * initializer and removed by its one close listener (which also gives back the connection's slots), so an idle
 * connection's close future holds a single listener, not a listener array. (Two Netty {@code ChannelGroup}s cost
 * ~200 bytes per idle connection: two map nodes and a close-listener array of three.)
 *
 * <p>Thread-safe: loops add and remove; the admin, the overload sampler and the server's thread iterate (weakly
 * consistent: a connection added or closed meanwhile may or may not be seen).
 */
public final class DownstreamConnections implements Iterable<Channel> {

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();

    /** Adds an accepted connection (its initializer removes it when it closes). */
    void add(final Channel ch) {
        open.add(ch);
    }

    /** Removes a closed connection. */
    void remove(final Channel ch) {
        open.remove(ch);
    }

    @Override
    public Iterator<Channel> iterator() {
        return open.iterator();
    }

    /** The connections open now. */
    public int size() {
        return open.size();
    }

    /** True when none is open. */
    public boolean isEmpty() {
        return open.isEmpty();
    }

    /** The open connections accepted on one of {@code sockets} (a listener's listening sockets), copied. */
    public List<Channel> acceptedOn(final Collection<Channel> sockets) {
        final List<Channel> out = new ArrayList<>();
        for (final Channel ch : open) {
            if (sockets.contains(ch.parent())) {
                out.add(ch);
            }
        }
        return out;
    }

    /** Closes every open connection and waits until they are closed or {@code timeout} has passed. */
    public void closeAll(final long timeout, final TimeUnit unit) throws InterruptedException {
        final List<Channel> closing = new ArrayList<>(open);
        for (final Channel ch : closing) {
            ch.close();
        }
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (final Channel ch : closing) {
            final long left = deadline - System.nanoTime();
            if (left <= 0 || !ch.closeFuture().await(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }
}
