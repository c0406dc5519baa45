package dev.gatehouse.crypto;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The single place that picks the JCA provider for every primitive of this library. If the application has
 * registered the Bouncy Castle FIPS provider ({@code BCFIPS}) it is used; otherwise a private instance of
 * the general Bouncy Castle provider, which is deliberately not added to the JVM-wide provider list.
 */
public final class CryptoProviders {

    private static final Provider PROVIDER = select();
    private static final SecureRandom RANDOM = randomFor(PROVIDER);

    private CryptoProviders() {
    }

    public static Provider provider() {
        return PROVIDER;
    }

    public static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static SecureRandom randomFor(Provider provider) {
        try {
            // BCFIPS offers its approved DRBG as "DEFAULT"; the general provider defers to the JDK.
            return provider.getName().equals("BCFIPS") ? SecureRandom.getInstance("DEFAULT", provider) : new SecureRandom();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no approved random generator in " + provider.getName(), e);
        }
    }

    private static Provider select() {
        Provider fips = Security.getProvider("BCFIPS");
        return fips != null ? fips : new BouncyCastleProvider();
    }
}
