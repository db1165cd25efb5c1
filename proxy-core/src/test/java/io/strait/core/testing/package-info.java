/**
 * Test fixtures for Strait integration tests: a proxy under test with its upstreams, on a YAML text block with
 * port placeholders ({@link io.strait.core.testing.ProxyExtension}), a scriptable Netty HTTP/1.1 upstream ({@link
 * io.strait.core.testing.TestUpstream}, wrapped for JUnit by {@link io.strait.core.testing.UpstreamServerExtension}),
 * a blocking raw-bytes HTTP/1.1 client ({@link io.strait.core.testing.RawHttpClient}) and a leak detector that
 * fails any test class whose buffers were garbage-collected unreleased
 * ({@link io.strait.core.testing.LeakDetectionExtension}, registered for every test by autodetection).
 * Everything binds to 127.0.0.1 only. A test class using real sockets is named {@code *IntegrationTest}; a unit
 * test, one on an {@code EmbeddedChannel} included, {@code *Test}.
 */
package io.strait.core.testing;
