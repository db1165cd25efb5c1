package io.strait.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * TLS 1.3 record protection on the data path, BoringSSL (netty-tcnative, {@code OPENSSL}) against the JDK's provider:
 * one record of {@code size} plaintext bytes encrypted ({@code encrypt}: the client engine's {@code wrap}), and
 * encrypted then decrypted by the peer ({@code encryptDecrypt}: {@code wrap} + the server's {@code unwrap}; decrypt
 * alone is the difference, since a record can be decrypted only once). The engines finish a real handshake (ECDSA
 * P-256 certificate, the providers' default TLS 1.3 cipher suite, AES-GCM on this hardware) at setup, then exchange
 * application data only; direct buffers throughout, as Netty's SslHandler hands them to BoringSSL.
 *
 * <p>Throughput in bytes per second is {@code size / (ns/op) × 1e9}. Run with {@code -prof gc}: BoringSSL's engine
 * allocates only the 40-byte {@code SSLEngineResult} per call, the JDK's ~3.3 KB per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlsRecordBenchmark {

    @Param({"OPENSSL", "JDK"})
    public String provider;

    /**
     * Plaintext bytes per record: a small response, and a nearly full record (16,000 bytes: the JDK engine puts at
     * most 16,367 bytes of plaintext into one record).
     */
    @Param({"1024", "16000"})
    public int size;

    private SSLEngine client;
    private SSLEngine server;
    private ByteBuffer plain;
    private ByteBuffer record;
    private ByteBuffer decrypted;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        final KeyPair keys = generator.generateKeyPair();
        final X509Certificate cert = selfSigned(keys);
        final SslProvider p = SslProvider.valueOf(provider);
        final SslContext serverContext = SslContextBuilder.forServer(keys.getPrivate(), cert).sslProvider(p)
            .protocols("TLSv1.3").build();
        final SslContext clientContext = SslContextBuilder.forClient().sslProvider(p).protocols("TLSv1.3")
            .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        client = clientContext.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443);
        server = serverContext.newEngine(ByteBufAllocator.DEFAULT);
        handshake(client, server);
        if (!"TLSv1.3".equals(client.getSession().getProtocol())) {
            throw new IllegalStateException("expected TLSv1.3, negotiated " + client.getSession().getProtocol());
        }
        plain = ByteBuffer.allocateDirect(size);
        final byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        plain.put(bytes).flip();
        record = ByteBuffer.allocateDirect(client.getSession().getPacketBufferSize());
        decrypted = ByteBuffer.allocateDirect(Math.max(size, server.getSession().getApplicationBufferSize()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.closeOutbound();
        server.closeOutbound();
    }

    /** Encrypts one record; returns its length on the wire. */
    @Benchmark
    public int encrypt() throws SSLException {
        plain.rewind();
        record.clear();
        final SSLEngineResult r = client.wrap(plain, record);
        if (r.getStatus() != SSLEngineResult.Status.OK || plain.hasRemaining()) {
            throw new IllegalStateException("wrap: " + r);
        }
        return record.position();
    }

    /** Encrypts one record and has the peer decrypt it; returns the plaintext length recovered. */
    @Benchmark
    public int encryptDecrypt() throws SSLException {
        encrypt();
        record.flip();
        decrypted.clear();
        final SSLEngineResult r = server.unwrap(record, decrypted);
        if (r.getStatus() != SSLEngineResult.Status.OK || decrypted.position() != size) {
            throw new IllegalStateException("unwrap: " + r + ", " + decrypted.position() + " bytes");
        }
        return decrypted.position();
    }

    /** A one-day self-signed certificate for {@code keys}, signed with SHA-256/ECDSA. */
    static X509Certificate selfSigned(final KeyPair keys) throws Exception {
        final X500Name name = new X500Name("CN=localhost");
        final long now = System.currentTimeMillis();
        final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now),
            new Date(now - 60_000), new Date(now + 86_400_000), name, keys.getPublic());
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    /**
     * Runs the handshake between two engines in memory until both are done and nothing is left in flight (TLS 1.3
     * servers send session tickets after the handshake; the client reads them here, not in the measured loop).
     */
    static void handshake(final SSLEngine client, final SSLEngine server) throws SSLException {
        final ByteBuffer empty = ByteBuffer.allocateDirect(0);
        final ByteBuffer toServer = ByteBuffer.allocateDirect(1 << 17);
        final ByteBuffer toClient = ByteBuffer.allocateDirect(1 << 17);
        final ByteBuffer sink = ByteBuffer.allocateDirect(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 200; i++) {
            client.wrap(empty, toServer);
            runTasks(client);
            server.wrap(empty, toClient);
            runTasks(server);
            toServer.flip();
            while (toServer.hasRemaining()) {
                sink.clear();
                if (server.unwrap(toServer, sink).bytesConsumed() == 0) {
                    break;
                }
                runTasks(server);
            }
            toServer.compact();
            toClient.flip();
            while (toClient.hasRemaining()) {
                sink.clear();
                if (client.unwrap(toClient, sink).bytesConsumed() == 0) {
                    break;
                }
                runTasks(client);
            }
            toClient.compact();
            if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0 && i > 2) {
                return;
            }
        }
        throw new IllegalStateException("handshake did not finish: client " + client.getHandshakeStatus()
            + ", server " + server.getHandshakeStatus());
    }

    private static boolean done(final SSLEngine engine) {
        final SSLEngineResult.HandshakeStatus s = engine.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void runTasks(final SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
