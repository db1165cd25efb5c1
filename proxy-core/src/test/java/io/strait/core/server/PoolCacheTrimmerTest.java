package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After a burst an idle loop's thread cache keeps the buffers it was given back, and each keeps its pool chunk
 * alive; the trimmer hands them back to their arena, which frees the emptied chunk. A pooled allocator of the test's
 * own (its arenas and metrics apart from the proxy's) on one real event loop.
 */
class PoolCacheTrimmerTest {

    /** A normal-size buffer (over the 28 KiB of the small sizes, at the 32 KiB the thread cache keeps at most). */
    private static final int SIZE = 32 * 1024;
    /** Two chunks' worth (4 MiB each): more than the cache keeps of one size (64), so chunks fill and empty. */
    private static final int COUNT = 256;

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A burst on the loop: COUNT buffers taken, then all given back. */
    private void burst() throws Exception {
        final EventExecutor loop = group.next();
        loop.submit(() -> {
            final ByteBuf[] held = new ByteBuf[COUNT];
            for (int i = 0; i < COUNT; i++) {
                held[i] = allocator.directBuffer(SIZE, SIZE);
            }
            for (final ByteBuf b : held) {
                b.release();
            }
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anIdleLoopsCachedBuffersAreHandedBackAndTheirChunksFreed() throws Exception {
        burst();
        assertThat(allocator.metric().usedDirectMemory()).as("chunks kept by the loop's cache after the burst")
            .isPositive();
        PoolCacheTrimmer.start(group, allocator);
        await().atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(allocator.metric().usedDirectMemory()).isZero());
    }
}
