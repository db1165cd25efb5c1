package io.strait.core.server;

/** The downstream HTTP/2 tests ({@link AbstractHttp2IntegrationTest}) on io_uring. */
class Http2IoUringIntegrationTest extends AbstractHttp2IntegrationTest {

    @Override
    String transport() {
        return "io_uring";
    }
}
