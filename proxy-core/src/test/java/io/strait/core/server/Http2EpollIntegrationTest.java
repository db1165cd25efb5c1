package io.strait.core.server;

/** The downstream HTTP/2 tests ({@link AbstractHttp2IntegrationTest}) on epoll. */
class Http2EpollIntegrationTest extends AbstractHttp2IntegrationTest {

    @Override
    String transport() {
        return "epoll";
    }
}
