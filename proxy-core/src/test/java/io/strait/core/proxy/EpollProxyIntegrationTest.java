package io.strait.core.proxy;

/** The end-to-end proxy tests on the epoll transport. */
class EpollProxyIntegrationTest extends AbstractProxyIntegrationTest {

    @Override
    String transport() {
        return "epoll";
    }
}
