package io.strait.core.server;

/** The end-to-end proxy tests on the io_uring transport. */
class IoUringProxyIntegrationTest extends AbstractProxyIntegrationTest {

    @Override
    public String transport() {
        return "io_uring";
    }
}
