package dev.gatehouse.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway certificate authority for TLS tests: issues server certificates for an IP address
 * and client certificates, and hands them out as PEM text (as an operator would paste them) or as
 * PKCS#12 key and trust stores (as a test server wants them). Keys are EC P-256, quick to make.
 */
public final class TestCertificateAuthority {

    private static final Duration VALIDITY = Duration.ofDays(1);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final X500Name name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificateAuthority(X500Name name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    public static TestCertificateAuthority create(String name) {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
        return new TestCertificateAuthority(subject, keys, sign(builder, keys));
    }

    public String certificatePem() {
        return pem("CERTIFICATE", encoded(certificate));
    }

    /** A certificate a server presents at {@code ipAddress}, which hostname verification accepts. */
    public IssuedCertificate issueServer(String ipAddress) {
        return issue("CN=" + ipAddress, KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName(GeneralName.iPAddress, ipAddress)));
    }

    public IssuedCertificate issueClient(String commonName) {
        return issue("CN=" + commonName, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** A PKCS#12 trust store holding this authority's certificate, for a server that asks clients for theirs. */
    public Path writeTrustStore(Path file, String password) throws IOException {
        KeyStore store = emptyStore();
        try {
            store.setCertificateEntry("ca", certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return write(store, file, password);
    }

    private IssuedCertificate issue(String subject, KeyPurposeId purpose, GeneralNames alternativeNames) {
        KeyPair issued = newKeyPair();
        X509v3CertificateBuilder builder = builder(name, new X500Name(subject), issued);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (alternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
            }
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
        return new IssuedCertificate(sign(builder, keys), issued, certificate);
    }

    /** A certificate with its private key, signed by the authority. */
    public static final class IssuedCertificate {

        private final X509Certificate certificate;
        private final KeyPair keys;
        private final X509Certificate issuer;

        private IssuedCertificate(X509Certificate certificate, KeyPair keys, X509Certificate issuer) {
            this.certificate = certificate;
            this.keys = keys;
            this.issuer = issuer;
        }

        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
        public String privateKeyPem() {
            return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        }

        /** A PKCS#12 key store with this certificate, its chain and its key, under one password. */
        public Path writeKeyStore(Path file, String password) throws IOException {
            KeyStore store = emptyStore();
            try {
                store.setKeyEntry("key", keys.getPrivate(), password.toCharArray(), new Certificate[] {certificate, issuer});
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return write(store, file, password);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static KeyStore emptyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(KeyStore store, Path file, String password) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }
}
