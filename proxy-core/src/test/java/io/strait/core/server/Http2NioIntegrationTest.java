package io.strait.core.server;

/** The downstream HTTP/2 tests ({@link AbstractHttp2IntegrationTest}) on NIO. */
class Http2NioIntegrationTest extends AbstractHttp2IntegrationTest {

    @Override
    String transport() {
        return "nio";
    }
}
