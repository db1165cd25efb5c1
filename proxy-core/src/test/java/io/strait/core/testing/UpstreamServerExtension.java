package io.strait.core.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Thread-safe (JUnit drives the callbacks; the accessors delegate to a thread-safe upstream). Runs a
 * {@link TestUpstream} for a test class. Registered on a static field
 * ({@code @RegisterExtension static final UpstreamServerExtension up = new UpstreamServerExtension("a");}) it starts
 * before all tests and stops after them; registered on an instance field it starts and stops around each test.
 * Before each test it calls {@link TestUpstream#reset()}, so every test sees default behaviour, an empty request log
 * and zeroed counters.
 */
public final class UpstreamServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String name;
    private volatile TestUpstream upstream;
    private volatile boolean perTest;

    /**
     * @param name the upstream's name, sent back in {@code x-upstream}
     */
    public UpstreamServerExtension(final String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        upstream = new TestUpstream(name).start();
    }

    @Override
    public void beforeEach(final ExtensionContext context) {
        final TestUpstream u = upstream;
        if (u == null) {
            perTest = true;
            upstream = new TestUpstream(name).start();
        } else {
            u.reset();
        }
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        stop();
    }

    /** Returns the running upstream. */
    public TestUpstream upstream() {
        final TestUpstream u = upstream;
        if (u == null) {
            throw new IllegalStateException("upstream " + name + " is not running");
        }
        return u;
    }

    /** Returns the upstream's name. */
    public String name() {
        return name;
    }

    /** Returns the upstream's port. */
    public int port() {
        return upstream().port();
    }

    /** Returns the upstream's address (127.0.0.1 and the port). */
    public InetSocketAddress address() {
        return upstream().address();
    }

    /** See {@link TestUpstream#requestCount()}. */
    public int requestCount() {
        return upstream().requestCount();
    }

    /** See {@link TestUpstream#connectionCount()}. */
    public int connectionCount() {
        return upstream().connectionCount();
    }

    /** See {@link TestUpstream#activeConnectionCount()}. */
    public int activeConnectionCount() {
        return upstream().activeConnectionCount();
    }

    /** See {@link TestUpstream#takeRequest(Duration)}. */
    public RecordedRequest takeRequest(final Duration timeout) {
        return upstream().takeRequest(timeout);
    }

    /** See {@link TestUpstream#requests()}. */
    public List<RecordedRequest> requests() {
        return upstream().requests();
    }

    private void stop() {
        final TestUpstream u = upstream;
        upstream = null;
        if (u != null) {
            u.close();
        }
    }
}
