package io.strait.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Thread-safe. The session ticket keys of one TLS listener, shared by all of its contexts (one per certificate) and
 * kept when those contexts are rebuilt (a certificate reload), so a client resumes whichever certificate it reaches
 * and whenever it returns within the ticket lifetime. The keys are random ones made here, rotated on an interval
 * (the newest encrypts, the ones a live ticket may still use decrypt), or read from files that several instances
 * share.
 *
 * <p>{@link #apply} puts the settings on a context as it is built; {@link #rotate} makes a new key, after which the
 * caller applies the keys again to the contexts in force.
 */
public final class SessionTickets {

    /** The size of a key file: nginx's 48-byte {@code ssl_session_ticket_key} format. */
    public static final int KEY_FILE_BYTES = 48;
    private static final int PART = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionTicketOptions options;
    /** How many random keys are kept: the encrypting one and those a ticket within its lifetime may need. */
    private final int keep;
    /** Newest first; replaced whole. */
    private volatile OpenSslSessionTicketKey[] keys;

    /**
     * Keys for {@code options}: read from its files, or one random key.
     *
     * @throws TlsConfigException naming {@code session_tickets.key_files[i]} when a file cannot be used
     */
    public SessionTickets(final SessionTicketOptions options) throws TlsConfigException {
        this.options = options;
        this.keep = options.rotates()
            ? 1 + (int) Math.min(64, ceilDiv(options.lifetime().toMillis(), options.rotation().toMillis()))
            : 1;
        this.keys = options.keyFiles().isEmpty() ? new OpenSslSessionTicketKey[] {randomKey()} : readFiles(options);
    }

    /** The options these keys follow. */
    public SessionTicketOptions options() {
        return options;
    }

    /** How many keys decrypt now (the first of them encrypts). */
    public int size() {
        return keys.length;
    }

    /** The name of the key that encrypts new tickets (tests compare it across rotations). */
    public byte[] currentKeyName() {
        return keys[0].name();
    }

    /** A new random encrypting key; the oldest beyond what live tickets need are dropped. No-op for key files. */
    public void rotate() {
        if (!options.keyFiles().isEmpty()) {
            return;
        }
        final OpenSslSessionTicketKey[] old = keys;
        final int n = Math.min(keep, old.length + 1);
        final OpenSslSessionTicketKey[] next = new OpenSslSessionTicketKey[n];
        next[0] = randomKey();
        System.arraycopy(old, 0, next, 1, n - 1);
        keys = next;
    }

    /**
     * Reads the key files again (an operator replaced them). No-op for random keys.
     *
     * @throws TlsConfigException naming the file that cannot be used; the keys in force stay
     */
    public void reloadFiles() throws TlsConfigException {
        if (!options.keyFiles().isEmpty()) {
            keys = readFiles(options);
        }
    }

    /**
     * Puts the ticket settings on {@code context}: the keys and the lifetime, or tickets off. Contexts on the JDK's
     * provider have no ticket keys to set and keep the JDK's own behaviour.
     */
    public void apply(final SslContext context) {
        if (!(context.sessionContext() instanceof OpenSslSessionContext sessions)) {
            return;
        }
        sessions.setSessionTimeout((int) Math.min(Integer.MAX_VALUE, options.lifetime().toSeconds()));
        if (options.enabled()) {
            sessions.setTicketKeys(keys);
        }
        // else: tickets are turned off per connection (SniHandlerFactory), as Netty's engine turns them on per
        // connection, whatever its context says.
    }

    private static OpenSslSessionTicketKey[] readFiles(final SessionTicketOptions options) throws TlsConfigException {
        final OpenSslSessionTicketKey[] out = new OpenSslSessionTicketKey[options.keyFiles().size()];
        for (int i = 0; i < out.length; i++) {
            final Path file = options.keyFiles().get(i);
            final String field = "session_tickets.key_files[" + i + "]";
            final byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (final IOException e) {
                throw new TlsConfigException(field, "cannot read " + file + ": " + e.getMessage());
            }
            if (bytes.length != KEY_FILE_BYTES) {
                throw new TlsConfigException(field, file + " has " + bytes.length + " bytes; a ticket key file has "
                    + KEY_FILE_BYTES + " random bytes (e.g. openssl rand 48 > " + file.getFileName() + ")");
            }
            // nginx's layout: key name, AES key, HMAC key.
            out[i] = new OpenSslSessionTicketKey(Arrays.copyOfRange(bytes, 0, PART),
                Arrays.copyOfRange(bytes, 2 * PART, 3 * PART), Arrays.copyOfRange(bytes, PART, 2 * PART));
        }
        return out;
    }

    private static OpenSslSessionTicketKey randomKey() {
        final byte[] name = new byte[PART];
        final byte[] hmac = new byte[PART];
        final byte[] aes = new byte[PART];
        RANDOM.nextBytes(name);
        RANDOM.nextBytes(hmac);
        RANDOM.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }

    private static long ceilDiv(final long a, final long b) {
        return (a + b - 1) / b;
    }
}
