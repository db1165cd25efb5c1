package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.strait.core.config.OverloadConfig.Resource;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The monitors of the running process, read against buffers and counts the test makes. */
class ResourceMonitorTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void directMemoryCountsLiveBuffersAndNotThePoolsIdleChunks() {
        final PooledByteBufAllocator pool = new PooledByteBufAllocator(true);
        final ResourceMonitor m = new DirectMemoryMonitor(0, pool);
        assertThat(m.max()).isEqualTo(PlatformDependent.maxDirectMemory());
        final long before = m.used();
        final List<ByteBuf> held = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            held.add(pool.directBuffer((int) MIB));
        }
        final long holding = m.used();
        assertThat(holding - before).as("16 MiB held").isBetween(15 * MIB, 24 * MIB);
        held.forEach(ByteBuf::release);
        // the pool may keep its chunks: that memory is handed out again before more is asked for, not pressure
        assertThat(m.used() - before).as("after release").isLessThan(2 * MIB);
        assertThat(new DirectMemoryMonitor(64 * MIB, pool).max()).isEqualTo(64 * MIB);
    }

    @Test
    void theJdksDirectPoolIsReadWithoutTheManagementBeans() {
        final LongSupplier internal = DirectMemoryMonitor.internalDirectPool();
        assertThat(internal).as("jdk.internal.misc is exported to the tests as the launcher exports it").isNotNull();
        final BufferPoolMXBean bean = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        final ByteBuffer held = ByteBuffer.allocateDirect((int) MIB);
        // a Cleaner may free an earlier test's buffer at any time: compare readings taken while the bean's held still
        boolean agreed = false;
        for (int i = 0; i < 20 && !agreed; i++) {
            final long before = bean.getMemoryUsed();
            final long read = internal.getAsLong();
            agreed = before == bean.getMemoryUsed() && read == before;
        }
        assertThat(agreed).as("the bean's own figure").isTrue();
        assertThat(internal.getAsLong()).isGreaterThanOrEqualTo(MIB);
        assertThat(held.capacity()).isEqualTo((int) MIB);
    }

    @Test
    void heapCountsWhatIsKeptAlive() {
        final ResourceMonitor m = new HeapMonitor(0, 0);
        assertThat(m.max()).as("the old generation's maximum").isPositive()
            .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
        final byte[][] kept = new byte[64][];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = new byte[64 * 1024];
        }
        System.gc();   // a full collection: what it could not free (the 4 MiB kept here among it) is the reading
        assertThat(m.used()).as("after a collection").isGreaterThanOrEqualTo(4 * MIB).isLessThan(m.max());
        assertThat(kept[kept.length - 1]).hasSize(64 * 1024);
        assertThat(new HeapMonitor(256 * MIB).max()).isEqualTo(256 * MIB);
    }

    @Test
    void heapReadsNothingUntilTheWholeHeapReachesTheGate() {
        final ResourceMonitor idle = new HeapMonitor(0, Long.MAX_VALUE);
        System.gc();
        assertThat(idle.used()).as("under the gate").isZero();
        assertThat(idle.max()).as("the heap's maximum until the pools are looked up")
            .isEqualTo(Runtime.getRuntime().maxMemory());
        final ResourceMonitor passed = new HeapMonitor(0, 1);
        final byte[][] kept = new byte[64][];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = new byte[64 * 1024];
        }
        System.gc();
        assertThat(passed.used()).as("past the gate: the old generation after the collection")
            .isGreaterThanOrEqualTo(4 * MIB);
        assertThat(passed.max()).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(kept[kept.length - 1]).hasSize(64 * 1024);
    }

    @Test
    void theGateIsAnEighthOfTheHeapOrOfASmallerBudget() {
        assertThat(HeapMonitor.gate(256 * MIB, 0)).isEqualTo(32 * MIB);
        assertThat(HeapMonitor.gate(256 * MIB, 16 * MIB)).as("a budget under the heap").isEqualTo(2 * MIB);
        assertThat(HeapMonitor.gate(256 * MIB, 1024 * MIB)).isEqualTo(32 * MIB);
    }

    @Test
    void connectionsAgainstTheConfiguredBudgetOrTheCap() {
        final AtomicLong active = new AtomicLong(30);
        final AtomicLong cap = new AtomicLong(100);
        assertThat(new ConnectionsMonitor(active::get, 60, cap::get).max()).isEqualTo(60);
        final ResourceMonitor auto = new ConnectionsMonitor(active::get, 0, cap::get);
        assertThat(auto.max()).isEqualTo(100);
        assertThat(auto.used()).isEqualTo(30);
        cap.set(Integer.MAX_VALUE);
        assertThat(auto.max()).as("an unlimited cap is no budget").isZero();
    }

    @Test
    void fileDescriptorsAreTheProcesssOwn() {
        final ResourceMonitor m = OverloadManager.systemMonitors(null, () -> 0, () -> 0)
            .create(Resource.FILE_DESCRIPTORS, 0);
        assertThat(m.used()).isPositive().isLessThanOrEqualTo(m.max());
        assertThat(OverloadManager.systemMonitors(null, () -> 0, () -> 0).create(Resource.FILE_DESCRIPTORS, 50)
            .max()).isEqualTo(50);
    }
}
