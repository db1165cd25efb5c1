package io.strait.core.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Thread-safe; blocking: called only on the DNS thread ({@link DnsRefresher}), never on an event loop. Turns an
 * endpoint's host name into its addresses. The system one is {@link InetAddress#getAllByName} (the JVM's resolver,
 * with its own cache: {@code networkaddress.cache.ttl}, 30 s by default); tests inject a fake.
 */
@FunctionalInterface
public interface EndpointResolver {

    /** The JVM's resolver. */
    EndpointResolver SYSTEM = InetAddress::getAllByName;

    /**
     * The addresses of {@code host} (an IP literal resolves to itself without a lookup).
     *
     * @throws UnknownHostException if the name does not resolve
     */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
