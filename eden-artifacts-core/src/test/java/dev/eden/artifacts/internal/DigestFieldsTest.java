package dev.eden.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestFieldsTest {
  /** SHA-256 of no bytes, the example of RFC 9530 (and RFC 8941 base64 of it). */
  static final String EMPTY_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final String EMPTY_B64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  static final String EMPTY_FIELD = "sha-256=:" + EMPTY_B64 + ":";
  /** A 64-byte value, as a sha-512 member would carry. */
  static final String SHA512_MEMBER = "sha-512=:" + Base64.getEncoder().encodeToString(new byte[64]) + ":";

  @Test
  void isSha256HexTakesExactly64LowercaseHexDigits() {
    assertThat(DigestFields.isSha256Hex(EMPTY_HEX)).isTrue();
    assertThat(DigestFields.isSha256Hex(EMPTY_HEX.toUpperCase())).isFalse();
    assertThat(DigestFields.isSha256Hex(EMPTY_HEX.substring(1))).isFalse();
    assertThat(DigestFields.isSha256Hex(EMPTY_HEX + "0")).isFalse();
    assertThat(DigestFields.isSha256Hex(EMPTY_HEX.substring(1) + "g")).isFalse();
    assertThat(DigestFields.isSha256Hex("")).isFalse();
    assertThat(DigestFields.isSha256Hex(null)).isFalse();
  }

  @Test
  void sha256WritesTheFieldOfRfc9530() {
    assertThat(DigestFields.sha256(EMPTY_HEX)).isEqualTo(EMPTY_FIELD);
  }

  @Test
  void whatIsWrittenReadsBack() throws Exception {
    String hex = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest("hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(DigestFields.sha256Of(DigestFields.sha256(hex))).contains(hex);
  }

  @Test
  void sha256MemberIsReadAsLowercaseHex() {
    assertThat(DigestFields.sha256Of(EMPTY_FIELD)).contains(EMPTY_HEX);
  }

  @Test
  void parametersOnAMemberAreReadAndDropped() {
    assertThat(DigestFields.sha256Of(EMPTY_FIELD + ";q=1;note=\"x\";flag")).contains(EMPTY_HEX);
    assertThat(DigestFields.sha256Of(SHA512_MEMBER + ";a=?1, " + EMPTY_FIELD + ";b=2.5")).contains(EMPTY_HEX);
  }

  @Test
  void sha256IsFoundAmongSeveralMembersInAnyOrder() {
    assertThat(DigestFields.sha256Of(SHA512_MEMBER + ", " + EMPTY_FIELD)).contains(EMPTY_HEX);
    assertThat(DigestFields.sha256Of(EMPTY_FIELD + ", " + SHA512_MEMBER + ", md5=:AAAA:")).contains(EMPTY_HEX);
    assertThat(DigestFields.sha256Of("unixsum=42, crc32c=?0, id=token/x, " + EMPTY_FIELD)).contains(EMPTY_HEX);
  }

  @Test
  void whitespaceAroundMembersIsAllowed() {
    assertThat(DigestFields.sha256Of("   " + EMPTY_FIELD + "   ")).contains(EMPTY_HEX);
    assertThat(DigestFields.sha256Of(SHA512_MEMBER + " ,\t " + EMPTY_FIELD)).contains(EMPTY_HEX);
    assertThat(DigestFields.sha256Of(SHA512_MEMBER + ",\t" + EMPTY_FIELD + "\t")).contains(EMPTY_HEX);
  }

  @Test
  void repeatedKeyKeepsItsLastValue() {
    String other = Base64.getEncoder().encodeToString(new byte[32]);
    assertThat(DigestFields.sha256Of("sha-256=:" + other + ":, " + EMPTY_FIELD)).contains(EMPTY_HEX);
    assertThat(DigestFields.sha256Of(EMPTY_FIELD + ", sha-256=:" + other + ":")).contains("0".repeat(64));
  }

  @Test
  void onlyOtherAlgorithmsMeansNothingToCheck() {
    assertThat(DigestFields.sha256Of(SHA512_MEMBER)).isEmpty();
    assertThat(DigestFields.sha256Of("sha-512=:AAAA:, unixsum=1")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void emptyFieldNamesNoDigest(String value) {
    assertThat(DigestFields.sha256Of(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", // no closing colon
      "sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // no opening colon
      "sha-256=:47DEQpj8HBSa*/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // '*' is not base64
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU===:", // padding past the data
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:,", // trailing comma
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:, ", // trailing comma and space
      ", sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // leading comma
      "SHA-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // keys are lowercase
      "Sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
      "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=: sha-512=:AAAA:", // no comma
      "sha-256 =:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // space before '='
      "\tsha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", // leading tab
      "sha-256=\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", // unterminated string
  })
  void malformedDictionaryIsRefused(String value) {
    assertThatThrownBy(() -> DigestFields.sha256Of(value)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sha256MemberThatIsNot32BytesIsRefused() {
    String bytes31 = Base64.getEncoder().encodeToString(new byte[31]);
    String bytes33 = Base64.getEncoder().encodeToString(new byte[33]);
    for (String value : new String[] {"sha-256=:" + bytes31 + ":", "sha-256=:" + bytes33 + ":", "sha-256=::"}) {
      assertThatThrownBy(() -> DigestFields.sha256Of(value)).as(value)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32-byte");
    }
  }

  @Test
  void sha256MemberThatIsNotAByteSequenceIsRefused() {
    for (String value : new String[] {"sha-256", "sha-256=?1", "sha-256=token", "sha-256=42",
        "sha-256=\"" + EMPTY_B64 + "\"", "sha-256=(:" + EMPTY_B64 + ":)"}) {
      assertThatThrownBy(() -> DigestFields.sha256Of(value)).as(value)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32-byte");
    }
  }

  @Test
  void malformedOtherMemberMakesTheWholeFieldMalformed() {
    assertThatThrownBy(() -> DigestFields.sha256Of(EMPTY_FIELD + ", sha-512=:AA"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
