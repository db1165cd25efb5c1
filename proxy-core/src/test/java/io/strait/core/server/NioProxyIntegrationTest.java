package io.strait.core.server;

/** The end-to-end proxy tests on the nio transport. */
class NioProxyIntegrationTest extends AbstractProxyIntegrationTest {

    @Override
    public String transport() {
        return "nio";
    }
}
