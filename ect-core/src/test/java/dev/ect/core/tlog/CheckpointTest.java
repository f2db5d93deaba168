package dev.ect.core.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** L-07: checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519. */
class CheckpointTest {
    static final String ORIGIN = "ledger.example.com/agent-b";
    static final EctKeyPair KEY = EctKeys.generate(EctAlgorithm.EDDSA, "ledger-1");
    static final CheckpointSigner SIGNER = CheckpointSigner.of(ORIGIN, KEY);
    static final byte[] ROOT = MerkleReferenceTest.sha256("root".getBytes(StandardCharsets.UTF_8));

    static byte[] rawKey() {
        byte[] enc = KEY.publicKey().getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    @Test
    @DisplayName("L-07 a signed checkpoint verifies with plain JCA Ed25519: key id, signature line, note text")
    void signedNoteVerifiesWithPlainJca() throws Exception {
        String note = SIGNER.sign(new Checkpoint(ORIGIN, 42, ROOT));
        String text = ORIGIN + "\n42\n" + Base64.getEncoder().encodeToString(ROOT) + "\n";
        assertThat(note).startsWith(text + "\n\u2014 " + ORIGIN + " ").endsWith("\n");
        String sigLine = note.substring(text.length() + 1, note.length() - 1);
        byte[] sig = Base64.getDecoder().decode(sigLine.substring(("\u2014 " + ORIGIN + " ").length()));
        assertThat(sig).hasSize(4 + 64);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(ORIGIN.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0A);
        md.update((byte) 0x01);
        md.update(rawKey());
        assertThat(Arrays.copyOf(sig, 4)).as("key id").isEqualTo(Arrays.copyOf(md.digest(), 4));
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(KEY.publicKey());
        v.update(text.getBytes(StandardCharsets.UTF_8));
        assertThat(v.verify(Arrays.copyOfRange(sig, 4, sig.length))).isTrue();
    }

    @Test
    @DisplayName("L-07 the verifier key is <name>+<hex key id>+<base64(0x01 || key)> and round-trips")
    void verifierKeyForm() {
        String vkey = SIGNER.verifierKey();
        String[] parts = vkey.split("\\+", 3);
        assertThat(parts).hasSize(3);
        assertThat(parts[0]).isEqualTo(ORIGIN);
        assertThat(parts[1]).hasSize(8).matches("[0-9a-f]{8}");
        byte[] k = Base64.getDecoder().decode(parts[2]);
        assertThat(k[0]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(k, 1, 33)).isEqualTo(rawKey());
        CheckpointVerifier v = CheckpointVerifier.parse(vkey);
        assertThat(v.verifierKey()).isEqualTo(vkey);
        assertThat(v.verify(SIGNER.sign(new Checkpoint(ORIGIN, 7, ROOT)))).isEqualTo(new Checkpoint(ORIGIN, 7, ROOT));
        String wrongId = parts[0] + "+" + HexFormat.of().formatHex(new byte[4]) + "+" + parts[2];
        assertThatThrownBy(() -> CheckpointVerifier.parse(wrongId)).hasMessageContaining("key id");
        assertThat(CheckpointVerifier.fromJwks(ORIGIN, KEY.publicJwks()).verifierKey()).isEqualTo(vkey);
    }

    @Test
    @DisplayName("L-07 a changed size, root or origin, another key, and a note without this key's line are refused")
    void tamperedNotesAreRefused() {
        String note = SIGNER.sign(new Checkpoint(ORIGIN, 42, ROOT));
        CheckpointVerifier v = SIGNER.verifier();
        assertThatThrownBy(() -> v.verify(note.replaceFirst("\n42\n", "\n41\n"))).hasMessageContaining("does not verify");
        String otherRoot = Base64.getEncoder().encodeToString(MerkleReferenceTest.sha256(new byte[1]));
        assertThatThrownBy(() -> v.verify(note.replace(Base64.getEncoder().encodeToString(ROOT), otherRoot)))
                .hasMessageContaining("does not verify");
        CheckpointSigner other = CheckpointSigner.of(ORIGIN, EctKeys.generate(EctAlgorithm.EDDSA, "x"));
        assertThatThrownBy(() -> v.verify(other.sign(new Checkpoint(ORIGIN, 42, ROOT))))
                .hasMessageContaining("no signature of " + ORIGIN);
        CheckpointSigner elsewhere = CheckpointSigner.of("other.example/log", KEY);
        assertThatThrownBy(() -> v.verify(elsewhere.sign(new Checkpoint("other.example/log", 42, ROOT))))
                .hasMessageContaining("no signature");
        assertThatThrownBy(() -> v.verify(note.replace("\n\n", "\n"))).hasMessageContaining("blank line");
        assertThatThrownBy(() -> v.verify(note + "\u0001")).hasMessageContaining("control");
        assertThatThrownBy(() -> CheckpointSigner.of(ORIGIN, EctKeys.generate(EctAlgorithm.ES256, "e")))
                .hasMessageContaining("Ed25519");
    }

    @Test
    @DisplayName("L-07 signature lines of unknown keys are ignored (cosigners), this key's line is still required")
    void unknownSignaturesAreIgnored() {
        String note = SIGNER.sign(new Checkpoint(ORIGIN, 3, ROOT));
        String cosigned = note + "\u2014 witness.example/w1 " + Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        assertThat(SIGNER.verifier().verify(cosigned).size()).isEqualTo(3);
    }

    @Test
    @DisplayName("L-07 checkpoint text is parsed strictly: three lines, decimal size without leading zeros, 32-byte root")
    void checkpointTextIsStrict() {
        String root = Base64.getEncoder().encodeToString(ROOT);
        assertThat(Checkpoint.parse(ORIGIN + "\n0\n" + root + "\n").size()).isZero();
        assertThatThrownBy(() -> Checkpoint.parse(ORIGIN + "\n042\n" + root + "\n")).hasMessageContaining("leading zeros");
        assertThatThrownBy(() -> Checkpoint.parse(ORIGIN + "\n42\n" + root)).hasMessageContaining("newline");
        assertThatThrownBy(() -> Checkpoint.parse(ORIGIN + "\n42\n" + root + "\next\n")).hasMessageContaining("extension");
        assertThatThrownBy(() -> Checkpoint.parse(ORIGIN + "\n42\nAAAA\n")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new Checkpoint("a b", 1, ROOT)).hasMessageContaining("spaces");
        assertThatThrownBy(() -> new Checkpoint("a+b", 1, ROOT)).hasMessageContaining("'+'");
    }
}
