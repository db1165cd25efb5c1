package io.strait.core.config;


/**
 * Immutable. One entry of a route's {@code hash_policy}: exactly one of {@code header} (a header name, lower-cased),
 * {@code cookie} (a cookie name, case-sensitive) or {@code sourceIp} (hash the client address).
 */
public record HashPolicyConfig(
        String header,
        String cookie,
        boolean sourceIp) {

    /** Hashes the first value of this request header. */
    public static HashPolicyConfig ofHeader(final String name) {
        return new HashPolicyConfig(name, null, false);
    }

    /** Hashes the value of this cookie. */
    public static HashPolicyConfig ofCookie(final String name) {
        return new HashPolicyConfig(null, name, false);
    }

    /** Hashes the client (downstream) IP address. */
    public static HashPolicyConfig ofSourceIp() {
        return new HashPolicyConfig(null, null, true);
    }
}
