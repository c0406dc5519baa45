package dev.gatehouse.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.gatehouse.crypto.CryptoAssertions.assertFailsWith;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AesGcmKnownAnswerTest {

    record Vector(byte[] key, byte[] iv, byte[] plaintext, byte[] associatedData, byte[] ciphertextAndTag) {
        SecretKey secretKey() {
            return new SecretKeySpec(key, "AES");
        }
    }

    static Stream<Vector> vectors() throws IOException {
        try (InputStream in = AesGcmKnownAnswerTest.class.getResourceAsStream("aes-256-gcm-known-answers.txt")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            return lines.stream().map(line -> {
                byte[][] fields = Arrays.stream(line.split("\\|")).map(String::strip)
                        .map(field -> field.equals("-") ? new byte[0] : HexFormat.of().parseHex(field))
                        .toArray(byte[][]::new);
                byte[] ciphertextAndTag = new byte[fields[4].length + fields[5].length];
                System.arraycopy(fields[4], 0, ciphertextAndTag, 0, fields[4].length);
                System.arraycopy(fields[5], 0, ciphertextAndTag, fields[4].length, fields[5].length);
                return new Vector(fields[0], fields[1], fields[2], fields[3], ciphertextAndTag);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encryptsToPublishedCiphertextAndTag(Vector vector) {
        assertThat(AesGcm.seal(vector.secretKey(), vector.iv(), vector.associatedData(), vector.plaintext()))
                .isEqualTo(vector.ciphertextAndTag());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void decryptsPublishedCiphertextToPlaintext(Vector vector) {
        assertThat(AesGcm.open(vector.secretKey(), vector.iv(), vector.associatedData(), vector.ciphertextAndTag()))
                .isEqualTo(vector.plaintext());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void rejectsPublishedCiphertextWithFlippedTagBit(Vector vector) {
        byte[] tampered = vector.ciphertextAndTag();
        tampered[tampered.length - 1] ^= 0x01;
        assertFailsWith(ErrorCode.DECRYPTION_FAILED,
                () -> AesGcm.open(vector.secretKey(), vector.iv(), vector.associatedData(), tampered));
    }
}
