package dev.gatehouse.crypto.signing;

import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.crypto.CryptoProviders;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.crypto.keystore.MasterSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeyRingTest {

    private static final MasterSecret SECRET = MasterSecret.of("signing keys master secret".toCharArray());
    private static final byte[] CHECKPOINT = "gatehouse.audit/log\n42\nq6Cw8Yxv\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    private Ed25519KeyRing ring;

    @BeforeEach
    void openRing() {
        ring = Ed25519KeyRing.openOrCreate(directory.resolve("signing.bcfks"), SECRET);
    }

    private SignatureVerifier publishedVerifier() {
        return SignatureVerifier.of(PublicKeySet.parsePem(ring.publicKeys().toPem()));
    }

    @Test
    void signatureVerifiesOfflineWithThePublishedKeys() {
        Signature signature = ring.sign(CHECKPOINT);

        publishedVerifier().verify(CHECKPOINT, Signature.decode(signature.encode()));
        assertThat(signature.keyId()).isEqualTo(ring.activeKeyId());
    }

    @Test
    void rejectsSignatureOverAlteredMessage() {
        Signature signature = ring.sign(CHECKPOINT);
        byte[] altered = CHECKPOINT.clone();
        altered[20] ^= 0x01;

        assertFailsWith(ErrorCode.SIGNATURE_INVALID, () -> publishedVerifier().verify(altered, signature));
    }

    @Test
    void rejectsSignatureOfUnpublishedKey() {
        Ed25519KeyRing otherRing = Ed25519KeyRing.openOrCreate(directory.resolve("other.bcfks"), SECRET);

        assertFailsWith(ErrorCode.SIGNING_KEY_UNKNOWN, () -> publishedVerifier().verify(CHECKPOINT, otherRing.sign(CHECKPOINT)));
    }

    @Test
    void rotationSignsWithNewKeyAndKeepsOldSignaturesVerifiable() {
        Signature beforeRotation = ring.sign(CHECKPOINT);

        String newKeyId = ring.rotate();
        Signature afterRotation = ring.sign(CHECKPOINT);

        assertThat(afterRotation.keyId()).isEqualTo(newKeyId).isNotEqualTo(beforeRotation.keyId());
        publishedVerifier().verify(CHECKPOINT, beforeRotation);
        publishedVerifier().verify(CHECKPOINT, afterRotation);
        assertThat(ring.publicKeys().keys()).extracting(PublishedKey::keyId, PublishedKey::active)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(beforeRotation.keyId(), false),
                        org.assertj.core.groups.Tuple.tuple(newKeyId, true));
    }

    @Test
    void keepsSigningKeysAcrossReopen() {
        ring.rotate();
        String activeKeyId = ring.activeKeyId();

        Ed25519KeyRing reopened = Ed25519KeyRing.openOrCreate(directory.resolve("signing.bcfks"), SECRET);

        assertThat(reopened.activeKeyId()).isEqualTo(activeKeyId);
        assertThat(reopened.publicKeys().keys()).hasSize(2);
        publishedVerifier().verify(CHECKPOINT, reopened.sign(CHECKPOINT));
    }

    @Test
    void rejectsPublishedKeyWhoseIdIsNotItsThumbprint() {
        String pem = ring.publicKeys().toPem().replace(ring.activeKeyId(), "forged-key-id");

        assertThatThrownBy(() -> PublicKeySet.parsePem(pem)).isInstanceOf(IllegalArgumentException.class);
    }

    /** RFC 8032, section 7.1, TEST 1 (empty message). */
    @Test
    void verifiesRfc8032TestVector() throws Exception {
        byte[] rawPublicKey = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] signature = HexFormat.of().parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        PublicKey publicKey = KeyFactory.getInstance("Ed25519", CryptoProviders.provider()).generatePublic(
                new X509EncodedKeySpec(new SubjectPublicKeyInfo(
                        new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), rawPublicKey).getEncoded()));
        String keyId = PublishedKey.keyIdOf(publicKey);
        SignatureVerifier verifier = SignatureVerifier.of(new PublicKeySet(
                List.of(new PublishedKey(keyId, publicKey, Instant.EPOCH, true))));

        verifier.verify(new byte[0], new Signature(keyId, signature));
        assertFailsWith(ErrorCode.SIGNATURE_INVALID, () -> verifier.verify(new byte[1], new Signature(keyId, signature)));
    }
}
