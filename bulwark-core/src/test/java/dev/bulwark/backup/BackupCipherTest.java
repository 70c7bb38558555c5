package dev.bulwark.backup;

import dev.bulwark.BulwarkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupCipherTest {
    static final BackupCipher.Key KEY = BackupCipher.Key.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "test key");
    static final int HEADER = 49;

    @TempDir
    Path dir;

    private byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    private Path encrypt(byte[] plain, BackupCipher.Key key) throws IOException {
        Path f = dir.resolve("x.enc");
        try (OutputStream o = BackupCipher.encrypt(Files.newOutputStream(f), key)) {
            // odd write sizes cross chunk boundaries
            for (int off = 0; off < plain.length; off += 70_001) {
                o.write(plain, off, Math.min(70_001, plain.length - off));
            }
        }
        return f;
    }

    @Test
    void roundTripsAcrossSeveralChunksAndEmptyInput() throws IOException {
        for (int n : new int[]{0, 1, BackupCipher.CHUNK, BackupCipher.CHUNK + 1, 2 * BackupCipher.CHUNK + 12345}) {
            byte[] plain = data(n);
            Path f = encrypt(plain, KEY);
            assertThat(BackupCipher.isEncrypted(f)).isTrue();
            assertThat(BackupCipher.decryptToBytes(f, KEY)).as("size " + n).isEqualTo(plain);
        }
    }

    @Test
    void passphraseRoundTripsAndAWrongPassphraseSaysWrongKeyNotDamaged() throws IOException {
        BackupCipher.Key pass = BackupCipher.Key.parse("correct horse battery staple", "env");
        Path f = encrypt(data(1000), pass);
        assertThat(BackupCipher.decryptToBytes(f, pass)).isEqualTo(data(1000));
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, BackupCipher.Key.parse("wrong horse battery staple", "env")))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.code()).isEqualTo(dev.bulwark.ErrorCode.USAGE))
                .hasMessageStartingWith("wrong key: ").hasMessageNotContaining("damaged").hasMessageNotContaining("altered");
    }

    @Test
    void aWrongRawKeySaysWrongKeyAndWritesNothing() throws IOException {
        Path f = encrypt(data(BackupCipher.CHUNK + 5), KEY);
        BackupCipher.Key other = BackupCipher.Key.parse("ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "other key");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThatThrownBy(() -> BackupCipher.decrypt(f, other, out)).hasMessageStartingWith("wrong key: other key");
        assertThat(out.size()).isZero();
        BackupCipher.Key passphrase = BackupCipher.Key.parse("correct horse battery staple", "env");
        assertThatThrownBy(() -> BackupCipher.decrypt(f, passphrase, out)).hasMessageStartingWith("wrong key: ");
    }

    @Test
    void aDamagedChunkUnderTheRightKeySaysAlteredNotWrongKey() throws IOException {
        Path f = encrypt(data(BackupCipher.CHUNK + 5000), KEY);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 100] ^= 1;
        Files.write(f, b);
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, KEY))
                .isInstanceOfSatisfying(BulwarkException.class, e -> assertThat(e.code()).isEqualTo(dev.bulwark.ErrorCode.FINDINGS))
                .hasMessageContaining("chunk 1 failed authentication").hasMessageContaining("the key is right")
                .hasMessageNotContaining("wrong key");
    }

    @Test
    void aFlippedBitIsDetected() throws IOException {
        Path f = encrypt(data(5000), KEY);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 100] ^= 1;
        Files.write(f, b);
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, KEY)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("chunk 0 failed authentication");
    }

    @Test
    void truncationAtAChunkBoundaryIsDetected() throws IOException {
        byte[] plain = data(BackupCipher.CHUNK + 10);
        Path f = encrypt(plain, KEY);
        byte[] b = Files.readAllBytes(f);
        int firstChunk = 1 + 12 + 4 + BackupCipher.CHUNK + 16;
        Files.write(f, Arrays.copyOf(b, HEADER + firstChunk));
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, KEY)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void markingAnEarlierChunkFinalIsDetected() throws IOException {
        Path f = encrypt(data(BackupCipher.CHUNK + 10), KEY);
        byte[] b = Files.readAllBytes(f);
        b[HEADER] = 1; // claim the first chunk is the last, dropping the rest
        int firstChunk = 1 + 12 + 4 + BackupCipher.CHUNK + 16;
        Files.write(f, Arrays.copyOf(b, HEADER + firstChunk));
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, KEY)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void swappedChunksAreDetected() throws IOException {
        Path f = encrypt(data(2 * BackupCipher.CHUNK + 10), KEY);
        byte[] b = Files.readAllBytes(f);
        int len = 1 + 12 + 4 + BackupCipher.CHUNK + 16;
        byte[] swapped = b.clone();
        System.arraycopy(b, HEADER + len, swapped, HEADER, len);
        System.arraycopy(b, HEADER, swapped, HEADER + len, len);
        Files.write(f, swapped);
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, KEY)).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("chunk 0 failed authentication");
    }

    @Test
    void aMissingKeyVariableFailsInsteadOfWritingPlaintext() {
        assertThatThrownBy(() -> BackupCipher.Key.fromEnvironment("BULWARK_BACKUP_KEY", Map.of()))
                .isInstanceOf(BulwarkException.class).hasMessageContaining("BULWARK_BACKUP_KEY is not set");
        assertThatThrownBy(() -> BackupCipher.Key.parse("short", "env")).hasMessageContaining("too short");
    }

    @Test
    void aPlainFileIsNotTakenForAnEncryptedOne() throws IOException {
        Path f = Files.writeString(dir.resolve("plain.dump"), "PGDMP...");
        assertThat(BackupCipher.isEncrypted(f)).isFalse();
        assertThatThrownBy(() -> BackupCipher.decryptToBytes(f, KEY)).hasMessageContaining("not an encrypted Bulwark backup");
    }
}
