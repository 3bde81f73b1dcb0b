package io.trellis.admin;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS for the admin API over TCP, like {@code dockerd --tlsverify}: the agent presents
 * {@code cert}/{@code key} and serves only clients whose certificate {@code ca} signed and whose
 * subject OU is the admin role (see {@link AdminClientTrust}).
 */
public final class AdminTls {
    private AdminTls() {
    }

    /**
     * @param ca       PEM file with the CA(s) client certificates must chain to
     * @param cert     PEM file with the listener's certificate (and any intermediates)
     * @param key      PEM file with the listener's PKCS#8 private key
     * @param clientOu the subject OU a client certificate must carry
     * @throws IOException one line naming the file that is missing or unreadable
     */
    public static SslContext server(Path ca, Path cert, Path key, String clientOu) throws IOException {
        for (Path file : new Path[] {ca, cert, key}) {
            if (!Files.isReadable(file)) {
                throw new IOException(file + " is missing or unreadable");
            }
        }
        try {
            return SslContextBuilder.forServer(cert.toFile(), key.toFile())
                    .trustManager(new AdminClientTrust(defaultTrust(ca), clientOu))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot load the admin TLS files " + cert + " and " + key + ": "
                    + HandshakeWatcher.reason(e), e);
        }
    }

    private static X509ExtendedTrustManager defaultTrust(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (cas.isEmpty()) {
                throw new IOException(caFile + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : cas) {
                store.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return (X509ExtendedTrustManager) f.getTrustManagers()[0];
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
